"""Test support for GMS and its plugins.

:mod:`gms.testing.fixtures` is a pytest plugin (enabled by ``-p gms.testing.fixtures`` in
``pyproject.toml``); plugin authors can use the same fixtures in their own test suites, and
the factories of :mod:`gms.testing.factories` to build calls, applications and reviews.
"""

from gms.testing.support import PASSWORD
from gms.testing.users import login

__all__ = ["PASSWORD", "login"]
