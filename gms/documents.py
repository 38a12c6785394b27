"""Generated documents (letters, memoranda, certificates, minutes) as PDF, with Cyrillic.

A plugin builds a :class:`Document` from blocks and calls :func:`render_pdf`; the DejaVu
fonts ship with GMS, so Kyrgyz and Russian text renders on any machine.

The title, headings, table cells and signature lines are one line each: line breaks and
control characters in them (a project title typed with newlines) become spaces
(:func:`one_line`), so a value cannot add a heading or a line to sign on. Paragraphs keep
their line breaks as body text (:func:`body_text`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).resolve().parent / "data" / "fonts"
#: bidirectional embeddings, overrides and isolates, which reorder the text around them
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _clean(text: str, keep: str = "") -> str:
    """``text`` with control characters (other than those in ``keep``) and line or paragraph
    separators as spaces, and private-use characters and bidirectional controls dropped."""
    out = []
    for char in str(text):
        kind = unicodedata.category(char)
        if char in keep:
            out.append(char)
        elif kind in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif kind not in ("Co", "Cs") and char not in BIDI_CONTROLS:
            out.append(char)
    return "".join(out)


def one_line(text: object) -> str:
    """``text`` as one line: line breaks, tabs and other control characters become single
    spaces (for titles, names and other values printed inside a line)."""
    return " ".join(_clean(text).split())


def body_text(text: object) -> str:
    """``text`` as body text: its line breaks kept (CR LF and CR as LF), other control
    characters as spaces."""
    lines = _clean(str(text).replace("\r\n", "\n").replace("\r", "\n"), keep="\n")
    return "\n".join(" ".join(line.split()) for line in lines.split("\n")).strip("\n")


@dataclass
class Document:
    """A simple document: a title, then blocks added in order."""

    title: str
    blocks: list[tuple] = field(default_factory=list)

    def heading(self, text: str) -> Document:
        self.blocks.append(("h", text))
        return self

    def paragraph(self, text: str) -> Document:
        self.blocks.append(("p", text))
        return self

    def table(self, header: list[str], rows: list[list]) -> Document:
        self.blocks.append(("table", header, rows))
        return self

    def signatures(self, *lines: str) -> Document:
        """Lines for signatures: each gets a rule to sign on."""
        self.blocks.append(("sign", lines))
        return self


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes (A4, DejaVu Sans)."""
    pdf = FPDF(format="A4")
    title = one_line(doc.title)
    pdf.set_title(title)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for block in doc.blocks:
        kind = block[0]
        if kind == "h":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(0, 6, one_line(block[1]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif kind == "p":
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.5, body_text(block[1]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
        elif kind == "table":
            _, header, rows = block
            pdf.set_font("DejaVu", "", 9)
            with pdf.table(text_align="LEFT", line_height=5) as table:
                head = table.row()
                for cell in header:
                    head.cell(one_line(cell))
                for data in rows:
                    row = table.row()
                    for cell in data:
                        row.cell("" if cell is None else one_line(cell))
            pdf.ln(2)
        elif kind == "sign":
            pdf.set_font("DejaVu", "", 10)
            pdf.ln(6)
            for line in block[1]:
                pdf.cell(90, 8, one_line(line))
                pdf.cell(0, 8, "_______________________", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
