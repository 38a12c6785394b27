"""Hiding the applicant in free text shown to commission members (pure Python).

Under anonymous review the core shows members a code instead of the municipality; the
answers, though, are typed by the applicant and often name the aiyl aimak, its villages or
its rayon ("Дом культуры с. Боролдой", "Кемин району"), its head, or give a phone number.
:func:`masker` builds, from the organisation's names (Russian, Kyrgyz and English), its rayon,
the villages the application names and the people who speak for it, a pattern that finds
those names and replaces them, together with phone numbers and e-mail addresses.

The names are found by the core's name-finder (:mod:`gms.services.identity_search`, which
also searches uploaded documents before staff approve their anonymised copies): stems in
Russian and Kyrgyz spellings and inflections, Latin transliterations, look-alike letters of
the other alphabet, letters spaced or dotted out. This module adds what is particular to the
contest's answers: villages named as such, phone numbers and e-mail addresses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from gms.services.identity_search import (
    GENERIC,
    name_pattern,
    terms,  # noqa: F401 - the name-finder's stems, from here too
)

# Phone numbers: with a country code, a leading 0 or 996 and nine to thirteen digits in all,
# or any number after a word saying it is one ("тел. 5-12-34"); e-mail addresses.
PHONE = re.compile(r"(?<![\w+])(?:\+\s?|\(\s?)?\d[\d \t().\-]{7,24}\d")
KEYWORD_PHONE = re.compile(
    r"(?<![^\W\d_])((?:тел|телефон[а-я]{0,3}|моб|мобильный|tel|phone|mob|whatsapp|"
    r"ватсап)(?![^\W\d_])\.?:?\s*)"
    r"(\+?\(?\d[\d \t().\-]{3,24}\d)", re.IGNORECASE)
AMOUNT = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d{1,2})?")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
# villages an application names: "с. Боролдой", "в селе Кызыл-Суу", "Ак-Тал айылынын"
_PLACE = r"[А-ЯЁӨҮҢA-Z][^\W\d_]+(?:-[^\W\d_]+)*"
VILLAGE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?i:с\.|село|села|селе|селом|сел\.|пос\.|посёлок|поселок|поселка|"
    r"посёлка|пгт|ayil|aiyl|village of|v\.)\s*(" + _PLACE + ")")
VILLAGE_AFTER = re.compile(
    r"(?<![\w-])(" + _PLACE + r")\s+(?i:айылы|айылында|айылынын|айылына|айылдагы|"
                                 r"айылдын|айылынан|village)(?![^\W\d_])")


def villages(texts: Iterable[str | None]) -> list[str]:
    """The names of villages (or settlements) that ``texts`` mention as such."""
    found: set[str] = set()
    for text in texts:
        for pattern in (VILLAGE_BEFORE, VILLAGE_AFTER):
            for m in pattern.finditer(text or ""):
                word = m.group(1)
                if word.lower() not in GENERIC and len(word) >= 3:
                    found.add(word)
    return sorted(found)


def texts_of(value: object) -> list[str]:
    """Every string inside an application's answers (nested lists and mappings)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [t for v in value.values() for t in texts_of(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in texts_of(v)]
    return []


def mask_contacts(text: str, replacement: str) -> str:
    """``text`` with its e-mail addresses and phone numbers replaced (sums of money such as
    ``1 140 000``, dates and counts are not phone numbers)."""
    text = EMAIL.sub(replacement, text)
    text = KEYWORD_PHONE.sub(lambda m: m.group(1) + replacement, text)

    def phone(m: re.Match) -> str:
        found = m.group(0)
        digits = sum(ch.isdigit() for ch in found)
        start = found.lstrip("( \t")
        if not 9 <= digits <= 13:
            return found
        if found.startswith("+"):
            return replacement
        if start.startswith("996") or (start.startswith("0") and not AMOUNT.fullmatch(found)):
            return replacement
        return found

    return PHONE.sub(phone, text)


def masker(names: Iterable[str | None], replacement: str,
           people: Iterable[str | None] = (), contacts: bool = True
           ) -> Callable[[object], str]:
    """A function that replaces every form of ``names`` (places) and ``people`` (persons'
    names) in a text by ``replacement``, and, with ``contacts``, phone numbers and e-mail
    addresses too."""
    pattern = name_pattern(names, people)

    def mask(value: object) -> str:
        text = "" if value is None else str(value)
        if contacts and text:
            text = mask_contacts(text, replacement)
        return pattern.sub(replacement, text) if pattern is not None else text

    return mask
