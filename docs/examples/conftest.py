"""The examples are not installed packages: put their folder on ``sys.path`` so that their
tests import them as an installed plugin's tests would (the app finds them through
``PLUGIN_PATHS``, which their tests set)."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
