"""The kinds of answers the pilot-selection forms are made of: texts, numbers, counts and
choices with the limits of the programme's formats."""

from __future__ import annotations

from functools import partial

from wtforms.validators import InputRequired

from gms.forms import (
    DecimalField,
    IntegerField,
    NumberRange,
    Optional,
    text_area,
    text_line,
)

TEXT_MAX = 5000

text_answer = partial(text_area, max_length=TEXT_MAX)
line_answer = partial(text_line, max_length=300)
BIG = 10**12


def number_answer(label, required: bool = True, maximum=BIG, **kwargs):
    """A non-negative decimal; zero is a valid answer (a distance, a grant of nothing)."""
    checks = [InputRequired()] if required else [Optional()]
    return DecimalField(label, places=None,
                        validators=[*checks, NumberRange(min=0, max=maximum)], **kwargs)


def count_answer(label, required: bool = True, maximum=10**8, **kwargs):
    """A whole number from zero (people, villages)."""
    checks = [InputRequired()] if required else [Optional()]
    return IntegerField(label, validators=[*checks, NumberRange(min=0, max=maximum)], **kwargs)

