"""Text PostgreSQL cannot store (a NUL character): found in posted data and in forms."""

from __future__ import annotations

from collections.abc import Callable

import wtforms
from flask import render_template, request

from gms.i18n import _l

#: the one character PostgreSQL cannot store in text (a NUL byte)
UNSTORABLE = "\x00"
UNSTORABLE_MESSAGE = _l("This text contains an invisible NUL character that cannot be stored. "
                        "Remove it and send the form again.")


def unstorable_fields(form) -> list:
    """Inputs of ``form`` (tables and sections included) whose text has a NUL character;
    each gets the error :data:`UNSTORABLE_MESSAGE`."""
    bad = []
    for field in form:
        if isinstance(field, wtforms.FormField):
            bad += unstorable_fields(field.form)
        elif isinstance(field, wtforms.FieldList):
            for entry in field.entries:
                if isinstance(entry, wtforms.FormField):
                    bad += unstorable_fields(entry.form)
                elif _has_nul(entry):
                    bad.append(entry)
        elif _has_nul(field):
            bad.append(field)
    message = str(UNSTORABLE_MESSAGE)
    for field in bad:
        if message not in field.errors:
            field.errors = [*field.errors, message]
    return bad


def refuse_unstorable_input(*exempt: str) -> Callable:
    """A ``before_request`` hook for blueprints whose views read posted data outside a
    :class:`gms.forms.Form`: a POST with a NUL character in a value, a name or a file name
    is answered with :data:`UNSTORABLE_MESSAGE` (422) before any view runs, so nothing is
    half-written and PostgreSQL never sees it. Endpoints in ``exempt`` validate a form,
    which marks the field itself."""

    def hook():
        if request.method != "POST" or request.endpoint in exempt:
            return None
        if has_unstorable(request.form) or has_unstorable(request.files):
            return render_template("error.html", message=UNSTORABLE_MESSAGE), 422
        return None

    return hook


def has_unstorable(formdata) -> bool:
    """True when a name or a value of ``formdata`` (a MultiDict) has a NUL character; of an
    uploaded file only the name is looked at."""
    return any(UNSTORABLE in key or any(
        UNSTORABLE in (v if isinstance(v, str) else getattr(v, "filename", None) or "")
        for v in values) for key, values in formdata.lists())


def _has_nul(field) -> bool:
    return any(UNSTORABLE in str(v) for v in getattr(field, "raw_data", None) or ())
