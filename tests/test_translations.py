"""The Kyrgyz, Russian and English catalogs are complete, consistent and compiled.

Catalogs: ``gms/translations`` (the core) and ``plugins/<name>/translations`` (each plugin,
holding only the msgids the core lacks; the app merges the core's and the enabled plugins').
How to re-extract, update and compile them: see the comment block at the top of babel.cfg.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("ky", "ru", "en")
CORE = ROOT / "gms"
# the plugins, and the example plugins of docs/writing-a-plugin.md
PLUGINS = sorted(p for folder in (ROOT / "plugins", ROOT / "docs" / "examples")
                 for p in folder.iterdir() if p.is_dir() and p.name[0] not in "._")
# keywords also listed in babel.cfg; given here too for Babel releases that ignore them there
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")


def _source_dirs() -> list[Path]:
    """The core and every plugin folder with sources or a translations folder."""
    return [CORE] + [p for p in PLUGINS
                     if (p / "translations").is_dir() or any(p.glob("**/*.py"))
                     or any(p.glob("templates/**/*.html"))]


def _po_files() -> list[Path]:
    out = []
    for source in _source_dirs():
        if (source / "translations").is_dir():
            out += [source / "translations" / lang / "LC_MESSAGES" / "messages.po"
                    for lang in LANGS]
    return out


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@cache
def _catalog(po: Path):
    with open(po, "rb") as fh:
        return read_po(fh, locale=po.parts[-3])


def _ids(msgid) -> tuple[str, ...]:
    return tuple(msgid) if isinstance(msgid, (tuple, list)) else (msgid,)


def _strings(msgstr) -> tuple[str, ...]:
    return tuple(msgstr) if isinstance(msgstr, (tuple, list)) else (msgstr,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("po", _po_files(), ids=_rel)
def test_catalog_complete(po: Path):
    assert po.is_file(), f"{_rel(po)} is missing: create it with pybabel init (see babel.cfg)"
    catalog = _catalog(po)
    assert not catalog.fuzzy, f"{_rel(po)}: the catalog header is marked fuzzy"
    problems = []
    for m in catalog:
        if not m.id:
            continue
        label = f"{_rel(po)}:{m.lineno}: {_ids(m.id)[0]!r}"
        if m.fuzzy:
            problems.append(f"{label}: fuzzy")
        strings = _strings(m.string)
        if not all(s.strip() for s in strings):
            problems.append(f"{label}: empty msgstr")
            continue
        wanted = set().union(*(_placeholders(i) for i in _ids(m.id)))
        for s in strings:
            if _placeholders(s) != wanted:
                problems.append(f"{label}: placeholders {sorted(_placeholders(s))} "
                                f"instead of {sorted(wanted)}")
    for m, errors in catalog.check():
        problems += [f"{_rel(po)}:{m.lineno}: {_ids(m.id)[0]!r}: {e}" for e in errors]
    assert not problems, "\n".join(problems)


def _mo_messages(data: bytes) -> dict:
    return {(m.context, _ids(m.id)): _strings(m.string)
            for m in read_mo(io.BytesIO(data)) if m.id}


@pytest.mark.parametrize("po", _po_files(), ids=_rel)
def test_mo_up_to_date(po: Path):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{_rel(mo)} is missing: run pybabel compile (see babel.cfg)"
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(po))
    assert _mo_messages(mo.read_bytes()) == _mo_messages(compiled.getvalue()), (
        f"{_rel(mo)} is stale: run pybabel compile -d {_rel(po.parents[2])}")


@cache
def _method_map():
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with open(ROOT / "babel.cfg") as fh:
        return parse(fh)


def _extracted(source: Path) -> dict[str, list[str]]:
    method_map, options_map = _method_map()
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(source), method_map, options_map, keywords=KEYWORDS):
        msgid = _ids(message)[0]
        if msgid:
            found.setdefault(msgid, []).append(f"{_rel(source / filename)}:{lineno}")
    return found


def _translated(po: Path) -> set[str]:
    if not po.is_file():
        return set()
    return {_ids(m.id)[0] for m in _catalog(po) if m.id and all(_strings(m.string))}


@pytest.mark.parametrize("source", _source_dirs(), ids=_rel)
def test_every_extracted_string_is_translated(source: Path):
    """Core strings must be in the core catalogs; a plugin's in the core's or its own."""
    folders = [CORE / "translations"]
    if source != CORE:
        folders.append(source / "translations")
    problems = []
    extracted = _extracted(source)
    for lang in LANGS:
        known = set().union(*(_translated(f / lang / "LC_MESSAGES" / "messages.po")
                              for f in folders))
        problems += [f"{where[0]}: {msgid!r} has no {lang} translation"
                     for msgid, where in sorted(extracted.items()) if msgid not in known]
    assert not problems, ("untranslated strings (update the catalogs as described in "
                          "babel.cfg):\n" + "\n".join(problems))


def test_babel_cfg_covers_python_and_templates():
    method_map, _options = _method_map()
    methods = dict(method_map)
    assert methods.get("**.py") == "python"
    assert "jinja2" in methods.get("**/templates/**.html", "")
