"""The owner's report: the Insights page's charts and numbers on paper, to show a partner.

The charts are drawn with ReportLab's own graphics (reportlab.graphics.charts), not as
pictures of the Qt charts: they are vector drawings, sharp at any zoom and on any printer;
reports/ stays free of Qt (the architecture keeps Qt above services, and a command can print
this without a window); and each chart is drawn from the very records whose numbers the
tables beside it print, so picture and numbers cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.reports import (
    FAINT_RULE,
    RULE,
    SHADE,
    SOFT_INK,
    Styles,
    Target,
    build,
    draw_furniture,
    frame_width,
    long_date,
    paper,
    plural,
    short_date,
    styles,
)
from smallbiz_crm.reports.text import one_line

if TYPE_CHECKING:
    from smallbiz_crm.domain.records.insights import Insights, PeriodRange

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PERIODS = {"3m": "Last 3 months", "6m": "Last 6 months", "12m": "Last 12 months",
            "all": "All time"}
# Greys tell the series apart on any printer; the darkest is the main figure.
_SERIES_GREYS = (0.3, 0.68, 0.86)
# Stacked bars carry their labels inside: light enough for black text.
_STACKED_GREYS = (0.55, 0.72, 0.88)
_CHART_HEIGHT = 150.0
_HEADING_ROOM = 250  # a section starts a new page rather than leave its chart behind
_TOP_IN_CHART = 10
# Month labels turn upright past this many months, to stay apart.
_FLAT_MONTHS = 13
_LABEL_CHARS = 26


def period_label(rng: PeriodRange) -> str:
    return _PERIODS.get(str(rng.period), str(rng.period))


def month_label(month: date, with_year: bool = True) -> str:
    return f"{_MONTHS[month.month - 1]} {month.year}" if with_year else _MONTHS[month.month - 1]


def period_text(rng: PeriodRange) -> str:
    """'Last 3 months: 1 September 2026 – 20 November 2026'."""
    return (f"{period_label(rng)}: {long_date(rng.start)} – "
            f"{long_date(min(rng.last_day, rng.today))}")


def share_text(part: int, whole: int) -> str:
    """'50% (2 of 4)', or '–' when there is nothing to share."""
    if not whole:
        return "–"
    return f"{part / whole:.0%} ({part:,} of {whole:,})"


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
    for section in (_journey, _growth, _sources, _concerns, _gestures, _touch, _best):
        story += section(insights, st, width)
    build(target, story, page_size, title=f"Owner's report: {period_label(rng)}",
          author=shop, furniture=furniture)


# -- building blocks ------------------------------------------------------------------------

def _table(rows: list[list[Any]], widths: Sequence[float], right: tuple[int, ...] = (),
           total_row: bool = False) -> Any:
    from reportlab.platypus import Table, TableStyle

    fonts = styles().fonts
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, 8.5, 10.5),
        ("FONT", (0, 0), (-1, 0), fonts.bold, 8, 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, (RULE,) * 3),
        ("BACKGROUND", (0, 0), (-1, 0), (SHADE,) * 3),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, (FAINT_RULE,) * 3),
    ]
    if total_row:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, (RULE,) * 3),
                     ("FONT", (0, -1), (-1, -1), fonts.bold, 8.5, 10.5)]
    commands += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in right]
    return Table(rows, colWidths=list(widths), repeatRows=1, splitInRow=1,
                 style=TableStyle(commands), hAlign="LEFT")


def _section(title: str, summary: str, st: Styles) -> list[Any]:
    from reportlab.platypus import CondPageBreak

    return [CondPageBreak(_HEADING_ROOM), st.para(title, st.heading),
            st.para(summary, st.detail)]


def _gap(height: float = 6) -> Any:
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _grey(level: float) -> Any:
    from reportlab.lib.colors import Color

    return Color(level, level, level)


def _months_axis(chart: Any, months: Sequence[date], st: Styles) -> None:
    """Month names under a vertical bar or line chart; upright when there are many."""
    years = {month.year for month in months}
    axis = chart.categoryAxis
    axis.categoryNames = [month_label(m, len(years) > 1 or len(months) <= 6) for m in months]
    axis.labels.fontName = st.fonts.regular
    axis.labels.fontSize = 7
    if len(months) >= _FLAT_MONTHS:
        axis.labels.angle = 90
        axis.labels.boxAnchor = "e"
        axis.labels.dy = -2
    else:
        axis.labels.boxAnchor = "n"


def _value_axis(axis: Any, values: Sequence[float], st: Styles,
                label: Callable[[float], str] | None = None) -> None:
    axis.valueMin = 0
    top = max(values, default=0)
    if top <= 0:
        axis.valueMax = 1  # an empty chart still gets an axis
        axis.valueStep = 1
    axis.labels.fontName = st.fonts.regular
    axis.labels.fontSize = 7
    if label is not None:
        axis.labelTextFormat = label
    axis.strokeColor = _grey(SOFT_INK)
    axis.gridStrokeColor = _grey(FAINT_RULE)
    axis.visibleGrid = 1


def _legend(drawing: Any, x: float, y: float, names: Sequence[str], st: Styles,
            greys: Sequence[float] = _SERIES_GREYS) -> None:
    from reportlab.graphics.charts.legends import Legend

    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = st.fonts.regular
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 8
    legend.dx = legend.dy = 7
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(_grey(greys[i % len(greys)]), name)
                             for i, name in enumerate(names)]
    drawing.add(legend)


def _bars(categories: Sequence[str], series: Sequence[Sequence[float]], width: float,
          st: Styles, names: Sequence[str] = (), horizontal: bool = False,
          stacked: bool = False, label: Callable[[float], str] | None = None,
          months: Sequence[date] = (), value_label: Callable[[float], str] | None = None,
          height: float = _CHART_HEIGHT, caption: str = "",
          labels: Sequence[str] | None = None, value_max: float | None = None) -> Any:
    """A bar chart drawing: one series per entry of `series`, values per category; a legend
    when there are several series, else the caption; value labels from `label` (or the
    `labels` given, one per bar) while the bars are few enough to hold them."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String

    legend_room = 16 if len(names) > 1 or caption else 0
    drawing = Drawing(width, height + legend_room)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    if horizontal:
        longest = max((len(c) for c in categories), default=4)
        chart.x = min(10 + longest * 4.6, width * 0.38)
        chart.y = 16
        chart.width = width - chart.x - 30
        chart.height = height - 22
        chart.categoryAxis.reverseDirection = 1  # the first category on top
    else:
        chart.x = 46
        chart.y = 44 if len(months) >= _FLAT_MONTHS else 22
        chart.width = width - chart.x - 10
        chart.height = height - chart.y - 14  # room for the labels over the tallest bar
    chart.data = [tuple(values) for values in series]
    if months:
        _months_axis(chart, months, st)
    else:
        chart.categoryAxis.categoryNames = [_cut(c) for c in categories]
        chart.categoryAxis.labels.fontName = st.fonts.regular
        chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.strokeColor = _grey(SOFT_INK)
    if stacked:
        chart.categoryAxis.style = "stacked"
        totals = [sum(values) for values in zip(*series, strict=True)] if series else []
        _value_axis(chart.valueAxis, totals, st, value_label)
    else:
        _value_axis(chart.valueAxis, [v for values in series for v in values], st, value_label)
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
        chart.valueAxis.valueStep = value_max / 5
    greys = _STACKED_GREYS if stacked else _SERIES_GREYS
    for index in range(len(series)):
        chart.bars[index].fillColor = _grey(greys[index % len(greys)])
        chart.bars[index].strokeColor = _grey(0.15)
        chart.bars[index].strokeWidth = 0.3
    chart.barSpacing = 1
    chart.groupSpacing = 6 if len(categories) <= 12 else 2
    if (label is not None or labels is not None) and len(months or categories) < _FLAT_MONTHS:
        if labels is not None:
            chart.barLabelFormat = "values"
            chart.barLabelArray = [list(labels)]
        else:
            chart.barLabelFormat = label
        chart.barLabels.fontName = st.fonts.regular
        chart.barLabels.fontSize = 6.5
        if stacked:
            chart.barLabels.boxTarget = "mid"
            chart.barLabels.boxAnchor = "c"
        else:
            chart.barLabels.nudge = 6
            chart.barLabels.boxAnchor = "w" if horizontal else "s"
    drawing.add(chart)
    if len(names) > 1:
        _legend(drawing, chart.x, height + legend_room - 2, names, st, greys)
    elif caption:
        drawing.add(String(chart.x, height + 4, caption, fontName=st.fonts.bold, fontSize=8))
    return drawing


def _cut(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= _LABEL_CHARS else text[:_LABEL_CHARS - 1] + "…"


def _are(count: int, noun: str) -> str:
    """'1 customer is', '3 customers are'."""
    return f"{plural(count, noun)} {'is' if count == 1 else 'are'}"


def _count(value: float) -> str:
    return f"{round(value):,}" if value else ""


def _whole_money(value: float) -> str:
    return f"{value:,.0f}"


def _cents_as_units(cents: int) -> float:
    return cents / 100


# -- the sections ---------------------------------------------------------------------------

def _title(insights: Insights, st: Styles, shop: str, period: str, printed: str) -> list[Any]:
    parts = [st.para("Owner's report", st.title)]
    if shop:
        parts.append(st.para(shop, st.subtitle))
    parts += [st.para(f"{period} · printed {printed}", st.subtitle), _gap(8)]
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
                      ("TEXTCOLOR", (0, 0), (0, -1), _grey(SOFT_INK)),
                      ("TEXTCOLOR", (2, 0), (2, -1), _grey(SOFT_INK)),
                      ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                      ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                      ("BOX", (0, 0), (-1, -1), 0.6, _grey(RULE)),
                      ("BACKGROUND", (0, 0), (-1, -1), _grey(0.97)),
                      ("LEFTPADDING", (0, 0), (-1, -1), 6),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                      ("TOPPADDING", (0, 0), (-1, -1), 3),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return [table]


def _journey(insights: Insights, st: Styles, width: float) -> list[Any]:
    journey = insights.journey
    stages = journey.stages
    summary = (f"{plural(journey.customers, 'customer')} today (archived ones left out). "
               f"During the period {plural(journey.moved_up, 'move')} up the journey and "
               f"{plural(journey.moved_down, 'move')} down (to an earlier stage or to a lapsed "
               "one); new records, imports and merges are not moves.")
    chart = _bars([s.name for s in stages], [[s.customers for s in stages]], width, st,
                  horizontal=True, label=_count,
                  height=max(90.0, 20.0 * len(stages) + 24))
    rows = [["Stage", "Customers today", "Moved up into", "Moved down into"]]
    rows += [[st.para(s.name, st.cell), f"{s.customers:,}", f"{s.moved_up_into:,}",
              f"{s.moved_down_into:,}"] for s in stages]
    rows.append(["Total", f"{journey.customers:,}", f"{journey.moved_up:,}",
                 f"{journey.moved_down:,}"])
    return [*_section("Customers per journey stage", summary, st), chart, _gap(),
            _table(rows, [width * 0.4, width * 0.2, width * 0.2, width * 0.2], (1, 2, 3),
                   total_row=True)]


def _growth(insights: Insights, st: Styles, width: float) -> list[Any]:
    growth = insights.growth
    months = [m.month for m in growth.months]
    summary = (f"{plural(growth.new_customers, 'new customer')} and "
               f"{plural(growth.purchases, 'purchase')} worth "
               f"{format_cents(growth.revenue_cents)}.")
    if growth.imported:
        summary += (f" {plural(growth.imported, 'customer')} brought in by an import are not "
                    "counted as new.")
    new_chart = _bars([], [[m.new_customers for m in growth.months]], width, st,
                      label=_count, months=months, caption="New customers")
    revenue_chart = _bars([], [[_cents_as_units(m.revenue_cents) for m in growth.months]],
                          width, st, label=_whole_money, months=months,
                          caption="Purchase revenue", value_label=_whole_money)
    rows = [["Month", "New customers", "Imported", "Purchases", "Revenue"]]
    rows += [[month_label(m.month), f"{m.new_customers:,}", f"{m.imported:,}",
              f"{m.purchases:,}", format_cents(m.revenue_cents)] for m in growth.months]
    rows.append(["Total", f"{growth.new_customers:,}", f"{growth.imported:,}",
                 f"{growth.purchases:,}", format_cents(growth.revenue_cents)])
    return [*_section("New customers and revenue per month", summary, st), new_chart,
            _gap(), revenue_chart, _gap(),
            _table(rows, [width * 0.24, width * 0.19, width * 0.15, width * 0.17,
                          width * 0.25], (1, 2, 3, 4), total_row=True)]


def _sources(insights: Insights, st: Styles, width: float) -> list[Any]:
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing

    sources = insights.sources
    total = sources.new_customers
    summary = (f"Where the period's {plural(total, 'new customer')} came from, as noted on "
               f"each. {plural(sources.referred, 'of them names', 'of them name')} the customer "
               "who referred them.")
    parts: list[Any] = _section("Where new customers came from", summary, st)
    if total:
        shown = list(sources.sources[:7])
        rest = sum(s.customers for s in sources.sources[7:])
        values = [s.customers for s in shown] + ([rest] if rest else [])
        names = [s.source or "Not noted" for s in shown] + (["Other"] if rest else [])
        drawing = Drawing(width, 170)
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = width / 2 - 65, 20, 130, 130
        pie.data = values
        pie.labels = [f"{_cut(name)} {value / total:.0%}" for name, value in
                      zip(names, values, strict=True)]
        pie.sideLabels = 1
        pie.slices.fontName = st.fonts.regular
        pie.slices.fontSize = 7.5
        pie.slices.strokeColor = _grey(1.0)
        pie.slices.strokeWidth = 0.8
        for index in range(len(values)):
            level = 0.25 + 0.65 * index / max(1, len(values) - 1)
            pie.slices[index].fillColor = _grey(level)
        drawing.add(pie)
        parts.append(drawing)
    else:
        parts.append(st.para("No new customers in this period.", st.muted))
    rows = [["Source", "New customers", "Share", "Referred by a customer"]]
    rows += [[st.para(s.source or "Not noted", st.cell), f"{s.customers:,}",
              f"{s.customers / total:.0%}" if total else "–", f"{s.referred:,}"]
             for s in sources.sources]
    rows.append(["Total", f"{total:,}", "100%" if total else "–", f"{sources.referred:,}"])
    return [*parts, _gap(),
            _table(rows, [width * 0.4, width * 0.2, width * 0.15, width * 0.25], (1, 2, 3),
                   total_row=True)]


def _concerns(insights: Insights, st: Styles, width: float) -> list[Any]:
    concerns = insights.concerns
    in_all = share_text(concerns.answered_in_time, concerns.decided)
    summary = ("Concerns are answered within one business day. Each month shows the share "
               "answered in time among those whose outcome is known (answered, or past their "
               f"deadline unanswered). In all: {in_all}; "
               f"{plural(concerns.received, 'concern')} received.")
    months = [m.month for m in concerns.months]
    shares = [round(100 * m.share) if m.share is not None else 0 for m in concerns.months]
    # A month with nothing decided has no share: "–", not a bar at 0 %.
    chart = _bars([], [shares], width, st, months=months,
                  labels=[f"{m.share:.0%}" if m.share is not None else "–"
                          for m in concerns.months],
                  value_label=lambda v: f"{v:.0f}%", caption="Answered in time",
                  value_max=100)
    rows = [["Month", "Answered in time", "Late", "Overdue, unanswered", "Share in time",
             "Received"]]
    rows += [[month_label(m.month), f"{m.answered_in_time:,}", f"{m.answered_late:,}",
              f"{m.still_open_overdue:,}",
              f"{m.share:.0%}" if m.share is not None else "–", f"{m.total:,}"]
             for m in concerns.months]
    return [*_section("Concerns answered within one business day", summary, st), chart,
            _gap(), _table(rows, [width * 0.15, width * 0.18, width * 0.1, width * 0.23,
                                  width * 0.17, width * 0.17], (1, 2, 3, 4, 5))]


def _gestures(insights: Insights, st: Styles, width: float) -> list[Any]:
    gestures = insights.gestures
    months = [m.month for m in gestures.months]
    summary = (f"{plural(gestures.given, 'gesture')} cost {format_cents(gestures.cost_cents)}. "
               f"Within {gestures.window_days} days after them followed "
               f"{plural(gestures.purchases, 'purchase')} worth "
               f"{format_cents(gestures.purchase_cents)} and "
               f"{plural(gestures.referrals, 'referral')} (each counted once per month of "
               "gestures; recent months are still counting).")
    chart = _bars([], [[_cents_as_units(m.cost_cents) for m in gestures.months],
                       [_cents_as_units(m.purchase_cents) for m in gestures.months]],
                  width, st, months=months,
                  names=["Spent on gestures", "Purchases that followed"],
                  value_label=_whole_money)
    rows = [["Month", "Gestures", "Spent", "Purchases after", "Worth", "Referrals after"]]
    rows += [[month_label(m.month), f"{m.given:,}", format_cents(m.cost_cents),
              f"{m.purchases:,}", format_cents(m.purchase_cents), f"{m.referrals:,}"]
             for m in gestures.months]
    rows.append(["Total", f"{gestures.given:,}", format_cents(gestures.cost_cents),
                 f"{gestures.purchases:,}", format_cents(gestures.purchase_cents),
                 f"{gestures.referrals:,}"])
    return [*_section("Gestures and what followed them", summary, st), chart, _gap(),
            _table(rows, [width * 0.16, width * 0.13, width * 0.17, width * 0.18,
                          width * 0.18, width * 0.18], (1, 2, 3, 4, 5), total_row=True)]


def _touch(insights: Insights, st: Styles, width: float) -> list[Any]:
    touch = insights.touch
    stages = touch.stages
    summary = (f"{_are(touch.losing_touch, 'customer')} past their stage's contact rhythm today "
               f"(customers not pursued left out). {_are(touch.lapsed_now, 'customer')} lapsed; "
               f"{plural(touch.lapsed_in_period, 'customer')} lapsed during the period, counted "
               "under the stage they lapsed from.")
    chart = _bars([s.name for s in stages], [[s.losing_touch for s in stages],
                                             [s.lapsed_from for s in stages]], width, st,
                  names=["Losing touch today", "Lapsed in the period, from this stage"],
                  horizontal=True, label=_count, height=max(110.0, 26.0 * len(stages) + 24))
    rows = [["Stage", "Contact rhythm", "Customers", "Losing touch", "Lapsed from here"]]
    rows += [[st.para(s.name, st.cell),
              f"{s.rhythm_days} days" if s.rhythm_days else "–", f"{s.customers:,}",
              f"{s.losing_touch:,}", f"{s.lapsed_from:,}"] for s in stages]
    rows.append(["Total", "", f"{sum(s.customers for s in stages):,}",
                 f"{touch.losing_touch:,}", f"{touch.lapsed_in_period:,}"])
    return [*_section("Customers losing touch and lapsed, per stage", summary, st), chart,
            _gap(), _table(rows, [width * 0.32, width * 0.17, width * 0.16, width * 0.17,
                                  width * 0.18], (1, 2, 3, 4), total_row=True)]


def _best(insights: Insights, st: Styles, width: float) -> list[Any]:
    best = insights.best
    summary = ("Scored on recency (the last purchase), frequency (how many purchases) and "
               "money (what they came to) in the period, each 1–5 by fifths of the "
               f"{plural(best.scored, 'customer')} who bought; the score is their sum, 3–15. "
               f"{best.with_gesture} of these {len(best.customers)} received a gesture in the "
               "period.")
    parts = _section(f"Best customers (the top {len(best.customers) or 20})", summary, st)
    if not best.customers:
        return [*parts, st.para("No purchases in this period.", st.muted)]
    top = best.customers[:_TOP_IN_CHART]
    chart = _bars([c.name for c in top], [[c.recency for c in top], [c.frequency for c in top],
                                          [c.monetary for c in top]], width, st,
                  names=["Recency", "Frequency", "Money"], horizontal=True, stacked=True,
                  label=_count, height=18.0 * len(top) + 30)
    rows = [["#", "Customer", "Last purchase", "Purchases", "Money", "R", "F", "M", "Score",
             "Gesture"]]
    rows += [[f"{rank}", st.para(c.name, st.cell), short_date(c.last_purchase),
              f"{c.purchases:,}", format_cents(c.money_cents), f"{c.recency}",
              f"{c.frequency}", f"{c.monetary}", f"{c.score}", "yes" if c.received_gesture
              else ""] for rank, c in enumerate(best.customers, start=1)]
    widths = [0.05, 0.27, 0.14, 0.1, 0.14, 0.05, 0.05, 0.05, 0.07, 0.08]
    return [*parts, chart, _gap(),
            _table(rows, [width * w for w in widths], (0, 3, 4, 5, 6, 7, 8))]
