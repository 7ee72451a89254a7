"""The follow-up checklist the owner takes into the field: numbered, ticked and written on.

Each day's items (overdue ones first) follow a heading; a page that starts in the middle of a
day says "(continued)". The items themselves are drawn by reports.checklist_items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smallbiz_crm.domain.records.printing import ChecklistData
from smallbiz_crm.reports import (
    MARGIN,
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
    styles,
)
from smallbiz_crm.reports.checklist_items import item_kinds, item_rows
from smallbiz_crm.reports.line_layout import LineLayout
from smallbiz_crm.reports.text import one_line

OVERDUE = "Overdue"


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
    kinds = item_kinds()
    layout = LineLayout(st.fonts)
    for group in data.groups:
        title = OVERDUE if group.day is None else day_heading(group.day)
        story.append(kinds.GroupHeading(
            st.para(f"{title} · {plural(len(group.items), 'item')}", st.heading),
            _noting(state, "heading", title)))
        for item in group.items:
            story.append(kinds.ItemBlock(
                item.number, item_rows(item, layout, data.printed_at.year), most,
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
