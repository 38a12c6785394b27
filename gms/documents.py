"""Generated documents (letters, memoranda, certificates, minutes) as PDF, with Cyrillic.

A plugin builds a :class:`Document` from blocks and calls :func:`render_pdf`; the DejaVu
fonts ship with GMS, so Kyrgyz and Russian text renders on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).resolve().parent / "data" / "fonts"


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
    pdf.set_title(doc.title)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, doc.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for block in doc.blocks:
        kind = block[0]
        if kind == "h":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(0, 6, block[1], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif kind == "p":
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.5, block[1], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
        elif kind == "table":
            _, header, rows = block
            pdf.set_font("DejaVu", "", 9)
            with pdf.table(text_align="LEFT", line_height=5) as table:
                head = table.row()
                for cell in header:
                    head.cell(str(cell))
                for data in rows:
                    row = table.row()
                    for cell in data:
                        row.cell("" if cell is None else str(cell))
            pdf.ln(2)
        elif kind == "sign":
            pdf.set_font("DejaVu", "", 10)
            pdf.ln(6)
            for line in block[1]:
                pdf.cell(90, 8, line)
                pdf.cell(0, 8, "_______________________", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
