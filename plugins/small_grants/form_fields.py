"""The kinds of answers the small-grants forms are made of: long texts and counts of people
(optional unless said)."""

from __future__ import annotations

from functools import partial

from gms.forms import text_area
from gms.forms.tables import count

TEXT_MAX = 10000

text_answer = partial(text_area, max_length=TEXT_MAX)
count_answer = partial(count, required=False)
