"""Helpers shared by the browser journeys and the screenshot run."""

from __future__ import annotations

from gms.testing import PASSWORD

DEMO_PASSWORD = "demo-password-2026"  # gms.demo.PASSWORD


def pdf(text: str) -> bytes:
    """A small valid one-page PDF (the demo's generator: header, objects, xref, ``%%EOF``)."""
    from gms.demo import pdf as make_pdf

    return make_pdf(text)


def pdf_file(name: str, text: str | None = None) -> dict:
    """A file for ``set_input_files`` given as a buffer, not a path on disk."""
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf(text or name)}


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Open the log-in page, type the e-mail and password, press the form's button."""
    page.goto(base + "/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"log-in of {email} failed: {page.url}"


def open_set_up_link(app, page, base: str, user) -> None:
    """Open the set-up link e-mailed to ``user`` (the outbox) and continue."""
    import re
    from urllib.parse import urlsplit

    from sqlalchemy import select

    from gms.extensions import db
    from gms.models import OutboxMessage

    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.recipient == user.email).order_by(OutboxMessage.id.desc())).first()
    link = re.search(r"http\S+/two-factor/enrol/\S+", body).group(0)
    page.goto(base + urlsplit(link).path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/two-factor/setup")
