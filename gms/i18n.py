"""Languages, money and dates: locale selection and the Jinja filters that format per locale."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel import numbers
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask.templating import Environment as FlaskEnvironment
from flask_babel import format_date, format_time, get_locale, get_translations, ngettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from gms.answers import to_date
from gms.timeutil import to_local

# Kyrgyzstan's regional variants, whose currency symbol for KGS is "сом"
REGIONAL = {"ru": "ru_KG", "ky": "ky_KG"}
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}

__all__ = ["_", "_l", "ngettext", "translations", "Domain", "select_locale", "select_tz",
           "money", "local_datetime", "init_app"]


def translations() -> NullTranslations:
    """The catalog of the current locale: Flask-Babel's ``get_translations()``, kept for the
    rest of the request (or until ``force_locale`` changes the locale). Flask-Babel finds
    the locale and the catalog anew on every call, through a dozen context lookups; a page
    translates hundreds of strings."""
    if not has_app_context():
        return get_translations()
    state = g.get("_flask_babel")
    kept = getattr(state, "gms_translations", None)
    if kept is not None and kept[0] is getattr(state, "babel_locale", None):
        return kept[1]
    catalog = get_translations()
    state = g._flask_babel
    state.gms_translations = (getattr(state, "babel_locale", None), catalog)
    return catalog


def _(string: str, **variables) -> str:
    """The translation of ``string`` in the current locale, formatted with ``variables``
    (``%(name)s``), as Flask-Babel's ``gettext``."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def _l(string: str, **variables) -> LazyString:
    """``string``, translated when it is shown (for module-level labels and messages)."""
    return LazyString(_, string, **variables)


class Domain:
    """A plugin's own translation domain: the ``messages`` catalogs in its folder's
    ``translations/``, then the app's (the core's merged with every enabled plugin's) for a
    msgid that the plugin does not translate. A plugin's ``i18n.py`` makes one and its Python
    code imports ``_``, ``_l`` and ``ngettext`` from there, so two plugins may translate one
    msgid differently; its templates translate from it too (:class:`PluginTemplates`)."""

    def __init__(self, folder: Path | str):
        self.directory = Path(folder) / "translations"
        self._catalogs: dict[str, NullTranslations] = {}

    @classmethod
    def beside(cls, filename: str) -> Domain:
        """The domain of the plugin whose folder holds ``filename`` (its ``__file__``)."""
        return cls.of(Path(filename).parent)

    @classmethod
    @functools.cache
    def of(cls, folder: Path) -> Domain:
        """The one domain of the plugin in ``folder``, shared by its Python code and its
        templates, so each catalog is read once."""
        return cls(folder)

    def functions(self) -> tuple[Callable[..., str], Callable[..., LazyString],
                                 Callable[..., str]]:
        """``(_, _l, ngettext)`` of this domain."""
        return self.gettext, self.lazy_gettext, self.ngettext

    def catalog(self) -> NullTranslations:
        """The plugin's catalog of the current locale (empty outside an app context)."""
        if not has_app_context():
            return NullTranslations()
        locale = str(get_locale())
        found = self._catalogs.get(locale)
        if found is None:
            found = self._catalogs[locale] = Translations.load(str(self.directory), [locale])
        return found

    def translate(self, string: str) -> str:
        """The translation of ``string``, unformatted: the plugin's catalog, then the app's."""
        text = self.catalog().ugettext(string)
        return translations().ugettext(string) if text == string else text

    def ntranslate(self, singular: str, plural: str, num: int) -> str:
        """The plural form for ``num``, unformatted: the plugin's catalog, then the app's."""
        text = self.catalog().ungettext(singular, plural, num)
        if text in (singular, plural):
            text = translations().ungettext(singular, plural, num)
        return text

    def gettext(self, string: str, **variables) -> str:
        """As :func:`_`, from the plugin's catalog first."""
        text = self.translate(string)
        return text % variables if variables else text

    def lazy_gettext(self, string: str, **variables) -> LazyString:
        """As :func:`_l`, from the plugin's catalog first."""
        return LazyString(self.gettext, string, **variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        """As Flask-Babel's ``ngettext`` (``%(num)s`` is ``num``), from the plugin's catalog
        first."""
        return self.ntranslate(singular, plural, num) % {"num": num, **variables}

    @functools.cached_property
    def template_callables(self) -> dict[str, Callable]:
        """``gettext``, ``_`` and ``ngettext`` for the plugin's templates, as Jinja's i18n
        extension installs them (new style: variables formatted, escaped under
        autoescape)."""

        @pass_context
        def gettext(context, string: str, **variables) -> str:
            text = self.translate(string)
            text = Markup(text) if context.eval_ctx.autoescape else text
            return text % variables

        @pass_context
        def ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
            variables.setdefault("num", num)
            text = self.ntranslate(singular, plural, num)
            text = Markup(text) if context.eval_ctx.autoescape else text
            return text % variables

        return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


class PluginTemplates(FlaskEnvironment):
    """Flask's Jinja environment, in which a plugin's templates (``<plugin>/...``, as the
    namespace rule names them) translate from the plugin's domain: ``domains`` maps each
    enabled plugin with catalogs to its :class:`Domain`; other templates use the app's
    merged catalog."""

    domains: Mapping[str, Domain] = {}

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 (Jinja's name)
        domain = self.domains.get(name.split("/", 1)[0]) if isinstance(name, str) else None
        if domain is not None:
            # a new dict: Jinja keeps it as the template's own globals and updates it
            globals = {**domain.template_callables, **(globals or {})}
        return super().get_template(name, parent, globals)


def select_locale() -> str:
    """The session's choice, then the user's saved language, then the browser's."""
    langs = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in langs:
        return current_user.locale
    return request.accept_languages.best_match(langs) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_tz() -> str:
    return current_app.config["TIMEZONE"]


def money(value: Decimal | int | None, whole: bool = True) -> str:
    """A KGS amount in the current locale (``1 000 000 сом``, ``KGS1,000,000``)."""
    if value is None:
        return "—"
    value = Decimal(value)
    lang = str(get_locale())
    locale = REGIONAL.get(lang, lang)
    fmt = None
    if whole and value == value.to_integral_value():
        fmt = "#,##0\u00a0¤" if lang in REGIONAL else "¤#,##0"
    return numbers.format_currency(value, current_app.config["CURRENCY"], format=fmt,
                                   locale=locale, currency_digits=fmt is None)


def local_datetime(value: datetime | None) -> str:
    """A UTC instant shown in the programme's time zone, to the minute."""
    if value is None:
        return "—"
    local = to_local(value)
    return f"{format_date(local, 'medium')}, {format_time(local, 'short', rebase=False)}"


def number(value, pattern: str = "#,##0.##") -> str:
    """A score or other number in the current locale (``84,5``); ``—`` for none."""
    if value is None:
        return "—"
    return numbers.format_decimal(Decimal(value), pattern, locale=str(get_locale()))


def local_date(value: date | datetime | str | None, fmt: str = "medium") -> str:
    """A day in the reader's locale, in Babel's ``fmt`` (``medium``: ``7 дек. 2026 г.``,
    ``long``: ``7 декабря 2026 г.``), ISO (``2026-12-07``) outside an app context. Takes a
    date, a stored ``YYYY-MM-DD`` (or ``DD.MM.YYYY``), or a UTC instant, whose day is the one
    in the programme's time zone; ``—`` for none or text that is no date."""
    if isinstance(value, datetime) and has_app_context():
        value = to_local(value)
    day = to_date(value)
    if day is None:
        return "—"
    return format_date(day, fmt) if has_app_context() else day.isoformat()


def long_date(value: date | datetime | str | None) -> str:
    """:func:`local_date` in the long format: ``7 декабря 2026 г.``, ``December 7, 2026``."""
    return local_date(value, "long")


STATUS_NAMES = {
    # calls
    "draft": _l("draft"), "open": _l("open"), "closed": _l("closed"),
    "screening": _l("screening"), "evaluation": _l("evaluation"), "decided": _l("decided"),
    "published": _l("results published"),
    # applications and score sheets
    "submitted": _l("submitted"), "withdrawn": _l("withdrawn"), "eligible": _l("eligible"),
    "ineligible": _l("not eligible"), "funded": _l("funded"), "reserve": _l("reserve list"),
    "not_funded": _l("not funded"), "pending": _l("to score"), "declined": _l("declined"),
    "recused": _l("recused"),
}
ROLE_NAMES = {
    "chair": _l("chair"), "member": _l("member"), "rapporteur": _l("rapporteur"),
    "observer": _l("observer"),
}
TIE_BREAK_NAMES = {
    "score_desc": _l("higher score"), "criterion_desc": _l("higher score on the criterion"),
    "requested_amount_asc": _l("lower requested amount"),
    "submitted_at_asc": _l("earlier submission"), "id_asc": _l("lower application number"),
}
AWARD_REASONS = {
    "envelope": _l("the envelope was used up"), "award_count": _l("the number of awards "
                                                                   "was reached"),
    "per_organisation": _l("the limit of grants per organisation was reached"),
    "below_threshold": _l("below a threshold"), "promoted": _l("promoted from the reserve "
                                                                "list"),
    "declined": _l("declined or cancelled"), "no_place": _l("no prize place left"),
}
APPEAL_NAMES = {"filed": _l("waiting for a decision"), "upheld": _l("upheld"),
                "rejected": _l("rejected")}
ACTION_NAMES = {
    "open": _l("Open the call"), "close": _l("Close the call"),
    "start_screening": _l("Start screening"), "start_evaluation": _l("Start evaluation"),
    "decide": _l("Decide the awards"), "publish": _l("Publish the results"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n),
        newstyle=True)
    app.jinja_env.filters.update(
        money=money, num=number,
        # the dates: ``day`` (medium) and ``long_date`` take a date, a stored YYYY-MM-DD or an
        # instant; ``dt`` an instant, to the minute
        day=local_date, long_date=long_date, dt=local_datetime)

    @app.context_processor
    def _languages():
        return {"LANGUAGE_NAMES": LANGUAGE_NAMES, "current_locale": str(get_locale()),
                "STATUS_NAMES": STATUS_NAMES, "ACTION_NAMES": ACTION_NAMES,
                "ROLE_NAMES": ROLE_NAMES, "TIE_BREAK_NAMES": TIE_BREAK_NAMES,
                "AWARD_REASONS": AWARD_REASONS, "APPEAL_NAMES": APPEAL_NAMES}
