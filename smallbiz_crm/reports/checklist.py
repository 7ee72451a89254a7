"""The follow-up checklist the owner takes into the field: numbered, ticked and written on.

Items are drawn by a small line layout of their own instead of ReportLab Paragraphs: a
1,000-item checklist is 6,000 short texts, and Paragraph's markup parsing and double wrapping
(once to keep an item together, once to place it) cost several seconds. The text goes to the
canvas as plain strings, so there is no markup to escape; it is still cleaned, cut into runs
per font (DejaVu Sans, or the CJK fallback) and put in visual order for right-to-left scripts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smallbiz_crm.domain.records.printing import ChecklistData, ChecklistItem
from smallbiz_crm.reports import (
    FAINT_RULE,
    INK,
    MARGIN,
    SOFT_INK,
    BuildCancelled,
    Progress,
    Styles,
    Target,
    build,
    day_heading,
    draw_furniture,
    draw_line_of_text,
    frame_height,
    long_date,
    paper,
    plural,
    short_date,
    short_day,
    styles,
)
from smallbiz_crm.reports.fonts import FontSet, runs
from smallbiz_crm.reports.text import clean, one_line, visual_order

BOX = 11.0  # the tick box, points
INDENT = 46.0  # where an item's text starts, right of the box and its number
OUTCOME_LINES = 2
LINE_GAP = 16.0  # between ruled lines: room for handwriting
PHONE_SHARE = 0.3  # of the width, for the phone number at the right of the name line
SEPARATOR = 10.0
OVERDUE = "Overdue"
OUTCOME = "Outcome"
CONTEXT_GREY = 0.2

_TOKENS = re.compile(r"\S+|\s+")
_SPACES = re.compile(r"\s+")

# One drawn piece of a line: x offset, text, font name, size, grey level.
Piece = tuple[float, str, str, float, float]


@dataclass
class _PageState:
    """What was drawn first on the page being laid out, to say "(continued)" on the next."""

    first: tuple[str, str] | None = None  # ("heading" | "item", group title)
    continued: list[str] = field(default_factory=list)  # per page: group continued, or ""


def write_checklist(data: ChecklistData, target: Target, progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None) -> None:
    """Write the checklist PDF; progress(done, total) as items are placed; cancelled() stops
    the build (BuildCancelled) before anything is written."""
    st = styles()
    page_size = paper(data.paper_size)
    total = len(data.items)
    state = _PageState()
    period = _period(data)
    most = frame_height(page_size)

    def placed(number: int) -> None:
        if cancelled is not None and cancelled():
            raise BuildCancelled
        if progress is not None and (number % 20 == 0 or number == total):
            progress(number, total)

    def page_end(canvas: Any, doc: Any) -> None:
        first = state.first
        state.continued.append(first[1] if first is not None and first[0] == "item" else "")
        state.first = None

    def furniture(canvas: Any, page: int, pages: int) -> None:
        draw_furniture(canvas, page_size, f"{data.shop_name} · Follow-up checklist", period,
                       "Tick when done · write the outcome · enter results by item number",
                       page, pages)
        continued = state.continued[page - 1] if page - 1 < len(state.continued) else ""
        if continued:
            draw_line_of_text(canvas, f"{continued} (continued)", MARGIN,
                              page_size[1] - MARGIN - 27, page_size[0] - 2 * MARGIN,
                              st.box_title)

    story = _intro(data, st)
    kinds = _item_kinds()
    layout = _Layout(st.fonts)
    for group in data.groups:
        title = OVERDUE if group.day is None else day_heading(group.day)
        story.append(kinds.GroupHeading(
            st.para(f"{title} · {plural(len(group.items), 'item')}", st.heading),
            _noting(state, "heading", title)))
        for item in group.items:
            story.append(kinds.ItemBlock(
                item.number, _rows(item, layout, data.printed_at.year), most,
                _on_item(_noting(state, "item", title), placed, item.number)))
    if progress is not None:
        progress(0, total)
    build(target, story, page_size, title=f"Follow-up checklist {period}",
          author=one_line(data.shop_name), furniture=furniture, on_page_end=page_end)


def _noting(state: _PageState, kind: str, title: str) -> Callable[[], None]:
    def note() -> None:
        if state.first is None:
            state.first = (kind, title)
    return note


def _on_item(note: Callable[[], None], placed: Callable[[int], None],
             number: int) -> Callable[[], None]:
    def drawn() -> None:
        note()
        placed(number)
    return drawn


def _days(data: ChecklistData) -> str:
    """'20 November 2026', '20–26 November 2026' or '28 Nov 2026 – 4 Dec 2026'."""
    if data.date_from == data.date_to:
        return long_date(data.date_from)
    if (data.date_from.year, data.date_from.month) == (data.date_to.year, data.date_to.month):
        return f"{data.date_from.day}–{long_date(data.date_to)}"
    return f"{short_date(data.date_from)} – {short_date(data.date_to)}"


def _period(data: ChecklistData) -> str:
    return f"{_days(data)} · printed {data.printed_at:%Y-%m-%d %H:%M}"


def _intro(data: ChecklistData, st: Styles) -> list[Any]:
    from reportlab.platypus import Spacer

    items = data.items
    overdue = sum(1 for item in items if item.overdue)
    count = plural(len(items), "item") + (f", {overdue:,} overdue" if overdue else "")
    story: list[Any] = [st.para("Follow-up checklist", st.title),
                        st.para(f"{_days(data)} · {count}", st.subtitle),
                        Spacer(1, 4),
                        st.para("Work down the list: tick the box and write the outcome on the "
                                "lines. Back at the shop, open Enter checklist results, type "
                                "an item's number and press D for done, S to snooze to the "
                                "next business day or K to skip.", st.muted)]
    if not items:
        story += [Spacer(1, 12), st.para("Nothing is due in this period.", st.body)]
    return story


# -- laying out an item's text ----------------------------------------------------------------

class _Layout:
    """Greedy line breaking of plain text runs, with word widths cached across the document."""

    def __init__(self, font_set: FontSet) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.fonts = font_set
        self._string_width = stringWidth
        self._widths: dict[tuple[str, str], float] = {}

    def width(self, text: str, font: str, size: float) -> float:
        key = (text, font)
        known = self._widths.get(key)
        if known is None:
            known = self._string_width(text, font, 1000.0)
            if len(self._widths) < 200_000:
                self._widths[key] = known
        return known * size / 1000.0

    def spans(self, text: str, bold: bool, size: float,
              grey: float) -> list[tuple[str, str, float, float]]:
        """(text, font, size, grey) runs for one line of user text, in visual order."""
        # Spaces at either end are kept: they separate this run from its neighbours.
        value = visual_order(_SPACES.sub(" ", clean(text)))
        base = self.fonts.bold if bold else self.fonts.regular
        return [(chunk, font or base, size, grey) for font, chunk in runs(value, self.fonts)]

    def lines(self, spans: list[tuple[str, str, float, float]],
              width: float) -> list[list[Piece]]:
        result: list[list[Piece]] = []
        line: list[Piece] = []
        x = 0.0
        space = 0.0  # the width of a space waiting between the last word and the next one
        for text, font, size, grey in spans:
            for token in _TOKENS.findall(text):
                if token.isspace():
                    if line:
                        space = self.width(" ", font, size)
                    continue
                word = self.width(token, font, size)
                if x + space + word <= width or (not line and word <= width):
                    line.append((x + space, token, font, size, grey))
                    x += space + word
                elif word <= width:
                    result.append(line)
                    line, x = [(0.0, token, font, size, grey)], word
                else:
                    # Longer than a whole line (a 200-letter word, a run of CJK): cut it.
                    if line:
                        result.append(line)
                    line, x = [], 0.0
                    for part in self._cut(token, font, size, width):
                        if line:
                            result.append(line)
                        line = [(0.0, part, font, size, grey)]
                        x = self.width(part, font, size)
                space = 0.0
        if line:
            result.append(line)
        return [_merged(pieces, self) for pieces in result]

    def _cut(self, word: str, font: str, size: float, width: float) -> list[str]:
        parts = []
        start = 0
        x = 0.0
        for index, char in enumerate(word):
            char_width = self.width(char, font, size)
            if x + char_width > width and index > start:
                parts.append(word[start:index])
                start, x = index, 0.0
            x += char_width
        parts.append(word[start:])
        return parts


def _merged(pieces: list[Piece], layout: _Layout) -> list[Piece]:
    """Neighbouring pieces in the same font joined into one string (fewer drawing calls)."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1][2:] == piece[2:]:
            x, text, font, size, grey = merged[-1]
            end = x + layout.width(text, font, size)
            gap = piece[0] - end
            space_width = layout.width(" ", font, size)
            if abs(gap - space_width) < 0.01:
                merged[-1] = (x, f"{text} {piece[1]}", font, size, grey)
                continue
            if abs(gap) < 0.01:
                merged[-1] = (x, text + piece[1], font, size, grey)
                continue
        merged.append(piece)
    return merged


@dataclass(frozen=True, slots=True)
class _Row:
    """One horizontal slice of an item: drawn lines of text, or the box, or ruled lines."""

    height: float
    kind: str  # "head", "text", "lines", "gap"
    left: tuple[Piece, ...] = ()  # drawn from INDENT
    right: tuple[Piece, ...] = ()  # right-aligned at the frame's right edge (the phone)
    leading: float = 0.0


def _text_rows(layout: _Layout, parts: list[tuple[str, bool]], size: float, grey: float,
               leading: float, width: float, first_gap: float = 0.0) -> list[_Row]:
    spans = [span for text, bold in parts if text for span in layout.spans(text, bold, size, grey)]
    rows = []
    for index, pieces in enumerate(layout.lines(spans, width)):
        gap = first_gap if index == 0 else 0.0
        rows.append(_Row(height=leading + gap, kind="text", left=tuple(pieces), leading=leading))
    return rows


def _rows(item: ChecklistItem, layout: _Layout, printed_year: int) -> Any:
    """A closure that lays the item out for a given width (known only when it is placed)."""
    def rows_for(width: float) -> list[_Row]:
        text_width = width - INDENT
        phone_width = width * PHONE_SHARE
        name_spans = layout.spans(item.customer_name, True, 10.5, INK)
        if item.company.strip():
            name_spans += layout.spans(f" · {item.company}", False, 10.5, INK)
        name_lines = layout.lines(name_spans, text_width - phone_width - 8)
        if item.phone.strip():
            phone_spans = layout.spans(item.phone, True, 10.5, INK)
        else:
            phone_spans = layout.spans(item.email or "no phone number on file", False, 8.5,
                                       SOFT_INK)
        phone_lines = layout.lines(phone_spans, phone_width)
        rows = []
        for index in range(max(len(name_lines), len(phone_lines), 1)):
            rows.append(_Row(
                height=13.0, kind="head" if index == 0 else "text",
                left=tuple(name_lines[index]) if index < len(name_lines) else (),
                right=tuple(phone_lines[index]) if index < len(phone_lines) else (),
                leading=13.0))
        due = short_day(item.due_on)
        if item.due_on.year != printed_year:
            due = f"{due} {item.due_on.year}"
        when = f" · was due {due} — overdue" if item.overdue else f" · due {due}"
        reason = f": {item.reason}" if item.reason.strip() else ""
        rows += _text_rows(layout, [(item.kind, True), (when, False), (reason, False)],
                           9.0, INK, 11.5, text_width, first_gap=1.5)
        context = []
        if item.last_interaction.strip() or item.last_interaction_on is not None:
            on = f" {item.last_interaction_on.isoformat()}" if item.last_interaction_on else ""
            context.append((f"Last contact{on}: ", item.last_interaction))
        if item.open_concern.strip():
            context.append(("Open concern: ", item.open_concern))
        if item.persona_hint.strip():
            context.append(("How to talk: ", item.persona_hint))
        for label, text in context:
            rows += _text_rows(layout, [(label, True), (text, False)], 8.0, CONTEXT_GREY, 10.0,
                               text_width, first_gap=1.0)
        rows += [_Row(height=LINE_GAP, kind="outcome" if index == 0 else "lines")
                 for index in range(OUTCOME_LINES)]
        rows.append(_Row(height=SEPARATOR, kind="gap"))
        return rows
    return rows_for


def _draw_pieces(canvas: Any, pieces: tuple[Piece, ...], x0: float, baseline: float) -> None:
    for x, text, font, size, grey in pieces:
        canvas.setFont(font, size)
        canvas.setFillGray(grey)
        canvas.drawString(x0 + x, baseline, text)


@functools.cache
def _item_kinds() -> Any:
    from reportlab.platypus.flowables import Flowable

    class ItemBlock(Flowable):  # type: ignore[misc]
        """One numbered item: kept on one page unless it is taller than a page by itself."""

        def __init__(self, number: int, rows_for: Callable[[float], list[_Row]], most: float,
                     on_draw: Callable[[], None] | None, rows: list[_Row] | None = None,
                     width: float = 0.0) -> None:
            super().__init__()
            self.number = number
            self.rows_for = rows_for
            self.most = most
            self.on_draw = on_draw
            self.rows = rows
            self.laid_width = width

        def _laid(self, width: float) -> list[_Row]:
            if self.rows is None or self.laid_width != width:
                self.rows = self.rows_for(width)
                self.laid_width = width
            return self.rows

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            rows = self._laid(avail_width)
            self.width = avail_width
            self.height = sum(row.height for row in rows)
            return avail_width, self.height

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            rows = self._laid(avail_width)
            if sum(row.height for row in rows) <= self.most:
                return []  # fits on a page of its own: move it there whole
            used = 0.0
            cut = 0
            for cut, row in enumerate(rows):  # noqa: B007 - `cut` is used after the loop
                if used + row.height > avail_height:
                    break
                used += row.height
            if cut == 0:
                return []
            return [ItemBlock(self.number, self.rows_for, self.most, self.on_draw, rows[:cut],
                              avail_width),
                    ItemBlock(self.number, self.rows_for, self.most, None, rows[cut:],
                              avail_width)]

        def draw(self) -> None:
            if self.on_draw is not None:
                self.on_draw()
            canvas = self.canv
            width = self.width
            top = self.height
            for row in self.rows or ():
                baseline = top - row.height + 3.0
                if row.kind == "head":
                    canvas.setStrokeGray(INK)
                    canvas.setLineWidth(1)
                    canvas.rect(0, top - BOX - 1.5, BOX, BOX, stroke=1, fill=0)
                    canvas.setFont(styles().fonts.bold, 11)
                    canvas.setFillGray(INK)
                    canvas.drawRightString(INDENT - 6, baseline, str(self.number))
                if row.kind in ("head", "text"):
                    _draw_pieces(canvas, row.left, INDENT, baseline)
                    if row.right:
                        end = row.right[-1]
                        line_width = end[0] + canvas.stringWidth(end[1], end[2], end[3])
                        _draw_pieces(canvas, row.right, width - line_width, baseline)
                elif row.kind in ("outcome", "lines"):
                    start = INDENT
                    if row.kind == "outcome":
                        font = styles().fonts.regular
                        canvas.setFont(font, 8)
                        canvas.setFillGray(SOFT_INK)
                        canvas.drawString(INDENT, baseline, OUTCOME)
                        start += canvas.stringWidth(OUTCOME, font, 8) + 4
                    canvas.setStrokeGray(FAINT_RULE)
                    canvas.setLineWidth(0.5)
                    canvas.line(start, top - row.height + 2, width, top - row.height + 2)
                elif row.kind == "gap":
                    canvas.saveState()
                    canvas.setStrokeGray(FAINT_RULE)
                    canvas.setLineWidth(0.4)
                    canvas.setDash(1, 2)
                    canvas.line(0, top - row.height + 4, width, top - row.height + 4)
                    canvas.restoreState()
                top -= row.height

    class GroupHeading(Flowable):  # type: ignore[misc]
        """A day's (or the overdue items') heading, kept with the first item below it."""

        def __init__(self, paragraph: Any, on_draw: Callable[[], None]) -> None:
            super().__init__()
            self.paragraph = paragraph
            self.on_draw = on_draw
            self.keepWithNext = 1
            self.height = 0.0

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            _, height = self.paragraph.wrap(avail_width, avail_height)
            self.width = avail_width
            self.height = height + 3
            return avail_width, self.height

        def getSpaceBefore(self) -> float:
            return 12.0

        def getSpaceAfter(self) -> float:
            return 6.0

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            return []

        def draw(self) -> None:
            self.on_draw()
            self.paragraph.drawOn(self.canv, 0, 3)
            self.canv.setStrokeGray(INK)
            self.canv.setLineWidth(1.2)
            self.canv.line(0, 0, self.width, 0)

    return type("ItemKinds", (), {"ItemBlock": ItemBlock, "GroupHeading": GroupHeading})
