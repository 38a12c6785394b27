"""Fixtures of the browser journeys (tests/browser/).

``demo``        the demo instance (``gms.demo.load()``) at the frozen ``clock`` time
                (2026-03-02 10:00 in Bishkek), so dates and screenshots are deterministic
``new_page``    ``new_page(width=1280, height=900)``: another page of ``browser`` (mobile widths)
``catalog``     ``catalog(lang, msgid, **values)``: the text the app shows for ``msgid``
                in ``lang``, read from the compiled catalogs (so the Russian and Kyrgyz
                assertions follow translation edits, and still prove a translation is shown)

Helpers (``log_in``, ``pdf``, ``pdf_file``) live in ``tests/browser/support.py``.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(app, clock):
    """Load the demo data (through the services) at the clock's frozen time."""
    from gms import demo as module

    with app.app_context():
        module.load()
    return module


@pytest.fixture
def catalog(app):
    """``catalog(lang, msgid, **values)`` → the translated text the app would show."""
    from flask_babel import force_locale, gettext

    def translate(lang: str, msgid: str, **values) -> str:
        with app.test_request_context(), force_locale(lang):
            return gettext(msgid, **values)

    return translate


@pytest.fixture
def new_page(browser):
    """Factory for extra pages with their own context (other viewport sizes)."""
    contexts = []

    def factory(width: int = 1280, height: int = 900, locale: str = "ru-RU"):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()
