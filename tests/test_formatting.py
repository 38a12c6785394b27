"""Money in KGS and times in Asia/Bishkek, per locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from gms.formatting import day
from gms.i18n import local_datetime, money
from gms.timeutil import from_local, to_local

pytestmark = pytest.mark.gms_plugins()


@pytest.mark.parametrize("locale,expected", [
    ("ru", "1\xa0000\xa0000\xa0сом"),
    ("ky", "1\xa0000\xa0000\xa0сом"),
    ("en", "KGS1,000,000"),
])
def test_whole_som(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert money(Decimal("1000000")) == expected


def test_som_with_tyiyn(app):
    with app.test_request_context(), force_locale("ru"):
        assert money(Decimal("1000000.50")) == "1\xa0000\xa0000,50\xa0сом"
    with app.test_request_context(), force_locale("en"):
        assert money(Decimal("1000000.50")) == "KGS1,000,000.50"
        assert money(None) == "—"


def test_bishkek_time(app):
    utc = datetime(2017, 3, 28, 11, 30, tzinfo=UTC)
    with app.test_request_context():
        assert to_local(utc).strftime("%H:%M") == "17:30"
        assert from_local(datetime(2017, 3, 28, 17, 30)) == utc
        with force_locale("ru"):
            assert "17:30" in local_datetime(utc)
        with force_locale("en"):
            assert "5:30" in local_datetime(utc)


def test_one_family_of_date_filters_for_dates_stored_answers_and_instants(app):
    """``day`` (medium) and ``long_date`` take a date, a stored answer or a UTC instant (on
    its day in Bishkek: 20:00 UTC on the 6th is the 7th there); ``dt`` adds the time."""
    evening = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    source = "{{ a|day }}|{{ b|day }}|{{ c|day }}|{{ c|long_date }}|{{ none|day }}|{{ c|dt }}"
    with app.test_request_context(), force_locale("en"):
        text = app.jinja_env.from_string(source).render(a=date(2026, 12, 7), b="2026-12-07",
                                                        c=evening)
    assert text == ("Dec 7, 2026|Dec 7, 2026|Dec 7, 2026|December 7, 2026|—|"
                    "Dec 7, 2026, 2:00\u202fAM")
    assert day("2026-12-07") == "2026-12-07" and day(None) == "—"  # outside the app


def test_translations_kept_for_the_request_and_changed_with_the_locale(app):
    """gms.i18n keeps the request's catalog instead of asking Flask-Babel for every string,
    and a forced locale (letters, agreements) still gets its own language and gives the
    request's back after it."""
    from flask import render_template_string

    from gms.i18n import _, _l, translations

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        catalog = translations()
        assert translations() is catalog
        assert _("Draft saved.") == "Черновик сохранён."
        lazy = _l("Draft saved.")
        with force_locale("ky"):
            assert translations() is not catalog
            assert _("Draft saved.") == str(lazy) == "Каралама сакталды."
            assert render_template_string("{{ _('Draft saved.') }}") == "Каралама сакталды."
        with force_locale("en"):
            assert _("Draft saved.") == "Draft saved."
        assert translations() is catalog
        assert str(lazy) == _("Draft saved.") == "Черновик сохранён."
        assert render_template_string("{{ _('Draft saved.') }}") == "Черновик сохранён."
    assert _("Draft saved.") == "Draft saved."  # no app context: the source text
