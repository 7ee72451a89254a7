"""New customers and purchase revenue per month, and where the new customers came from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import text

from smallbiz_crm.domain.records.insights import (
    GrowthFigures,
    GrowthMonth,
    PeriodRange,
    SourceCount,
    SourceFigures,
)
from smallbiz_crm.services.insights_sql import bounds
from smallbiz_crm.store.engine import Database

Added = tuple[str, str, bool, int, int]  # (month, source, imported, customers, referred)


def customers_added(db: Database, rng: PeriodRange) -> list[Added]:
    """(month, source, imported, customers, of them referred) of customers added in the
    period: one query for both the growth and the sources figures."""
    sql = ("SELECT substr(created_at, 1, 7) AS month, trim(source) AS src, "
           "import_batch_id IS NOT NULL AS imported, count(*), "
           "sum(referred_by_id IS NOT NULL) "
           "FROM customer WHERE created_at >= :start AND created_at < :end "
           "GROUP BY month, src, imported")
    with db.read() as session:
        return [(str(m), str(s), bool(i), int(n), int(r)) for m, s, i, n, r in
                session.execute(text(sql), bounds(rng))]


def growth_figures(rng: PeriodRange, added: Sequence[Added],
                   revenue: dict[str, tuple[int, int]]) -> GrowthFigures:
    new: dict[str, int] = {}
    imported: dict[str, int] = {}
    for key, _source, was_imported, count, _referred in added:
        target = imported if was_imported else new
        target[key] = target.get(key, 0) + count
    months = []
    for month in rng.months:
        key = f"{month:%Y-%m}"
        purchases, cents = revenue.get(key, (0, 0))
        months.append(GrowthMonth(month=month, new_customers=new.get(key, 0),
                                  imported=imported.get(key, 0), purchases=purchases,
                                  revenue_cents=cents))
    return GrowthFigures(months=tuple(months),
                         new_customers=sum(m.new_customers for m in months),
                         imported=sum(m.imported for m in months),
                         purchases=sum(m.purchases for m in months),
                         revenue_cents=sum(m.revenue_cents for m in months))


def source_figures(added: Sequence[Added]) -> SourceFigures:
    merged: dict[str, list[int]] = {}
    spellings: dict[str, Counter[str]] = {}
    for _month, source, was_imported, count, referred in added:
        if was_imported:
            continue
        # Sources are typed freely: "Walk-in" and "walk-in" are one source, shown as most
        # of its customers have it (on a tie, the spelling that sorts first).
        key = source.casefold()
        spellings.setdefault(key, Counter())[source] += count
        totals = merged.setdefault(key, [0, 0])
        totals[0] += count
        totals[1] += referred
    names = {key: min(found, key=lambda spelling: (-found[spelling], spelling))
             for key, found in spellings.items()}
    rows = tuple(sorted((SourceCount(source=names[key], customers=n, referred=r)
                         for key, (n, r) in merged.items()),
                        key=lambda row: (-row.customers, row.source == "",
                                         row.source.casefold())))
    return SourceFigures(sources=rows, new_customers=sum(r.customers for r in rows),
                         referred=sum(r.referred for r in rows))
