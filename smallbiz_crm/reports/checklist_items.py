"""One numbered checklist item on paper: tick box, who and why, what to know, lines to write on."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smallbiz_crm.domain.records.printing import ChecklistItem
from smallbiz_crm.reports import FAINT_RULE, INK, SOFT_INK, short_day, styles
from smallbiz_crm.reports.line_layout import LineLayout, Piece, draw_pieces

BOX = 11.0  # the tick box, points
INDENT = 46.0  # where an item's text starts, right of the box and its number
OUTCOME_LINES = 2
LINE_GAP = 16.0  # between ruled lines: room for handwriting
PHONE_SHARE = 0.3  # of the width, for the phone number at the right of the name line
SEPARATOR = 10.0
OUTCOME = "Outcome"
CONTEXT_GREY = 0.2


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One horizontal slice of an item: drawn lines of text, or the box, or ruled lines."""

    height: float
    kind: str  # "head", "text", "outcome", "lines", "gap"
    left: tuple[Piece, ...] = ()  # drawn from INDENT
    right: tuple[Piece, ...] = ()  # right-aligned at the frame's right edge (the phone)
    leading: float = 0.0


def _text_rows(layout: LineLayout, parts: list[tuple[str, bool]], size: float, grey: float,
               leading: float, width: float, first_gap: float = 0.0) -> list[ItemRow]:
    spans = [span for text, bold in parts if text for span in layout.spans(text, bold, size, grey)]
    rows = []
    for index, pieces in enumerate(layout.lines(spans, width)):
        gap = first_gap if index == 0 else 0.0
        rows.append(ItemRow(height=leading + gap, kind="text", left=tuple(pieces), leading=leading))
    return rows


def item_rows(item: ChecklistItem, layout: LineLayout, printed_year: int) -> Any:
    """A closure that lays the item out for a given width (known only when it is placed)."""
    def rows_for(width: float) -> list[ItemRow]:
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
            rows.append(ItemRow(
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
        rows += [ItemRow(height=LINE_GAP, kind="outcome" if index == 0 else "lines")
                 for index in range(OUTCOME_LINES)]
        rows.append(ItemRow(height=SEPARATOR, kind="gap"))
        return rows
    return rows_for


@functools.cache
def item_kinds() -> Any:  # noqa: C901 - one Flowable class, defined on first use
    from reportlab.platypus.flowables import Flowable

    class ItemBlock(Flowable):  # type: ignore[misc]
        """One numbered item: kept on one page unless it is taller than a page by itself."""

        def __init__(self, number: int, rows_for: Callable[[float], list[ItemRow]], most: float,
                     on_draw: Callable[[], None] | None, rows: list[ItemRow] | None = None,
                     width: float = 0.0) -> None:
            super().__init__()
            self.number = number
            self.rows_for = rows_for
            self.most = most
            self.on_draw = on_draw
            self.rows = rows
            self.laid_width = width

        def _laid(self, width: float) -> list[ItemRow]:
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
                    draw_pieces(canvas, row.left, INDENT, baseline)
                    if row.right:
                        end = row.right[-1]
                        line_width = end[0] + canvas.stringWidth(end[1], end[2], end[3])
                        draw_pieces(canvas, row.right, width - line_width, baseline)
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
