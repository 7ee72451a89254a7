"""Printed reports (ReportLab): the page furniture, styles and layout they share.

Reports take frozen records (smallbiz_crm.domain.records.printing) and write PDFs; they never open a
database session and never import Qt. ReportLab costs ~0.2 s to import, so it is imported
inside functions, on first use, and importing this package stays free.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from smallbiz_crm.reports.fonts import FontSet, registered_fonts, runs
from smallbiz_crm.reports.text import clean, markup, visual_order

Target = str | IO[bytes]
Progress = Callable[[int, int], None]

MM = 72 / 25.4  # points per millimetre
MARGIN = 16 * MM
HEADER_SPACE = 12 * MM  # between the paper's top edge and the text frame
FOOTER_SPACE = 13 * MM

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Greys print the same on any printer; nothing relies on colour.
INK = 0.0
SOFT_INK = 0.35
RULE = 0.55
FAINT_RULE = 0.75
SHADE = 0.93


class BuildCancelled(Exception):
    """The caller asked the build to stop; nothing was written."""


def paper(name: str) -> tuple[float, float]:
    """The page size for the PAPER_SIZE setting: "Letter" (any case) or else A4."""
    from reportlab.lib.pagesizes import A4, LETTER

    size: tuple[float, float] = LETTER if name.strip().lower() in ("letter", "us letter") else A4
    return size


def long_date(day: date | datetime) -> str:
    """'20 November 2026', the same whatever the machine's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: date | datetime) -> str:
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def day_heading(day: date) -> str:
    """'Monday 23 November 2026'."""
    return f"{_WEEKDAYS[day.weekday()]} {long_date(day)}"


def short_day(day: date) -> str:
    """'Mon 23 Nov'."""
    return f"{_WEEKDAYS[day.weekday()][:3]} {day.day} {_MONTHS[day.month - 1][:3]}"


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True, slots=True)
class Styles:
    """Paragraph styles of every report, all in the registered Unicode fonts."""

    fonts: FontSet
    body: Any
    small: Any
    muted: Any
    title: Any
    subtitle: Any
    heading: Any
    cell: Any
    detail: Any
    cell_head: Any
    cell_head_right: Any
    cell_right: Any
    label: Any
    box_title: Any
    bullet: Any
    header: Any
    header_right: Any

    def para(self, text: str | None, style: Any | None = None) -> Any:
        """A Paragraph printing `text` exactly as typed."""
        from reportlab.platypus import Paragraph

        return Paragraph(markup(text, self.fonts), style or self.body)

    def rich(self, parts: list[tuple[str | None, bool]], style: Any | None = None,
             bullet: str | None = None) -> Any:
        """A Paragraph of (text, bold) parts, each escaped; empty parts are left out."""
        from reportlab.platypus import Paragraph

        pieces = []
        for text, bold in parts:
            value = markup(text, self.fonts)
            if value:
                pieces.append(f"<b>{value}</b>" if bold else value)
        return Paragraph("".join(pieces), style or self.body, bulletText=bullet)


    def two_lines(self, first: str, second: str, style: Any | None = None) -> Any:
        """A Paragraph of `first` with `second` under it in grey (a kind and its detail)."""
        from reportlab.platypus import Paragraph

        text = markup(first, self.fonts)
        extra = markup(second, self.fonts)
        if extra:
            text += f'<br/><font color="#595959">{extra}</font>'
        return Paragraph(text, style or self.cell)


@functools.cache
def styles() -> Styles:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font_set = registered_fonts()
    base = ParagraphStyle("body", fontName=font_set.regular, fontSize=9.5, leading=12.5,
                          textColor=(INK, INK, INK), splitLongWords=1)

    def style(name: str, **changes: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **changes)

    grey = (SOFT_INK, SOFT_INK, SOFT_INK)
    return Styles(
        fonts=font_set,
        body=base,
        small=style("small", fontSize=8, leading=10),
        muted=style("muted", fontSize=8, leading=10, textColor=grey, spaceAfter=2),
        title=style("title", fontName=font_set.bold, fontSize=19, leading=23),
        subtitle=style("subtitle", fontSize=10.5, leading=13.5, textColor=grey),
        heading=style("heading", fontName=font_set.bold, fontSize=11.5, leading=14,
                      spaceBefore=11, spaceAfter=4),
        cell=style("cell", fontSize=8.5, leading=10.5),
        detail=style("detail", fontSize=8.5, leading=11),
        cell_head=style("cell_head", fontName=font_set.bold, fontSize=8, leading=10),
        cell_head_right=style("cell_head_right", fontName=font_set.bold, fontSize=8, leading=10,
                              alignment=TA_RIGHT),
        cell_right=style("cell_right", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        label=style("label", fontSize=8.5, leading=11, textColor=grey),
        box_title=style("box_title", fontName=font_set.bold, fontSize=10.5, leading=13,
                        spaceAfter=3),
        bullet=style("bullet", fontSize=9, leading=11.5, leftIndent=10, bulletIndent=0,
                     spaceAfter=2),
        header=style("header", fontSize=8, leading=10, textColor=grey),
        header_right=style("header_right", fontSize=8, leading=10, textColor=grey,
                           alignment=TA_RIGHT),
    )


def draw_line_of_text(canvas: Any, text: str, x: float, y: float, width: float,
                      style: Any, align_right: bool = False) -> None:
    """One line of user text in the page furniture, at baseline y, cut with "…" to `width`.

    Plain canvas strings (no Paragraph): it runs on every page, and there is no markup."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font_set = styles().fonts
    base = style.fontName
    size = style.fontSize
    value = visual_order(" ".join(clean(text).split()))
    pieces = [(font or base, chunk) for font, chunk in runs(value, font_set)]

    def measure(items: list[tuple[str, str]]) -> float:
        return float(sum(stringWidth(chunk, font, size) for font, chunk in items))

    if measure(pieces) > width:
        ellipsis = stringWidth("…", base, size)
        kept: list[tuple[str, str]] = []
        used = 0.0
        for font, chunk in pieces:
            for char in chunk:
                char_width = stringWidth(char, font, size)
                if used + char_width + ellipsis > width:
                    break
                if kept and kept[-1][0] == font:
                    kept[-1] = (font, kept[-1][1] + char)
                else:
                    kept.append((font, char))
                used += char_width
            else:
                continue
            break
        pieces = [*kept, (base, "…")]
    start = x + width - measure(pieces) if align_right else x
    color = style.textColor
    canvas.setFillColor(color)
    for font, chunk in pieces:
        canvas.setFont(font, size)
        canvas.drawString(start, y, chunk)
        start += stringWidth(chunk, font, size)


def numbered_canvas(footer: Callable[[Any, int, int], None]) -> type:
    """A Canvas class that holds its pages back until the end, then calls footer(canvas, page,
    pages) on each, so every page can say "Page N of M" in a single layout pass."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build(target: Target, story: list[Any], page_size: tuple[float, float], title: str,
          author: str, furniture: Callable[[Any, int, int], None],
          on_page_end: Callable[[Any, Any], None] | None = None) -> None:
    """Lay `story` out on pages and write it; furniture(canvas, page, pages) draws each page's
    header and footer once the number of pages is known."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    doc = BaseDocTemplate(target, pagesize=page_size, title=title, author=author,
                          creator="Smallbiz CRM", leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN + HEADER_SPACE, bottomMargin=MARGIN + FOOTER_SPACE)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template = PageTemplate(id="page", frames=[frame], onPageEnd=on_page_end or _nothing,
                            pagesize=page_size)
    doc.addPageTemplates([template])
    doc.build(story, canvasmaker=numbered_canvas(furniture))


def _nothing(canvas: Any, doc: Any) -> None:
    return None


def frame_width(page_size: tuple[float, float]) -> float:
    return page_size[0] - 2 * MARGIN


def frame_height(page_size: tuple[float, float]) -> float:
    return page_size[1] - 2 * MARGIN - HEADER_SPACE - FOOTER_SPACE


def draw_furniture(canvas: Any, page_size: tuple[float, float], left: str, right: str,
                   footer_left: str, page: int, pages: int) -> None:
    """The header (shop and title, a rule) and the footer (a rule, a note, "Page N of M")."""
    width, height = page_size
    st = styles()
    usable = width - 2 * MARGIN
    canvas.saveState()
    top = height - MARGIN
    draw_line_of_text(canvas, left, MARGIN, top - 8, usable * 0.48, st.header)
    draw_line_of_text(canvas, right, MARGIN + usable * 0.5, top - 8, usable * 0.5,
                      st.header, align_right=True)
    canvas.setStrokeGray(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, top - 14, width - MARGIN, top - 14)
    bottom = MARGIN
    canvas.line(MARGIN, bottom + 14, width - MARGIN, bottom + 14)
    draw_line_of_text(canvas, footer_left, MARGIN, bottom + 4.5, usable * 0.78, st.header)
    page_text = f"Page {page} of {pages}"
    canvas.setFont(st.fonts.regular, 8)
    canvas.setFillGray(SOFT_INK)
    canvas.drawRightString(width - MARGIN, bottom + 4.5, page_text)
    canvas.restoreState()
