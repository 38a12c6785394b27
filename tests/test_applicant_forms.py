"""The applicant's small declared forms: the application's buttons, uploads, appeals, and
the two-factor page's buttons (no view reads the posted data by hand)."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from gms.forms import AppealForm, ApplicationActionForm, AttachmentForm, TwoFactorForm


def _posted(app, form_class, data):
    with app.test_request_context(method="POST", data=data):
        form = form_class(meta={"csrf": False})
        return form, form.validate()


@pytest.mark.parametrize(("posted", "submitting"), [
    ({}, False), ({"action": "save"}, False), ({"action": "submit"}, True),
    ({"action": "delete"}, False), ({"action": "SUBMIT"}, False)])
def test_only_the_submit_button_submits(app, posted, submitting):
    with app.test_request_context(method="POST", data=posted):
        assert ApplicationActionForm().submitting() is submitting


def test_an_upload_needs_a_file(app):
    form, ok = _posted(app, AttachmentForm, {"kind": "photos"})
    assert not ok and form.file.errors == ["Choose a file to upload."]
    data = MultiDict({"kind": "photos",
                      "file": FileStorage(io.BytesIO(b"%PDF-1.4"), filename="a.pdf")})
    form, ok = _posted(app, AttachmentForm, data)
    assert ok and form.kind.data == "photos" and form.file.data.filename == "a.pdf"


def test_appeal_grounds_longer_than_the_limit_are_refused_not_cut(app):
    form, ok = _posted(app, AppealForm, {"grounds": "x" * 10001})
    assert not ok and form.grounds.errors
    form, ok = _posted(app, AppealForm, {"grounds": "x" * 10000})
    assert ok and form.grounds.data == "x" * 10000


@pytest.mark.parametrize(("action", "valid"), [("codes", True), ("disable", True),
                                               ("delete", False)])
def test_two_factor_buttons_are_declared(app, action, valid):
    form, ok = _posted(app, TwoFactorForm, {"code": "123456", "action": action})
    assert ok is valid and (form.action.data == action or not valid)
