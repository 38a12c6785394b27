"""This plugin's translation domain: its own catalogs (``translations/``), then the core's."""

from gms.i18n import Domain

_, _l, ngettext = Domain.beside(__file__).functions()
