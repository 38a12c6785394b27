"""Hostile values for the property-based tests: Hypothesis strategies of what a careless,
confused or malicious user may send through a form or store in an answer.

Texts: very long, Kyrgyz and Russian letters mixed with Latin and right-to-left scripts,
invisible and control characters, NUL bytes, HTML and ``<script>`` tags, SQL-looking text,
emoji. Numbers: negative, zero, enormous, ``NaN``, with spaces or commas. Dates: out of range
or impossible. Answers (JSON) and call settings with such values anywhere in them.
"""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

XSS_MARK = "gms-xss"
SCRIPT = f"<script>alert('{XSS_MARK}')</script>"
IMG = f'"><img src=x onerror="alert(\'{XSS_MARK}\')">'

KYRGYZ = "Өрүк-Таш айылы: ңөү ҢӨҮ жаңы үй, өзөн"
RUSSIAN = "Кызыл-Сууский айылный аймак, ул. Ленина 12"
MIXED = "Ак-Suu aiyl: 1 000 сом, ҮҮ-ooo, Ж̌ж̌"
RTL = "مرحبا بالعالم שלום עולם"
BIDI = "\u202eгРУППА\u202c \u200f\u200e"
ZERO_WIDTH = "a\u200bb\u200cc\u200dd\ufeffe\u2060f"
CONTROL = "a\x01b\x07c\x1bd\x7fe\x85f\u2028g\u2029"
NUL = "before\x00after"
EMOJI = "🇰🇬 👍🏽 😀 👨‍👩‍👧 🏔️"
SQL = "'; DROP TABLE applications; -- 1' OR '1'='1 \" OR 1=1 /*"
COMBINING = "e\u0301\u0301\u0301 о\u0308 Z\u0335\u0327a\u0336\u0328"
LONG = 100_000

SPECIAL_TEXTS = (
    "", " ", "\t\n\r", "   \u00a0\u2003  ", SCRIPT, IMG, "<b>bold</b>", "<iframe src=//x>",
    "{{ 7*7 }} {% raw %}", "%(n)s %s {0}", KYRGYZ, RUSSIAN, MIXED, RTL, BIDI, ZERO_WIDTH,
    CONTROL, NUL, "\x00", EMOJI, SQL, COMBINING, "\\", "\\x00", "null", "None", "undefined",
    "../../etc/passwd", "a" * 301, "ө" * 2001, "\r\n" * 50,
)


@cache
def _long_texts() -> st.SearchStrategy[str]:
    return st.sampled_from((
        "ө" * LONG, "a" * (LONG + 1), (SCRIPT * (LONG // len(SCRIPT) + 1))[:LONG],
        ("Ү" + "\u200b") * (LONG // 2), "😀" * (LONG // 4),
    ))


_any_char = st.characters(exclude_categories=("Cs",))
_nasty_char = st.sampled_from(
    "өүңӨҮҢжЖ<>&\"'`/\\;%$#{}[]()\x00\x01\x1b\x7f\u200b\u200e\u202e\ufeff\u00a0\u2028"
    "😀🇰🇬مש ")


@cache
def hostile_text(long: bool = True) -> st.SearchStrategy[str]:
    """Any hostile text; ``long`` adds 100,000-character texts now and then."""
    pieces = st.one_of(
        st.sampled_from(SPECIAL_TEXTS),
        st.text(_nasty_char, max_size=40),
        st.text(_any_char, max_size=30),
    )
    short = st.lists(pieces, min_size=1, max_size=3).map("".join)
    if not long:
        return short
    # one text in twenty is 100,000 characters long: enough to meet every limit, not so
    # often that the runs get slow
    return st.one_of(*[short] * 19, _long_texts())


SPECIAL_NUMBERS = (
    "", "0", "-0", "-1", "-0.01", "-1000000", "1e30", "1E+30", "-1e30", "1e-30",
    "1e999999999", "1E-999999999", "NaN", "nan", "-NaN", "sNaN", "inf", "Infinity",
    "-Infinity", "1 000 000", "1\u00a0000\u00a0000", "1\u202f000", "1,5", "1.5", "1.000,50",
    "1,000.50", "0,5", ",5", "5.", ".", ",", "-", "+5", "--5", "5-", "1_000", "0x10", "1/2",
    "١٢٣", "１２３", "²", "½", "Ⅻ", "9" * 50, "9" * 5000, "-" + "9" * 5000,
    "99999999999999999999.99", "0.000000000000000000001", "999999999999.99", "1000000000000",
    "100000000000", "2147483648", "9223372036854775808", "3.14159265358979323846264338",
    "12abc", "abc", " 12 ", "12\x00", "1e", "e5", "١٢,٥", "100000000", "1234567.1234567",
)


@cache
def hostile_number() -> st.SearchStrategy[str]:
    """Hostile text for a number field."""
    return st.one_of(
        st.sampled_from(SPECIAL_NUMBERS),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.integers(min_value=-5, max_value=100).map(str),
        hostile_text(long=False),
    )


SPECIAL_DATES = (
    "", "0000-01-01", "0001-01-01", "0001-01-01T00:00", "9999-12-31", "9999-12-31T23:59",
    "10000-01-01", "-2026-01-01", "2026-02-30", "2026-02-29", "2024-02-29", "2026-13-01",
    "2026-00-10", "2026-01-32", "1900-01-01", "1899-12-31", "2100-01-01", "31.12.2026",
    "30.02.2026", "2026/03/01", "2026-3-1", "01-03-2026", "today", "2026-03-01T25:61",
    "2026-03-01T10:00", "2026-03-01T10:00:00+05:00", "2026-03-01 10:00", "2026-W09-1",
    "20260301", "2026-03-01\x00", "２０２６-０３-０１", "2026-03-01" + "0" * 100,
)


@cache
def hostile_date() -> st.SearchStrategy[str]:
    """Hostile text for a date (or datetime-local) field."""
    return st.one_of(
        st.sampled_from(SPECIAL_DATES),
        st.dates().map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
        st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
        hostile_text(long=False),
    )


@cache
def hostile_value() -> st.SearchStrategy[str]:
    """Any hostile value, whatever the field."""
    return st.one_of(hostile_text(), hostile_number(), hostile_date())


@cache
def value_for(kind: str) -> st.SearchStrategy[str]:
    """A hostile value for a field of ``kind`` (text, number, date, choice, bool), mostly of
    that kind (the listed special values first of all), sometimes of any other."""
    special = {"number": SPECIAL_NUMBERS, "date": SPECIAL_DATES}.get(kind, SPECIAL_TEXTS)
    typed = {"number": hostile_number(), "date": hostile_date()}.get(kind, hostile_text())
    return st.one_of(st.sampled_from(special), typed, typed, hostile_value())


#: the nastiest values of each kind, every one of them sent to every input by the sweeps
NASTY = {
    "number": ("-1", "1e30", "NaN", "9" * 50, "²", "1e999999999", "1 000,50", "100000000",
               "1e-30", "999999999999.999"),
    "date": ("0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31",
             "10000-01-01", "2026-02-30"),
    "text": (NUL, SCRIPT + IMG, "ө" * LONG, "", CONTROL + KYRGYZ + RTL + ZERO_WIDTH + EMOJI),
}


@cache
def json_value() -> st.SearchStrategy:
    """Any value a stored answer (JSON) may hold, hostile ones first."""
    leaves = st.one_of(
        hostile_text(long=False), hostile_number(), hostile_date(), st.none(), st.booleans(),
        st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True))
    return st.recursive(leaves, lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(("", "title", "x", "ө", "0", "amount")), children,
                        max_size=3)), max_leaves=6)


def _paths(value, prefix=()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*prefix, i))
    return out


def _replace(value, path: tuple, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def hostile_answers(draw, base: dict) -> dict:
    """``base`` (valid answers) with values anywhere in it (a cell, a row, a whole table or
    section) replaced by any JSON value, keys dropped or added; now and then answers that
    are nothing like the form's."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(st.dictionaries(st.sampled_from((*base, "x", "ө")), json_value(),
                                    max_size=6))
    answers = base
    paths = _paths(base)
    for _i in range(draw(st.integers(min_value=1, max_value=5))):
        action = draw(st.sampled_from(("set", "set", "set", "drop", "add")))
        if action == "add":
            answers = {**answers, draw(st.sampled_from(("x", "ө", "", "__proto__"))):
                       draw(json_value())}
            continue
        path = draw(st.sampled_from(paths))
        try:
            if action == "drop" and len(path) == 1:
                answers = {k: v for k, v in answers.items() if k != path[0]}
            else:
                answers = _replace(answers, path, draw(json_value()))
        except (KeyError, IndexError, TypeError):  # the path went away with an earlier change
            continue
    return answers


@cache
def setting_value() -> st.SearchStrategy:
    """What the call form can store in a setting: a whole number, a finite decimal as text,
    a text of up to 2,000 characters, a check box, or nothing."""
    return st.one_of(
        st.integers(min_value=-(10**9) + 1, max_value=10**9 - 1), st.integers(-5, 200),
        st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**11),
                    max_value=10**11).map(str),
        hostile_text(long=False).map(lambda t: t.replace("\x00", "")[:2000]),
        st.sampled_from(SPECIAL_DATES).map(lambda t: t.replace("\x00", "")),
        st.booleans(), st.none())


@st.composite
def hostile_settings_of(draw, defaults: dict) -> dict:
    """A call's settings: the defaults with some values replaced."""
    settings = dict(defaults)
    for _i in range(draw(st.integers(min_value=0, max_value=3))):
        settings[draw(st.sampled_from(sorted(defaults)))] = draw(setting_value())
    return settings
