"""Core form fields (gms.forms) checked the way WTForms checks them, only faster."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import FormField, StringField
from wtforms.validators import DataRequired

from gms.forms import FieldList, LoginForm, SelectField, SubForm


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


class Row(SubForm):
    cell = SelectField("Cell", choices=[("a", "A"), ("b", "B")], render_kw={"class": "c"})


class Table(SubForm):
    name = StringField("Name", validators=[DataRequired()])
    rows = FieldList(FormField(Row), min_entries=1)


def test_each_form_has_fields_of_its_own():
    """What one form's view changes (choices, keywords, flags) stays with that form."""
    first = Table(formdata=MultiDict({"name": "x", "rows-0-cell": "a"}))
    second = Table(formdata=MultiDict({"rows-0-cell": "b"}))
    assert first.name is not second.name
    assert (first.name.data, second.name.data) == ("x", None)
    assert first.validate() and not second.validate()
    assert first.name.errors == [] and second.name.errors == ["This field is required."]

    cell = first.rows[0].form.cell
    cell.choices.append(("z", "Z"))
    cell.render_kw["class"] = "changed"
    first.name.flags.required = False
    third = Table(formdata=MultiDict({"rows-0-cell": "z"}))
    assert third.rows[0].form.cell.choices == [("a", "A"), ("b", "B")]
    assert third.rows[0].form.cell.render_kw == {"class": "c"}
    assert third.name.flags.required
    assert not third.validate() and third.rows[0].form.cell.errors == ["Not a valid choice."]


def test_a_long_table_binds_every_row():
    rows = 150
    form = Table(formdata=MultiDict({"name": "x", **{f"rows-{i}-cell": "ab"[i % 2]
                                                     for i in range(rows)}}))
    assert [e.form.cell.data for e in form.rows] == ["ab"[i % 2] for i in range(rows)]
    assert [e.form.cell.name for e in form.rows][-1] == f"rows-{rows - 1}-cell"
    assert form.validate()


@pytest.mark.parametrize("number", ["²", "١", "1" * 5000, "1" * 10])
def test_a_table_ignores_rows_not_numbered_in_short_ascii_digits(number):
    posted = MultiDict([("name", "x"), ("rows-0-cell", "a"), (f"rows-{number}-cell", "b"),
                        ("rows_note", "kept"), ("rows-1-cell", "b")])
    form = Table(formdata=posted)
    assert [e.form.cell.data for e in form.rows] == ["a", "b"]
    assert form.validate()


def test_the_csrf_token_is_bound_for_each_form(app):
    with app.test_request_context():
        a, b = LoginForm(meta={"csrf": True}), LoginForm(meta={"csrf": True})
        assert a.csrf_token is not b.csrf_token
        assert a.csrf_token.csrf_impl is not b.csrf_token.csrf_impl
        assert a.email is not b.email
