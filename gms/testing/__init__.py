"""Test support for GMS and its plugins.

:mod:`gms.testing.fixtures` is a pytest plugin (enabled by ``-p gms.testing.fixtures`` in
``pyproject.toml``); plugin authors can use the same fixtures in their own test suites.
"""

from gms.testing.fixtures import PASSWORD, login

__all__ = ["PASSWORD", "login"]
