"""Hostile input for property-based tests, for the core's tests and any plugin's.

Every plugin runs the same three layers against its competition type (the in-repo plugins'
``tests/test_hostile_*.py`` do)::

    from gms.testing import hostile as H

    @H.hostile_settings(200)
    @given(answers=H.hostile_answers(ANSWERS), settings=H.hostile_settings_of(DEFAULTS))
    def test_rules_take_any_answers_and_settings(app, answers, settings):
        H.count("my_plugin.rules")
        with app.test_request_context():
            H.check_competition(CTYPE, make_competition(settings=settings), make_info(), answers)

    def test_form_takes_every_nasty_value(app):
        H.sweep_application_form(app, CTYPE, MyForm, formdata, make_competition(),
                                 make_info(), "my_plugin.sweep")

    @H.hostile_settings(30)
    @given(data=st.data())
    def test_application_page_refuses_bad_input_clearly(app, client, world, data):
        H.post_hostile_application(app, client, world, MyForm, formdata(), data,
                                   "my_plugin.http")

with ``world = H.application_world(app, clock, "my_plugin", territory=...)`` as a fixture, and
``_report = H.report_examples("my_plugin")`` to print how many inputs the module sent.

Values (:mod:`.values`): Hypothesis strategies of texts, numbers, dates, answers and
settings. Forms (:mod:`.forms`): a form's inputs, mutated form data, sweeps. Checks
(:mod:`.checks`): never a server error, input HTML never echoed raw, refusals shown, nothing
changed. Competitions (:mod:`.competitions`): a type's rules, sheet, policy and reports on any
answers, its form on hostile data and through the applicant's page. Hypothesis is needed
(GMS's test dependencies have it).
"""

from .checks import (
    ERROR_MARKERS,
    EXAMPLES,
    RAW_HTML,
    check_response,
    columns,
    count,
    echoed,
    examples,
    fast_sqlite,
    flashes,
    has_error,
    has_unstorable,
    hostile_settings,
    refused,
    report_examples,
    storable,
    table_counts,
)
from .competitions import (
    NOTHING_SAVED,
    application_world,
    check_competition,
    check_form,
    login_as,
    post_hostile_application,
    sweep_application_form,
    try_application_form,
)
from .forms import field_kind, leaf_fields, mutated, sweep, sweep_fields
from .values import (
    BIDI,
    COMBINING,
    CONTROL,
    EMOJI,
    IMG,
    KYRGYZ,
    LONG,
    MIXED,
    NASTY,
    NUL,
    RTL,
    RUSSIAN,
    SCRIPT,
    SPECIAL_DATES,
    SPECIAL_NUMBERS,
    SPECIAL_TEXTS,
    SQL,
    XSS_MARK,
    ZERO_WIDTH,
    hostile_answers,
    hostile_date,
    hostile_number,
    hostile_settings_of,
    hostile_text,
    hostile_value,
    json_value,
    setting_value,
    value_for,
)

__all__ = [
    "BIDI", "COMBINING", "CONTROL", "EMOJI", "ERROR_MARKERS", "EXAMPLES", "IMG", "KYRGYZ",
    "LONG", "MIXED", "NASTY", "NOTHING_SAVED", "NUL", "RAW_HTML", "RTL", "RUSSIAN", "SCRIPT",
    "SPECIAL_DATES", "SPECIAL_NUMBERS", "SPECIAL_TEXTS", "SQL", "XSS_MARK", "ZERO_WIDTH",
    "application_world", "check_competition", "check_form", "check_response", "columns",
    "count", "echoed", "examples", "fast_sqlite", "field_kind", "flashes", "has_error",
    "has_unstorable", "hostile_answers", "hostile_date", "hostile_number", "hostile_settings",
    "hostile_settings_of", "hostile_text", "hostile_value", "json_value", "leaf_fields",
    "login_as", "mutated", "post_hostile_application", "refused", "report_examples",
    "setting_value", "storable", "sweep", "sweep_application_form", "sweep_fields",
    "table_counts", "try_application_form", "value_for",
]
