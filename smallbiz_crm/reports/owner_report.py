"""The owner's report: the Insights page's charts and numbers on paper, to show a partner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.reports import (
    RULE,
    SOFT_INK,
    Styles,
    Target,
    build,
    draw_furniture,
    frame_width,
    long_date,
    paper,
    styles,
)
from smallbiz_crm.reports.owner_report_charts import gap, grey, share_text
from smallbiz_crm.reports.owner_report_sections import SECTIONS
from smallbiz_crm.reports.text import one_line

if TYPE_CHECKING:
    from smallbiz_crm.domain.records.insights import Insights, PeriodRange

# The charts are drawn with ReportLab's own graphics (reportlab.graphics.charts), not as
# pictures of the Qt charts: they are vector drawings, sharp at any zoom and on any printer;
# reports/ stays free of Qt (the architecture keeps Qt above services, and a command can print
# this without a window); and each chart is drawn from the very records whose numbers the
# tables beside it print, so picture and numbers cannot disagree.

_PERIODS = {"3m": "Last 3 months", "6m": "Last 6 months", "12m": "Last 12 months",
            "all": "All time"}


def period_label(rng: PeriodRange) -> str:
    return _PERIODS.get(str(rng.period), str(rng.period))


def period_text(rng: PeriodRange) -> str:
    """'Last 3 months: 1 September 2026 – 20 November 2026'."""
    return (f"{period_label(rng)}: {long_date(rng.start)} – "
            f"{long_date(min(rng.last_day, rng.today))}")


def write_owner_report(insights: Insights, target: Target, shop_name: str = "",
                       paper_size: str = "A4") -> None:
    """Write the report PDF to `target` (a path or a binary file)."""
    st = styles()
    page_size = paper(paper_size)
    width = frame_width(page_size)
    rng = insights.range
    period = period_text(rng)
    printed = long_date(insights.computed_at)
    shop = one_line(shop_name)

    def furniture(canvas: Any, page: int, pages: int) -> None:
        draw_furniture(canvas, page_size, shop, f"Owner's report · {printed}", period,
                       page, pages)

    story: list[Any] = [*_title(insights, st, shop, period, printed),
                        *_key_figures(insights, st, width)]
    for section in SECTIONS:
        story += section(insights, st, width)
    build(target, story, page_size, title=f"Owner's report: {period_label(rng)}",
          author=shop, furniture=furniture)


# -- the first page: title and key figures -----------------------------------------------

def _title(insights: Insights, st: Styles, shop: str, period: str, printed: str) -> list[Any]:
    parts = [st.para("Owner's report", st.title)]
    if shop:
        parts.append(st.para(shop, st.subtitle))
    parts += [st.para(f"{period} · printed {printed}", st.subtitle), gap(8)]
    return parts


def _key_figures(insights: Insights, st: Styles, width: float) -> list[Any]:
    growth, touch, concerns = insights.growth, insights.touch, insights.concerns
    rows = [
        ["Customers today", f"{insights.journey.customers:,}",
         "New customers", f"{growth.new_customers:,}"],
        ["Moved up the journey", f"{insights.journey.moved_up:,}",
         "Moved down", f"{insights.journey.moved_down:,}"],
        ["Purchase revenue", format_cents(growth.revenue_cents),
         "Purchases", f"{growth.purchases:,}"],
        ["Concerns answered in time", share_text(concerns.answered_in_time, concerns.decided),
         "Losing touch today", f"{touch.losing_touch:,}"],
        ["Spent on gestures", format_cents(insights.gestures.cost_cents),
         "Purchases that followed", format_cents(insights.gestures.purchase_cents)],
    ]
    from reportlab.platypus import Table, TableStyle

    fonts = st.fonts
    quarter = width / 4
    table = Table(rows, colWidths=[quarter * 1.15, quarter * 0.85, quarter * 1.15,
                                   quarter * 0.85], hAlign="LEFT",
                  style=TableStyle([
                      ("FONT", (0, 0), (-1, -1), fonts.regular, 9, 12),
                      ("FONT", (1, 0), (1, -1), fonts.bold, 9, 12),
                      ("FONT", (3, 0), (3, -1), fonts.bold, 9, 12),
                      ("TEXTCOLOR", (0, 0), (0, -1), grey(SOFT_INK)),
                      ("TEXTCOLOR", (2, 0), (2, -1), grey(SOFT_INK)),
                      ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                      ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                      ("BOX", (0, 0), (-1, -1), 0.6, grey(RULE)),
                      ("BACKGROUND", (0, 0), (-1, -1), grey(0.97)),
                      ("LEFTPADDING", (0, 0), (-1, -1), 6),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                      ("TOPPADDING", (0, 0), (-1, -1), 3),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return [table]
