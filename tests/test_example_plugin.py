"""The tutorial (docs/writing-a-plugin.md) quotes the example plugin as it is, and the suite
runs the example's own tests (contract test and a whole round: docs/examples/tree_planting/
tests)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "writing-a-plugin.md"
EXAMPLES = ROOT / "docs" / "examples"
QUOTE = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", re.S)


def _quotes() -> list[tuple[str, str]]:
    return QUOTE.findall(TUTORIAL.read_text(encoding="utf-8"))


def test_every_quoted_block_is_in_its_file():
    quotes = _quotes()
    assert len(quotes) >= 15
    stale = [name for name, code in quotes
             if code not in (EXAMPLES / name).read_text(encoding="utf-8")]
    assert stale == [], f"blocks of the tutorial no longer in the example: {stale}"


def test_the_tutorial_quotes_every_module_of_the_example():
    quoted = {name for name, _code in _quotes()}
    sources = {str(p.relative_to(EXAMPLES)) for p in (EXAMPLES / "tree_planting").rglob("*")
               if p.suffix in (".py", ".html") and p.name != "__init__.py"
               or p.name == "__init__.py" and p.parent.name == "tree_planting"}
    assert sources - quoted == set()


def test_the_suite_runs_the_examples_tests():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        options = tomllib.load(fh)["tool"]["pytest"]["ini_options"]
    assert "docs/examples" in options["testpaths"]
    assert (EXAMPLES / "tree_planting" / "tests" / "test_tree_planting.py").is_file()
