"""What each Insights card shows: its chart, its line of key numbers and its numbers table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, QLocale
from PySide6.QtGui import QColor

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.records.insights import Insights
from smallbiz_crm.ui.models.figures_table import FiguresModel
from smallbiz_crm.ui.widgets.chart_card import ChartCard
from smallbiz_crm.ui.widgets.charts import add_line, bar_chart, pie_chart, slice_colors

if TYPE_CHECKING:
    from smallbiz_crm.ui.pages.insights_best_customers import BestCustomersModel

TOP_IN_CHART = 10  # the best customers drawn as bars; the table lists all twenty
MONTHS_IN_FULL = 12  # more months than this, and their names shrink to initials


def tr(text: str) -> str:
    # The page's own translation context: these texts were the page's before they moved here.
    return QCoreApplication.translate("InsightsPage", text)


def month_text(month: date, with_year: bool = True) -> str:
    """'Sep 2026' (or 'Sep'), in the language of the app's locale."""
    return QLocale().toString(QDate(month.year, month.month, 1),
                              "MMM yyyy" if with_year else "MMM")


def day_text(day: date) -> str:
    """'18 Nov 2026', in the language of the app's locale."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


def month_names(months: Sequence[date]) -> list[str]:
    """Category labels for months: 'Sep', 'Oct' …, with the year under the first month and
    under each January (QtCharts draws the labels as rich text). Past a year of months only
    the initial fits ('S', 'O' …); zero-width spaces keep the labels apart, as a category
    axis needs them to be."""
    many = len(months) > MONTHS_IN_FULL
    names = []
    for index, month in enumerate(months):
        name = month_text(month, False)[:1] + "\u200b" * index if many \
            else month_text(month, False)
        year = f"’{month.year % 100:02d}" if many else f"{month.year}"
        names.append(f"{name}<br>{year}" if index == 0 or month.month == 1 else name)
    return names


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def money_units(cents: int) -> float:
    return cents / 100


def show_stages(card: ChartCard, model: FiguresModel, insights: Insights) -> None:
    journey = insights.journey
    stages = journey.stages
    card.set_chart(bar_chart([s.name for s in stages],
                             [(tr("Customers"), [s.customers for s in stages])],
                             horizontal=True))
    card.set_summary(tr("{0} customers today · {1} moves up and {2} down the journey "
                        "in the period").format(
        f"{journey.customers:,}", f"{journey.moved_up:,}", f"{journey.moved_down:,}"))
    rows = [(s.name, f"{s.customers:,}", f"{s.moved_up_into:,}", f"{s.moved_down_into:,}")
            for s in stages]
    rows.append((tr("Total"), f"{journey.customers:,}", f"{journey.moved_up:,}",
                 f"{journey.moved_down:,}"))
    model.set_rows(
        rows, [tr("Stage"), tr("Customers"), tr("Up into"),
               tr("Down into")], (1, 2, 3), bold_last=True)


def show_touch(card: ChartCard, model: FiguresModel, insights: Insights) -> None:
    touch = insights.touch
    stages = touch.stages
    card.set_chart(bar_chart(
        [s.name for s in stages],
        [(tr("Losing touch"), [s.losing_touch for s in stages]),
         (tr("Lapsed from here"), [s.lapsed_from for s in stages])],
        horizontal=True))
    card.set_summary(tr("{0} past their stage's contact rhythm today · {1} lapsed "
                        "now · {2} lapsed in the period").format(
        f"{touch.losing_touch:,}", f"{touch.lapsed_now:,}", f"{touch.lapsed_in_period:,}"))
    rows = [(s.name, f"{s.losing_touch:,}", f"{s.lapsed_from:,}") for s in stages]
    rows.append((tr("Total"), f"{touch.losing_touch:,}",
                 f"{touch.lapsed_in_period:,}"))
    model.set_rows(
        rows, [tr("Stage"), tr("Losing touch"), tr("Lapsed from")],
        (1, 2), bold_last=True)


def show_growth(card: ChartCard, model: FiguresModel, insights: Insights) -> None:
    growth = insights.growth
    months = growth.months
    chart = bar_chart(month_names([m.month for m in months]),
                      [(tr("New customers"), [m.new_customers for m in months])])
    add_line(chart, tr("Revenue"), [money_units(m.revenue_cents) for m in months])
    card.set_chart(chart)
    summary = tr("{0} new customers · {1} purchases worth {2}").format(
        f"{growth.new_customers:,}", f"{growth.purchases:,}",
        format_cents(growth.revenue_cents))
    if growth.imported:
        summary += tr(" · {0} more came in by an import").format(
            f"{growth.imported:,}")
    card.set_summary(summary)
    rows = [(month_text(m.month), f"{m.new_customers:,}", f"{m.purchases:,}",
             format_cents(m.revenue_cents)) for m in reversed(months)]
    rows.append((tr("Total"), f"{growth.new_customers:,}", f"{growth.purchases:,}",
                 format_cents(growth.revenue_cents)))
    model.set_rows(
        rows, [tr("Month"), tr("New customers"), tr("Purchases"),
               tr("Revenue")], (1, 2, 3), bold_last=True)


def show_sources(card: ChartCard, model: FiguresModel, insights: Insights) -> None:
    sources = insights.sources
    total = sources.new_customers
    not_noted = tr("Not noted")
    card.set_chart(pie_chart([(s.source or not_noted, s.customers)
                              for s in sources.sources]))
    card.set_summary(tr("{0} new customers · {1} of them name the customer who "
                        "referred them").format(f"{total:,}",
                                                f"{sources.referred:,}"))
    rows = [(s.source or not_noted, f"{s.customers:,}", percent(s.customers, total),
             f"{s.referred:,}") for s in sources.sources]
    rows.append((tr("Total"), f"{total:,}", percent(total, total),
                 f"{sources.referred:,}"))
    model.set_rows(
        rows, [tr("Source"), tr("Customers"), tr("Share"),
               tr("Referred")], (1, 2, 3), bold_last=True,
        colors=source_colors(card, insights))


def source_colors(card: ChartCard, insights: Insights | None) -> list[QColor]:
    """Each source row marked in its slice's colour (the sources past the pie's last
    slice share the "Other" slice's)."""
    colors = slice_colors(card.chart())
    if insights is None or not colors:
        return []
    count = len(insights.sources.sources)
    return [colors[min(row, len(colors) - 1)] for row in range(count)]


def show_concerns(card: ChartCard, model: FiguresModel, insights: Insights) -> None:
    concerns = insights.concerns
    months = concerns.months
    # A month with none due has no bar (and no label) rather than a share of 0 %; the
    # table beside gives the counts behind each share.
    card.set_chart(bar_chart(
        month_names([m.month for m in months]), [(tr("Answered in time (%)"),
                 [round(100 * m.share) if m.share is not None else 0 for m in months])],
        labels_format="@value%", value_max=118, tick=20, axis_format="%.0f%%"))
    card.set_summary(tr("{0} answered within one business day ({1} of {2} whose "
                        "answer is due) · {3} received").format(
        percent(concerns.answered_in_time, concerns.decided),
        f"{concerns.answered_in_time:,}", f"{concerns.decided:,}",
        f"{concerns.received:,}"))
    rows = [(month_text(m.month), f"{m.answered_in_time:,}", f"{m.decided:,}",
             percent(m.answered_in_time, m.decided)) for m in reversed(months)]
    rows.append((tr("Total"), f"{concerns.answered_in_time:,}",
                 f"{concerns.decided:,}",
                 percent(concerns.answered_in_time, concerns.decided)))
    model.set_rows(
        rows, [tr("Month"), tr("In time"), tr("Due"), tr("Share")],
        (1, 2, 3), bold_last=True)


def show_gestures(card: ChartCard, model: FiguresModel, insights: Insights) -> None:
    gestures = insights.gestures
    months = gestures.months
    chart = bar_chart(
        month_names([m.month for m in months]),
        [(tr("Spent on gestures"), [money_units(m.cost_cents) for m in months]),
         (tr("Purchases that followed"),
          [money_units(m.purchase_cents) for m in months])],
        show_labels=False)
    add_line(chart, tr("Referrals that followed"), [m.referrals for m in months])
    card.set_chart(chart)
    card.set_summary(tr(
        "{0} gestures cost {1} · within {2} days after them: {3} purchases worth {4} and "
        "{5} referrals (recent months are still counting)").format(
        f"{gestures.given:,}", format_cents(gestures.cost_cents), gestures.window_days,
        f"{gestures.purchases:,}", format_cents(gestures.purchase_cents),
        f"{gestures.referrals:,}"))
    rows = [(month_text(m.month), f"{m.given:,}", format_cents(m.cost_cents),
             f"{m.purchases:,}", format_cents(m.purchase_cents), f"{m.referrals:,}")
            for m in reversed(months)]
    rows.append((tr("Total"), f"{gestures.given:,}", format_cents(gestures.cost_cents),
                 f"{gestures.purchases:,}", format_cents(gestures.purchase_cents),
                 f"{gestures.referrals:,}"))
    model.set_rows(
        rows, [tr("Month"), tr("Gestures"), tr("Spent"),
               tr("Purchases after"), tr("Worth"), tr("Referrals")],
        (1, 2, 3, 4, 5), bold_last=True)


def show_best(card: ChartCard, model: BestCustomersModel, insights: Insights) -> None:
    best = insights.best
    top = best.customers[:TOP_IN_CHART]
    card.set_chart(bar_chart(
        [c.name for c in top],
        [(tr("Recency"), [c.recency for c in top]),
         (tr("Frequency"), [c.frequency for c in top]),
         (tr("Money"), [c.monetary for c in top])],
        horizontal=True, stacked=True, value_max=15, tick=5))
    if best.customers:
        card.set_summary(tr(
            "Score = recency + frequency + money, each 1–5 by fifths of the {0} customers "
            "who bought in the period · {1} of these {2} received a gesture in the "
            "period").format(f"{best.scored:,}", best.with_gesture, len(best.customers)))
    else:
        card.set_summary(tr("No purchases in this period."))
    model.set_customers(best.customers)
