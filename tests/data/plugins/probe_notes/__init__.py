"""A throw-away plugin with a table of its own, created by its own migration branch: the test
database must migrate it when a test enables the plugin (tests/test_plugins_toolkit.py)."""

__version__ = "0.1"
