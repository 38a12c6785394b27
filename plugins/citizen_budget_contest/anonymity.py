"""Hiding the applicant in free text shown to commission members (pure Python).

Under anonymous review the core shows members a code instead of the municipality; the
answers, though, are typed by the applicant and often name the aiyl aimak, its villages or
its rayon ("Дом культуры с. Боролдой", "Кемин району"). :func:`masker` builds, from the
organisation's name and its rayon, a pattern that finds those names in their Russian and
Kyrgyz spellings and inflections (and common Latin transliterations), and replaces them.

Names are cut to a stem: adjective endings go ("Боролдойский" → "Боролдой"), then a final
vowel or й and a final -ин/-ын/-ен/-ов/-ев ("Ак-Талинский" → "Ак-Тал", "Онбир-Джылгинский"
→ "Онбир-Джылг"), as long as four letters remain; any word starting with the stem matches.
Kyrgyz letters and spellings are equivalent (о/ө, у/ү, н/ң, дж/ж, е/ё).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

# Words of a unit's or rayon's name that do not identify it.
GENERIC = frozenset("""
айылный айыльный айылдык айыл аймак аймагы аймагынын айыл-өкмөтү өкмөтү окмоту айылокмоту
сельский сельская округ управа район району районунун районный области область облусу
облусунун город города шаары шаар поселок посёлок пгт мэрия мэриясы городской кенеш
кеңеши кенеши г г. с с. и
""".split())

ADJECTIVE = re.compile(r"(?:ск|цк)(?:ий|ой|ая|ое|ие|ого|ому|им|ом|их|ую)$", re.IGNORECASE)
FINAL_VOWEL = re.compile(r"[аяыиоуюеэйь]$", re.IGNORECASE)
FINAL_SUFFIX = re.compile(r"(?:ин|ын|ен|ов|ев)$", re.IGNORECASE)
MIN_STEM = 4
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# Cyrillic letters that Kyrgyz and Russian spellings of one name swap.
EQUIVALENT = {"о": "[оө]", "ө": "[оө]", "у": "[уү]", "ү": "[уү]", "н": "[нң]", "ң": "[нң]",
              "е": "[её]", "ё": "[её]"}
# Latin transliterations (BGN, ISO-like and everyday spellings).
LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "(?:e|ye)", "ё": "(?:yo|e)",
    "ж": "(?:zh|j|z)", "з": "z", "и": "i", "й": "(?:i|y|j)?", "к": "k", "л": "l", "м": "m",
    "н": "n", "ң": "(?:ng|n)", "о": "o", "ө": "(?:o|ö|oe)", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ү": "(?:u|ü|ue|y)", "ф": "f", "х": "(?:kh|h|x)", "ц": "(?:ts|c)",
    "ч": "ch", "ш": "sh", "щ": "(?:shch|sch)", "ъ": "", "ы": "(?:y|i)", "ь": "'?", "э": "e",
    "ю": "(?:yu|iu|ju)", "я": "(?:ya|ia|ja)", "-": "[- ]?",
}


def stem(word: str) -> str:
    """The part of a place name that all its forms share (see the module docstring)."""
    word = word.strip(" .,;:()«»\"'")
    base = ADJECTIVE.sub("", word)
    for pattern in (FINAL_VOWEL, FINAL_SUFFIX):
        shorter = pattern.sub("", base)
        if len(shorter) >= MIN_STEM:
            base = shorter
    return base


def _cyrillic(text: str) -> str:
    out, i, lower = [], 0, text.lower()
    while i < len(lower):
        if lower.startswith("дж", i) or lower[i] == "ж":
            out.append("(?:дж|ж)")
            i += 2 if lower.startswith("дж", i) else 1
            continue
        ch = lower[i]
        out.append(EQUIVALENT.get(ch) or ("[- ]?" if ch == "-" else re.escape(ch)))
        i += 1
    return "".join(out)


def _latin(text: str) -> str | None:
    parts = text.lower().split("дж")
    if not all(ch in LATIN for part in parts for ch in part):
        return None
    pattern = "(?:dzh|dj|j|zh)".join("".join(LATIN[ch] for ch in part) for part in parts)
    return pattern if len(re.sub(r"[^a-z]", "", pattern)) >= 3 else None


def terms(*names: str | None) -> list[str]:
    """The identifying stems of the given names (unit name, rayon, ...), longest first."""
    found: set[str] = set()
    for name in names:
        for word in WORD.findall(name or ""):
            if word.lower() in GENERIC or len(word) < 3:
                continue
            found.add(stem(word))
    return sorted(found, key=lambda s: (-len(s), s))


@lru_cache(maxsize=512)
def _pattern(names: tuple[str, ...]) -> re.Pattern | None:
    alternatives = []
    for term in terms(*names):
        alternatives.append(_cyrillic(term))
        latin = _latin(term)
        if latin:
            alternatives.append(latin)
    if not alternatives:
        return None
    body = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(rf"(?<![^\W\d_])(?:{body})[^\W\d_]*(?:-[^\W\d_]+)*", re.IGNORECASE)


def masker(names: Iterable[str | None], replacement: str) -> Callable[[object], str]:
    """A function that replaces every form of ``names`` in a text by ``replacement``."""
    pattern = _pattern(tuple(n for n in names if n))

    def mask(value: object) -> str:
        text = "" if value is None else str(value)
        return pattern.sub(replacement, text) if pattern is not None else text

    return mask
