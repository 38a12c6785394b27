"""Core form fields (gms.forms) checked the way WTForms checks them, only faster."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from gms.forms import SelectField, SubForm


def _form(choices, posted, coerce=str):
    class Form(SubForm):
        pick = SelectField("Pick", choices=choices, coerce=coerce)

    form = Form(formdata=MultiDict(posted))
    return form.validate(), form.pick.errors


@pytest.mark.parametrize("choices", [
    [("", "—"), ("a", "A"), ("b", "B")],          # pairs: checked against the values
    [("", "—", {}), ("a", "A", {}), ("b", "B", {})],  # WTForms' own check
    ["", "a", "b"],                                 # WTForms' own check
])
def test_select_accepts_only_its_choices(choices):
    assert _form(choices, {"pick": "a"}) == (True, [])
    assert _form(choices, {"pick": ""}) == (True, [])
    assert _form(choices, {"pick": "c"}) == (False, ["Not a valid choice."])
    assert _form(choices, {"pick": "A"}) == (False, ["Not a valid choice."])


def test_select_compares_coerced_values():
    choices = [(1, "one"), (2, "two")]
    assert _form(choices, {"pick": "2"}, coerce=int) == (True, [])
    assert _form(choices, {"pick": "3"}, coerce=int) == (False, ["Not a valid choice."])
    valid, errors = _form(choices, {"pick": "x"}, coerce=int)  # coercion fails first
    assert not valid and errors and errors != ["Not a valid choice."]


def test_select_message_of_the_field_wins():
    class Form(SubForm):
        pick = SelectField("Pick", choices=[("a", "A")], invalid_choice_message="Pick A.")

    form = Form(formdata=MultiDict({"pick": "b"}))
    assert not form.validate() and form.pick.errors == ["Pick A."]
