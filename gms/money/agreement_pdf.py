"""The agreement of a grant as a PDF, from the competition type's template.

The agreement template is a Jinja template named by the type's ``templates["agreement"]``
(default ``finance/agreement.html``), rendered in the agreement's language into lines that
become a :class:`gms.documents.Document`:

    = Title                     the document's title (once)
    ## Heading                  a heading
    | cell | cell |            a table row; the first row of a table is its header
    ~ Signature line            a line to sign on (consecutive lines make one block)
    any other text              a paragraph; a blank line ends it

Only the template's own text makes these marks. Every value it prints (``{{ ... }}``: a
title, a name, a translated sentence with them) is put on one line and marked as a value
(:func:`_value`), so a project title typed as ``"x\n\n~ Signature"`` stays words in its
line: it starts no heading, table cell or signature line.
"""

from __future__ import annotations

import html

from flask import current_app
from flask_babel import force_locale
from jinja2 import Environment
from markupsafe import Markup
from sqlalchemy import select

from gms.documents import Document, one_line, render_pdf
from gms.extensions import db
from gms.i18n import _
from gms.services.common import competition_type

from . import models as M
from .agreements import AGREEMENT_LANGUAGES, amount_text
from .models import Contribution, Grant

DEFAULT_TEMPLATE = "finance/agreement.html"
#: around each value the agreement template prints (private-use characters, which
#: :func:`gms.documents.one_line` removes from the values themselves)
VALUE_START, VALUE_END = "\ue000", "\ue001"


def agreement_pdf(grant: Grant, lang: str | None = None) -> bytes:
    """The agreement in ``lang`` (default: the grant's language) as PDF bytes."""
    lang = lang if lang in AGREEMENT_LANGUAGES else grant.language
    award = grant.award
    application = award.application
    call = application.competition
    ctype = competition_type(call)
    template = (ctype.templates or {}).get("agreement") or DEFAULT_TEMPLATE
    contributions = db.session.scalars(select(Contribution).where(
        Contribution.grant_id == grant.id, Contribution.stage == M.PROMISED)
        .order_by(Contribution.id)).all()
    with force_locale(lang):
        context = dict(
            grant=grant, award=award, application=application, call=call,
            call_title=call.title.get(lang) or call.title_text, lang=lang,
            organisation=application.organisation, tranches=list(grant.tranches),
            contributions=contributions, amount_text=amount_text,
            programme=current_app.config.get("PROGRAMME_NAME") or _(
                "Voice of Citizens and Accountability of LSG: budget process"))
        current_app.update_template_context(context)
        text = _agreement_environment().get_template(template).render(context)
        return render_pdf(document_from_text(html.unescape(text)))


def _value(value):
    """The ``finalize`` of the agreement templates: a printed text on one line, between
    :data:`VALUE_START` and :data:`VALUE_END` (escaped text stays escaped)."""
    if not isinstance(value, str):
        return value
    marked = VALUE_START + one_line(value) + VALUE_END
    return Markup(marked) if isinstance(value, Markup) else marked


def _agreement_environment() -> Environment:
    """The application's Jinja environment (loaders, filters, gettext) with :func:`_value`
    applied to every printed value; one per application, with its own template cache."""
    env = current_app.extensions.get("gms_agreement_jinja")
    if env is None:
        env = current_app.jinja_env.overlay(finalize=_value, cache_size=100)
        current_app.extensions["gms_agreement_jinja"] = env
    return env


def _cells(line: str) -> list[str]:
    """The cells of a table row, split at the template's ``|`` only (not inside a value)."""
    cells, cell, inside = [], [], False
    for char in line.strip().removeprefix("|").removesuffix("|"):
        if char == VALUE_START:
            inside = True
        elif char == VALUE_END:
            inside = False
        elif char == "|" and not inside:
            cells.append("".join(cell))
            cell = []
            continue
        cell.append(char)
    cells.append("".join(cell))
    return [_plain(c) for c in cells]


def _plain(text: str) -> str:
    """``text`` without the value marks."""
    return " ".join(text.replace(VALUE_START, "").replace(VALUE_END, "").split())


def document_from_text(text: str) -> Document:
    """A :class:`Document` from the agreement line format (see the module docstring)."""
    doc = Document("")
    paragraph: list[str] = []
    table: list[list[str]] = []
    signatures: list[str] = []

    def flush() -> None:
        if paragraph:
            doc.paragraph(" ".join(paragraph))
            paragraph.clear()
        if table:
            doc.table(table[0], table[1:])
            table.clear()
        if signatures:
            doc.signatures(*signatures)
            signatures.clear()

    for raw in text.splitlines():
        # a line that starts with a value (VALUE_START) is text, whatever the value says
        line = " ".join(raw.split())
        if line.startswith("= ") and not doc.title:
            flush()
            doc.title = _plain(line[2:])
        elif line.startswith("## "):
            flush()
            doc.heading(_plain(line[3:]))
        elif line.startswith("|"):
            if paragraph or signatures:
                flush()
            table.append(_cells(line))
        elif line.startswith("~ "):
            if paragraph or table:
                flush()
            signatures.append(_plain(line[2:]))
        elif not _plain(line):
            flush()
        else:
            if table or signatures:
                flush()
            paragraph.append(_plain(line))
    flush()
    return doc
