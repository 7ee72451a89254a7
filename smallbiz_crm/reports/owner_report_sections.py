"""The owner's report's sections: a heading, what it means, a chart and the numbers behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.reports import Styles, plural, short_date
from smallbiz_crm.reports.owner_report_charts import (
    bars,
    cut,
    gap,
    grey,
    month_label,
    section,
    share_text,
    table,
)

if TYPE_CHECKING:
    from smallbiz_crm.domain.records.insights import Insights

_TOP_IN_CHART = 10


def _are(count: int, noun: str) -> str:
    """'1 customer is', '3 customers are'."""
    return f"{plural(count, noun)} {'is' if count == 1 else 'are'}"


def _count(value: float) -> str:
    return f"{round(value):,}" if value else ""


def _whole_money(value: float) -> str:
    return f"{value:,.0f}"


def _cents_as_units(cents: int) -> float:
    return cents / 100


def journey_section(insights: Insights, st: Styles, width: float) -> list[Any]:
    journey = insights.journey
    stages = journey.stages
    summary = (f"{plural(journey.customers, 'customer')} today (archived ones left out). "
               f"During the period {plural(journey.moved_up, 'move')} up the journey and "
               f"{plural(journey.moved_down, 'move')} down (to an earlier stage or to a lapsed "
               "one); new records, imports and merges are not moves.")
    chart = bars([s.name for s in stages], [[s.customers for s in stages]], width, st,
                 horizontal=True, label=_count,
                 height=max(90.0, 20.0 * len(stages) + 24))
    rows = [["Stage", "Customers today", "Moved up into", "Moved down into"]]
    rows += [[st.para(s.name, st.cell), f"{s.customers:,}", f"{s.moved_up_into:,}",
              f"{s.moved_down_into:,}"] for s in stages]
    rows.append(["Total", f"{journey.customers:,}", f"{journey.moved_up:,}",
                 f"{journey.moved_down:,}"])
    return [*section("Customers per journey stage", summary, st), chart, gap(),
            table(rows, [width * 0.4, width * 0.2, width * 0.2, width * 0.2], (1, 2, 3),
                  total_row=True)]


def growth_section(insights: Insights, st: Styles, width: float) -> list[Any]:
    growth = insights.growth
    months = [m.month for m in growth.months]
    summary = (f"{plural(growth.new_customers, 'new customer')} and "
               f"{plural(growth.purchases, 'purchase')} worth "
               f"{format_cents(growth.revenue_cents)}.")
    if growth.imported:
        summary += (f" {plural(growth.imported, 'customer')} brought in by an import are not "
                    "counted as new.")
    new_chart = bars([], [[m.new_customers for m in growth.months]], width, st,
                     label=_count, months=months, caption="New customers")
    revenue_chart = bars([], [[_cents_as_units(m.revenue_cents) for m in growth.months]],
                         width, st, label=_whole_money, months=months,
                         caption="Purchase revenue", value_label=_whole_money)
    rows = [["Month", "New customers", "Imported", "Purchases", "Revenue"]]
    rows += [[month_label(m.month), f"{m.new_customers:,}", f"{m.imported:,}",
              f"{m.purchases:,}", format_cents(m.revenue_cents)] for m in growth.months]
    rows.append(["Total", f"{growth.new_customers:,}", f"{growth.imported:,}",
                 f"{growth.purchases:,}", format_cents(growth.revenue_cents)])
    return [*section("New customers and revenue per month", summary, st), new_chart,
            gap(), revenue_chart, gap(),
            table(rows, [width * 0.24, width * 0.19, width * 0.15, width * 0.17,
                         width * 0.25], (1, 2, 3, 4), total_row=True)]


def sources_section(insights: Insights, st: Styles, width: float) -> list[Any]:
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing

    sources = insights.sources
    total = sources.new_customers
    summary = (f"Where the period's {plural(total, 'new customer')} came from, as noted on "
               f"each. {plural(sources.referred, 'of them names', 'of them name')} the customer "
               "who referred them.")
    parts: list[Any] = section("Where new customers came from", summary, st)
    if total:
        shown = list(sources.sources[:7])
        rest = sum(s.customers for s in sources.sources[7:])
        values = [s.customers for s in shown] + ([rest] if rest else [])
        names = [s.source or "Not noted" for s in shown] + (["Other"] if rest else [])
        drawing = Drawing(width, 170)
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = width / 2 - 65, 20, 130, 130
        pie.data = values
        pie.labels = [f"{cut(name)} {value / total:.0%}" for name, value in
                      zip(names, values, strict=True)]
        pie.sideLabels = 1
        pie.slices.fontName = st.fonts.regular
        pie.slices.fontSize = 7.5
        pie.slices.strokeColor = grey(1.0)
        pie.slices.strokeWidth = 0.8
        for index in range(len(values)):
            level = 0.25 + 0.65 * index / max(1, len(values) - 1)
            pie.slices[index].fillColor = grey(level)
        drawing.add(pie)
        parts.append(drawing)
    else:
        parts.append(st.para("No new customers in this period.", st.muted))
    rows = [["Source", "New customers", "Share", "Referred by a customer"]]
    rows += [[st.para(s.source or "Not noted", st.cell), f"{s.customers:,}",
              f"{s.customers / total:.0%}" if total else "–", f"{s.referred:,}"]
             for s in sources.sources]
    rows.append(["Total", f"{total:,}", "100%" if total else "–", f"{sources.referred:,}"])
    return [*parts, gap(),
            table(rows, [width * 0.4, width * 0.2, width * 0.15, width * 0.25], (1, 2, 3),
                  total_row=True)]


def concerns_section(insights: Insights, st: Styles, width: float) -> list[Any]:
    concerns = insights.concerns
    in_all = share_text(concerns.answered_in_time, concerns.decided)
    summary = ("Concerns are answered within one business day. Each month shows the share "
               "answered in time among those whose outcome is known (answered, or past their "
               f"deadline unanswered). In all: {in_all}; "
               f"{plural(concerns.received, 'concern')} received.")
    months = [m.month for m in concerns.months]
    shares = [round(100 * m.share) if m.share is not None else 0 for m in concerns.months]
    # A month with nothing decided has no share: "–", not a bar at 0 %.
    chart = bars([], [shares], width, st, months=months,
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
    return [*section("Concerns answered within one business day", summary, st), chart,
            gap(), table(rows, [width * 0.15, width * 0.18, width * 0.1, width * 0.23,
                                 width * 0.17, width * 0.17], (1, 2, 3, 4, 5))]


def gestures_section(insights: Insights, st: Styles, width: float) -> list[Any]:
    gestures = insights.gestures
    months = [m.month for m in gestures.months]
    summary = (f"{plural(gestures.given, 'gesture')} cost {format_cents(gestures.cost_cents)}. "
               f"Within {gestures.window_days} days after them followed "
               f"{plural(gestures.purchases, 'purchase')} worth "
               f"{format_cents(gestures.purchase_cents)} and "
               f"{plural(gestures.referrals, 'referral')} (each counted once per month of "
               "gestures; recent months are still counting).")
    chart = bars([], [[_cents_as_units(m.cost_cents) for m in gestures.months],
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
    return [*section("Gestures and what followed them", summary, st), chart, gap(),
            table(rows, [width * 0.16, width * 0.13, width * 0.17, width * 0.18,
                         width * 0.18, width * 0.18], (1, 2, 3, 4, 5), total_row=True)]


def touch_section(insights: Insights, st: Styles, width: float) -> list[Any]:
    touch = insights.touch
    stages = touch.stages
    summary = (f"{_are(touch.losing_touch, 'customer')} past their stage's contact rhythm today "
               f"(customers not pursued left out). {_are(touch.lapsed_now, 'customer')} lapsed; "
               f"{plural(touch.lapsed_in_period, 'customer')} lapsed during the period, counted "
               "under the stage they lapsed from.")
    chart = bars([s.name for s in stages], [[s.losing_touch for s in stages],
                                            [s.lapsed_from for s in stages]], width, st,
                 names=["Losing touch today", "Lapsed in the period, from this stage"],
                 horizontal=True, label=_count, height=max(110.0, 26.0 * len(stages) + 24))
    rows = [["Stage", "Contact rhythm", "Customers", "Losing touch", "Lapsed from here"]]
    rows += [[st.para(s.name, st.cell),
              f"{s.rhythm_days} days" if s.rhythm_days else "–", f"{s.customers:,}",
              f"{s.losing_touch:,}", f"{s.lapsed_from:,}"] for s in stages]
    rows.append(["Total", "", f"{sum(s.customers for s in stages):,}",
                 f"{touch.losing_touch:,}", f"{touch.lapsed_in_period:,}"])
    return [*section("Customers losing touch and lapsed, per stage", summary, st), chart,
            gap(), table(rows, [width * 0.32, width * 0.17, width * 0.16, width * 0.17,
                                 width * 0.18], (1, 2, 3, 4), total_row=True)]


def best_section(insights: Insights, st: Styles, width: float) -> list[Any]:
    best = insights.best
    summary = ("Scored on recency (the last purchase), frequency (how many purchases) and "
               "money (what they came to) in the period, each 1–5 by fifths of the "
               f"{plural(best.scored, 'customer')} who bought; the score is their sum, 3–15. "
               f"{best.with_gesture} of these {len(best.customers)} received a gesture in the "
               "period.")
    parts = section(f"Best customers (the top {len(best.customers) or 20})", summary, st)
    if not best.customers:
        return [*parts, st.para("No purchases in this period.", st.muted)]
    top = best.customers[:_TOP_IN_CHART]
    chart = bars([c.name for c in top], [[c.recency for c in top], [c.frequency for c in top],
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
    return [*parts, chart, gap(),
            table(rows, [width * w for w in widths], (0, 3, 4, 5, 6, 7, 8))]


# In the order they are printed.
SECTIONS = (journey_section, growth_section, sources_section, concerns_section,
            gestures_section, touch_section, best_section)
