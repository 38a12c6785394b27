"""WTForms' own validation messages, translated through the app's catalogs.

WTForms ships no Kyrgyz catalog, so its messages are listed here for extraction and looked up in
GMS's catalogs. Forms use :class:`AppTranslations` through their ``Meta``.
"""

from __future__ import annotations

from gms.i18n import _l, translations


def ngettext(singular: str, plural: str, n: int = 1) -> str:
    """A marker for extraction only."""
    return singular


MESSAGES = (
    _l("This field is required."),
    _l("Invalid email address."),
    _l("Not a valid choice."),
    _l("Not a valid decimal value."),
    _l("Not a valid integer value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid input."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid Choice: could not coerce."),
    _l("'%(value)s' is not a valid choice for this field."),
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long."),
)


class AppTranslations:
    """The object WTForms asks for ``gettext``/``ngettext``; formatting stays WTForms'."""

    def gettext(self, string: str) -> str:
        return translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations().ngettext(singular, plural, n)


TRANSLATIONS = AppTranslations()
