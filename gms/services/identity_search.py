"""Finding an applicant's names in text, in every spelling (pure Python).

Under coded (anonymous) review the applicant's names must not reach commission members: the
municipality (its unit in Russian, Kyrgyz and English, with the SOATE name variants), its
rayon, its villages and the people who speak for it. :func:`name_pattern` builds, from those
names, one regular expression that finds them in any text; the core uses it to search the
text layer of uploaded documents (:func:`search`, which reads PDFs with pypdf and DOCX/ODT
files as ZIP + XML) before staff approve an anonymised copy, and plugins use it to mask free
text (a competition type's own masking of its answers, beside its ``identity_names``).

Names are cut to a stem: adjective endings go ("Боролдойский" → "Боролдой"), then a final
vowel or й and a final -ин/-ын/-ен/-ов/-ев ("Ак-Талинский" → "Ак-Тал", "Онбир-Джылгинский"
→ "Онбир-Джылг"), as long as four letters remain; any word starting with the stem matches.
Latin names lose an adjective ending and a final vowel the same way ("Boroldoi" →
"Boroldo"). A stem is found:

- in its Russian and Kyrgyz spellings and inflections (о/ө, у/ү, н/ң, дж/ж, е/ё are the same
  letter) and in common Latin transliterations (BGN, ISO-like, everyday);
- written with look-alike letters of the other alphabet ("Бoрoлдoй" with Latin o,
  "Вoroldoi" with a Cyrillic В) or a zero for an o;
- with its letters spaced or dotted ("Б о р о л д о й", "B.o.r.o.l.d.o.i"), a separator
  between every two letters (so that ordinary words that happen to follow one another are
  not taken for a name).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# Words of a unit's or rayon's name that do not identify it (Russian, Kyrgyz, English).
GENERIC = frozenset("""
айылный айыльный айылдык айыл аймак аймагы аймагынын айыл-өкмөтү өкмөтү окмоту айылокмоту
сельский сельская округ управа район району районунун районный области область облусу
облусунун город города шаары шаар шаарчасы айылы поселок посёлок пгт мэрия мэриясы городской
кенеш кеңеши кенеши г г. с с. и атындагы имени им
aiyl ayil ayyl aimak aymak aimagy okmotu okmot town village urban-type urban type settlement
rayon raion district oblast region city of the named after
""".split())
# Words of a person's name that do not identify them (patronymic particles, titles).
PERSON_GENERIC = frozenset("""
уулу кызы кызы. оглы гызы глава главы главе айыл башчысы башчысы аким мэр г-н г-жа
uulu kyzy kizi mr mrs ms head mayor
""".split())

ADJECTIVE = re.compile(r"(?:ск|цк)(?:ий|ой|ая|ое|ие|ого|ому|им|ом|их|ую)$", re.IGNORECASE)
FINAL_VOWEL = re.compile(r"[аяыиоуюеэйь]$", re.IGNORECASE)
FINAL_SUFFIX = re.compile(r"(?:ин|ын|ен|ов|ев)$", re.IGNORECASE)
LATIN_ADJECTIVE = re.compile(r"(?:skiy|skii|skij|skyi|sky|ski|skaya|skoe|skoye)$", re.I)
LATIN_FINAL = re.compile(r"[aeiouy]+$", re.IGNORECASE)
MIN_STEM = 4
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LATIN_WORD = re.compile(r"[a-zA-Z'\-]+")

# Cyrillic letters that Kyrgyz and Russian spellings of one name swap.
EQUIVALENT = {"о": "оө", "ө": "оө", "у": "уү", "ү": "уү", "н": "нң", "ң": "нң",
              "е": "её", "ё": "её"}
# Letters of the other alphabet (and digits) that look the same.
LOOKALIKE_OF_CYRILLIC = {"а": "a", "в": "b", "е": "e", "ё": "ë", "к": "k", "м": "m", "н": "h",
                         "о": "o0", "р": "p", "с": "c", "т": "t", "у": "y", "ү": "y",
                         "х": "x", "і": "i", "з": "3"}
LOOKALIKE_OF_LATIN = {"a": "а", "b": "вь", "c": "с", "e": "её", "h": "н", "i": "іӏ",
                      "j": "ј", "k": "к", "m": "м", "o": "оө0", "p": "р", "s": "ѕ", "t": "т",
                      "x": "х", "y": "уү"}
# Latin transliterations (BGN, ISO-like and everyday spellings).
LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "(?:e|ye)", "ё": "(?:yo|e)",
    "ж": "(?:zh|j|z)", "з": "z", "и": "i", "й": "(?:i|y|j)?", "к": "k", "л": "l", "м": "m",
    "н": "n", "ң": "(?:ng|n)", "о": "o", "ө": "(?:o|ö|oe)", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ү": "(?:u|ü|ue|y)", "ф": "f", "х": "(?:kh|h|x)", "ц": "(?:ts|c)",
    "ч": "ch", "ш": "sh", "щ": "(?:shch|sch)", "ъ": "", "ы": "(?:y|i)", "ь": "'?", "э": "e",
    "ю": "(?:yu|iu|ju)", "я": "(?:ya|ia|ja)", "-": "",
}
# between the letters of a spaced-out name ("Б о р о л д о й", "B.o.r.o.l.d.o.i")
SEP = r"[ \t.\-_·•*|/]{1,3}"
_LETTER = r"[^\W\d_]"


def stem(word: str) -> str:
    """The part of a place name that all its forms share (see the module docstring)."""
    word = word.strip(" .,;:()«»\"'")
    if _LATIN_WORD.fullmatch(word):
        base = LATIN_ADJECTIVE.sub("", word)
        shorter = LATIN_FINAL.sub("", base)
        return shorter if len(shorter) >= MIN_STEM else base
    base = ADJECTIVE.sub("", word)
    for pattern in (FINAL_VOWEL, FINAL_SUFFIX):
        shorter = pattern.sub("", base)
        if len(shorter) >= MIN_STEM:
            base = shorter
    return base


def _class(chars: str) -> str:
    chars = "".join(dict.fromkeys(chars))
    return re.escape(chars) if len(chars) == 1 else "[" + re.escape(chars) + "]"


def _cyrillic_units(text: str) -> list[str]:
    """One regular expression per letter of a Cyrillic (or Latin) stem: its Kyrgyz/Russian
    equivalents and the look-alike letters of the other alphabet."""
    out, i, lower = [], 0, text.lower()
    while i < len(lower):
        if lower.startswith("дж", i) or lower[i] == "ж":
            out.append("(?:дж|ж)")
            i += 2 if lower.startswith("дж", i) else 1
            continue
        ch = lower[i]
        i += 1
        if ch == "-":
            out.append("-")
            continue
        letters = EQUIVALENT.get(ch, ch)
        looks = "".join(LOOKALIKE_OF_CYRILLIC.get(c, "") + LOOKALIKE_OF_LATIN.get(c, "")
                        for c in letters)
        out.append(_class(letters + looks))
    return out


def _latin_units(text: str) -> list[str] | None:
    """The stem's Latin transliterations, one expression per Cyrillic letter (``None`` for
    a stem that is not all Cyrillic, or too short in Latin)."""
    lower = text.lower()
    if not all(ch in LATIN or ch == "ж" for ch in lower):
        return None
    out, i = [], 0
    while i < len(lower):
        if lower.startswith("дж", i):
            out.append("(?:dzh|dj|j|zh)")
            i += 2
            continue
        out.append(_with_lookalikes(LATIN[lower[i]]) if lower[i] != "-" else "-")
        i += 1
    letters = re.sub(r"[^a-z]", "", "".join(LATIN.get(ch, "") for ch in lower))
    return out if len(letters) >= 3 else None


def _with_lookalikes(pattern: str) -> str:
    """A transliteration's pattern in which each Latin letter also matches its Cyrillic
    look-alikes (the patterns of :data:`LATIN` hold no other letters)."""
    return "".join(_class(ch + LOOKALIKE_OF_LATIN[ch]) if ch in LOOKALIKE_OF_LATIN else ch
                   for ch in pattern)


def _compact(units: list[str]) -> str:
    return "".join("[- ]?" if u == "-" else u for u in units)


def _spaced(units: list[str]) -> str | None:
    letters = [u for u in units if u != "-"]
    if len(letters) < 3:
        return None
    return SEP.join(f"(?:{u})" for u in letters)


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
    compact, spaced = [], []
    for term in terms(*names):
        for units in (_cyrillic_units(term), _latin_units(term)):
            if not units:
                continue
            compact.append(_compact(units))
            spread = _spaced(units)
            if spread:
                spaced.append(spread)
    if not compact:
        return None
    word_tail = rf"{_LETTER}*(?:-{_LETTER}+)*"
    spaced_tail = rf"(?:{SEP}{_LETTER}(?!{_LETTER}))*"
    body = "|".join(f"(?:{a})" for a in compact)
    parts = [rf"(?:{body}){word_tail}"]
    if spaced:
        parts.insert(0, "(?:" + "|".join(f"(?:{a})" for a in spaced) + rf"){spaced_tail}"
                     rf"(?!{_LETTER})")
    return re.compile(rf"(?<!{_LETTER})(?:{'|'.join(parts)})", re.IGNORECASE)


def name_pattern(names: Iterable[str | None], people: Iterable[str | None] = ()
                 ) -> re.Pattern | None:
    """One expression finding every form of the place ``names`` and of the words of the
    ``people``'s names (surnames, given names; not "уулу", "глава"...), or ``None`` when
    nothing in them identifies anyone."""
    places = tuple(n for n in names if n)
    persons = tuple(word for name in people for word in WORD.findall(name or "")
                    if word.lower() not in PERSON_GENERIC and len(word) >= 3)
    return _pattern(places + persons)


# ----------------------------------------------------------------- the text of documents

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
#: at most this many pages of a PDF are read, and this many bytes of a document's XML part
MAX_PAGES = 500
MAX_XML_BYTES = 32 * 2**20
#: characters shown on each side of a name found
SNIPPET = 40
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_DOCX_PARTS = re.compile(r"word/(?:document|header\d*|footer\d*|footnotes|endnotes|comments)"
                         r"\.xml")


@dataclass(frozen=True)
class Hit:
    """A name found: the page (PDF, from 1; ``None`` for a document without pages), the
    words as written and the text around them."""

    page: int | None
    found: str
    snippet: str

    def as_dict(self) -> dict:
        return {"page": self.page, "found": self.found, "snippet": self.snippet}


@dataclass(frozen=True)
class TextSearch:
    """What a search of a document found. ``readable`` is false when the document has no
    text layer this module reads (a photo, a scan without OCR, an old .doc): nothing was
    searched, and the document must be checked by eye."""

    readable: bool
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"readable": self.readable, "hits": [h.as_dict() for h in self.hits]}


def pages_of(data: bytes, content_type: str) -> list[tuple[int | None, str]] | None:
    """The text of a document, page by page for a PDF (``(1, text)``, ...), whole for a
    DOCX or ODT (``(None, text)``); ``None`` for a format without a readable text layer or a
    file that cannot be read."""
    try:
        if content_type == PDF:
            return _pdf_pages(data)
        if content_type in (DOCX, ODT):
            return _office_text(data, content_type)
    except Exception:  # noqa: BLE001 - a damaged or hostile file is "not readable", not a 500
        return None
    return None


def _pdf_pages(data: bytes) -> list[tuple[int | None, str]] | None:
    # pypdf takes a tenth of a second to import and only anonymous review needs it
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return None
    pages = []
    for number, page in enumerate(reader.pages[:MAX_PAGES], start=1):
        pages.append((number, page.extract_text() or ""))
    return pages


def xml_part(z: zipfile.ZipFile, name: str, limit: int = MAX_XML_BYTES) -> ET.Element | None:
    """The root of an XML part of a ZIP package, or ``None`` if missing, larger than
    ``limit`` bytes or with a DTD (no entity expansion)."""
    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with z.open(info) as part:
        raw = part.read(limit + 1)
    if len(raw) > limit or b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        return None
    return ET.fromstring(raw)


def _office_text(data: bytes, content_type: str) -> list[tuple[int | None, str]] | None:
    paragraphs: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if content_type == DOCX:
            parts = [n for n in z.namelist() if _DOCX_PARTS.fullmatch(n)]
            tags = (f"{_W}p",)
        else:
            parts = [n for n in ("content.xml", "styles.xml") if n in z.namelist()]
            tags = (f"{_TEXT_NS}p", f"{_TEXT_NS}h")
        if not parts:
            return None
        for name in parts:
            root = xml_part(z, name)
            if root is None:
                return None
            for element in root.iter():
                if element.tag in tags:
                    paragraphs.append(_paragraph_text(element, content_type))
    return [(None, "\n".join(p for p in paragraphs if p))]


def _paragraph_text(element: ET.Element, content_type: str) -> str:
    if content_type == DOCX:  # the runs' w:t, tabs and breaks as spaces
        out = []
        for node in element.iter():
            if node.tag == f"{_W}t":
                out.append(node.text or "")
            elif node.tag in (f"{_W}tab", f"{_W}br"):
                out.append(" ")
        return "".join(out)
    return "".join(element.itertext())


def find(pages: list[tuple[int | None, str]], pattern: re.Pattern | None,
         limit: int = 50) -> list[Hit]:
    """The names ``pattern`` finds in ``pages``, with the text around each (at most
    ``limit``)."""
    hits: list[Hit] = []
    if pattern is None:
        return hits
    for page, text in pages:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - SNIPPET):m.start()]
            after = text[m.end():m.end() + SNIPPET]
            snippet = " ".join(f"{before}{m.group(0)}{after}".split())
            hits.append(Hit(page=page, found=" ".join(m.group(0).split()), snippet=snippet))
            if len(hits) >= limit:
                return hits
    return hits


def search(data: bytes, content_type: str, names: Iterable[str | None],
           people: Iterable[str | None] = ()) -> TextSearch:
    """Search a document's text layer for every form of ``names`` and ``people``."""
    pages = pages_of(data, content_type)
    if pages is None:
        return TextSearch(readable=False)
    if not any(text.strip() for _page, text in pages):  # a scan: pages without text
        return TextSearch(readable=False)
    return TextSearch(readable=True, hits=find(pages, name_pattern(names, people)))
