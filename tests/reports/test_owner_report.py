"""The owner's report PDF from hand-built insight records, read back with pypdf: every figure
printed, typed names printed as typed, empty periods and the paper size handled, and reports/
left free of Qt and services."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime

from pypdf import PdfReader

from smallbiz_crm.domain.records.concerns import MonthShare
from smallbiz_crm.reports.owner_report import (
    month_label,
    period_text,
    share_text,
    write_owner_report,
)
from smallbiz_crm.services.insights import (
    BestCustomer,
    BestCustomerFigures,
    ConcernFigures,
    GestureFigures,
    GestureMonth,
    GrowthFigures,
    GrowthMonth,
    Insights,
    JourneyFigures,
    Period,
    PeriodRange,
    SourceCount,
    SourceFigures,
    StageFigure,
    TouchFigures,
    TouchStage,
)

SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
RANGE = PeriodRange(period=Period.LAST_3_MONTHS, start=SEP, end=date(2026, 12, 1),
                    today=date(2026, 11, 20), months=(SEP, OCT, NOV))
STAGE_NAMES = ("Prospect", "First purchase", "Repeat", "Loyal", "Advocate", "Lapsed")


def insights(best: tuple[BestCustomer, ...] | None = None,
             sources: tuple[SourceCount, ...] | None = None) -> Insights:
    """A small shop's three months, each figure set by hand; the totals add up."""
    stage_counts = (3, 1, 2, 1, 0, 1)
    journey = JourneyFigures(
        stages=tuple(StageFigure(i + 1, name, i, name == "Lapsed", count, up, down)
                     for i, (name, count, up, down) in enumerate(zip(
                         STAGE_NAMES, stage_counts, (0, 1, 3, 1, 0, 0), (0, 1, 0, 0, 0, 1),
                         strict=True))),
        customers=8, moved_up=5, moved_down=2)
    concerns = ConcernFigures(
        months=(MonthShare(SEP, 1, 0, 0, 1, 1.0), MonthShare(OCT, 0, 1, 0, 1, 0.0),
                MonthShare(NOV, 1, 0, 1, 3, 0.5)),
        answered_in_time=2, decided=4, received=5)
    if best is None:
        best = (BestCustomer(1, "Ada Lovelace", date(2026, 11, 18), 3, 17000, 3, 4, 3, True),
                BestCustomer(3, "Tom <Jerry> & Co", date(2026, 10, 5), 1, 20000, 2, 1, 4,
                             False))
    gestures = GestureFigures(
        months=(GestureMonth(SEP, 2, 1600, 3, 17000, 1), GestureMonth(OCT, 1, 200, 0, 0, 0),
                GestureMonth(NOV, 1, 500, 1, 0, 0)),
        window_days=90, given=4, cost_cents=2300, purchases=4, purchase_cents=17000,
        referrals=1)
    touch = TouchFigures(
        stages=tuple(TouchStage(i + 1, name, i, name == "Lapsed", rhythm, count, losing,
                                lapsed)
                     for i, (name, rhythm, count, losing, lapsed) in enumerate(zip(
                         STAGE_NAMES, (21, 30, 45, 60, 45, 120), stage_counts,
                         (1, 1, 1, 0, 0, 1), (0, 0, 0, 1, 0, 0), strict=True))),
        losing_touch=4, lapsed_now=1, lapsed_in_period=1)
    growth = GrowthFigures(
        months=(GrowthMonth(SEP, 1, 1, 2, 13000), GrowthMonth(OCT, 2, 0, 3, 28000),
                GrowthMonth(NOV, 2, 0, 3, 52000)),
        new_customers=5, imported=1, purchases=8, revenue_cents=93000)
    if sources is None:
        sources = (SourceCount("Instagram", 2, 0), SourceCount("Walk-in", 2, 0),
                   SourceCount("Référence · 紹介", 1, 1))
    return Insights(range=RANGE, journey=journey, concerns=concerns,
                    best=BestCustomerFigures(customers=best, scored=4), gestures=gestures,
                    touch=touch, growth=growth,
                    sources=SourceFigures(sources=sources,
                                          new_customers=sum(s.customers for s in sources),
                                          referred=sum(s.referred for s in sources)),
                    computed_at=datetime(2026, 11, 20, 10, 0), seconds=0.1)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def render(figures: Insights, shop: str = "Corner Bookshop & Café",
           paper: str = "A4") -> bytes:
    buffer = io.BytesIO()
    write_owner_report(figures, buffer, shop, paper)
    return buffer.getvalue()


def test_every_figure_is_printed() -> None:
    data = render(insights())
    assert data.startswith(b"%PDF")
    text = text_of(data)
    assert "Owner's report" in text and "Corner Bookshop & Café" in text
    assert "Last 3 months: 1 September 2026 – 20 November 2026" in text
    # Journey: 8 customers, 5 moves up, 2 down.
    assert "8 customers today" in text and "5 moves up the journey and 2 moves down" in text
    # Growth: 5 new, 8 purchases worth 930.00 (130.00 + 280.00 + 520.00), 1 imported apart.
    assert "5 new customers and 8 purchases worth 930.00" in text
    for amount in ("130.00", "280.00", "520.00", "930.00"):
        assert amount in text
    assert "1 customer brought in by an import" in text
    # Sources, with shares of 5: 2 → 40%, 1 → 20%.
    assert "Instagram" in text and "40%" in text and "20%" in text
    assert "1 of them names the customer who referred them" in text
    # Concerns: 2 of 4 in time = 50%, per month 100%, 0%, 50%.
    assert "50% (2 of 4)" in text and "5 concerns received" in text
    # Gestures: 4 cost 23.00, then 4 purchases worth 170.00 and 1 referral.
    assert "4 gestures cost 23.00" in text
    assert "4 purchases worth 170.00 and 1 referral" in text
    # Losing touch: 4 today, 1 lapsed now, 1 lapsed in the period.
    assert "4 customers are past their stage's contact rhythm" in text
    assert "120 days" in text
    # Best customers, with the parts of their score and who got a gesture.
    assert "Ada Lovelace" in text and "170.00" in text and "18 Nov 2026" in text
    assert "1 of these 2 received a gesture" in text


def test_typed_names_print_as_typed() -> None:
    text = text_of(render(insights(), shop="Tom & Jerry's <Shop>"))
    assert "Tom <Jerry> & Co" in text  # markup characters escaped, not swallowed
    assert "Tom & Jerry's <Shop>" in text
    assert "Référence" in text


def test_an_empty_period() -> None:
    figures = insights(best=(), sources=())
    text = text_of(render(figures))
    assert "No purchases in this period." in text
    assert "No new customers in this period." in text


def test_paper_size_and_many_months() -> None:
    letter = PdfReader(io.BytesIO(render(insights(), paper="Letter"))).pages[0]
    assert round(float(letter.mediabox.width)) == 612  # 8.5 in
    # Two years of months: labels turn upright and the bars lose their labels, still fine.
    months = tuple(date(2025 + (m // 12), m % 12 + 1, 1) for m in range(0, 24))
    many = insights()
    long_range = PeriodRange(Period.ALL, months[0], date(2027, 1, 1), date(2026, 11, 20), months)
    growth = GrowthFigures(tuple(GrowthMonth(m, 1, 0, 2, 1000) for m in months), 24, 0, 48,
                           24000)
    text = text_of(render(replace(many, range=long_range, growth=growth)))
    assert "All time: 1 January 2025" in text and "240.00" in text


def test_helpers() -> None:
    assert share_text(2, 4) == "50% (2 of 4)" and share_text(0, 0) == "–"
    assert month_label(date(2026, 9, 1)) == "Sep 2026"
    assert period_text(RANGE) == "Last 3 months: 1 September 2026 – 20 November 2026"


def test_reports_import_neither_qt_nor_services() -> None:
    code = ("import sys; import smallbiz_crm.reports.owner_report; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'sqlalchemy', "
            "'smallbiz_crm.services'))]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
