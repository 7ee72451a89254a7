"""Which gestures a filter picks, as SQL: the FROM and WHERE clauses the gesture queries share."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from smallbiz_crm.domain.records.gestures import GestureFilter
from smallbiz_crm.domain.search import fts_query

WITH_CUSTOMER = "gesture g JOIN customer c ON c.id = g.customer_id"


def filter_sql(flt: GestureFilter) -> tuple[str, str, dict[str, Any]] | None:
    """FROM and WHERE clauses for the filter (gesture g, and customer c only when the filter
    needs it: 300,000 lookups cost a second); None when nothing can match."""
    where = ["1 = 1"]
    params: dict[str, Any] = {}
    if flt.kind:
        where.append("g.kind = :kind")
        params["kind"] = flt.kind
    # Dates as ISO text, the form SQLAlchemy stores them in (and no sqlite3 date adapter).
    if flt.date_from is not None:
        where.append("g.given_on >= :date_from")
        params["date_from"] = flt.date_from.isoformat()
    if flt.date_to is not None:
        where.append("g.given_on <= :date_to")
        params["date_to"] = flt.date_to.isoformat()
    if flt.customer_id is not None:
        where.append("g.customer_id = :customer_id")
        params["customer_id"] = flt.customer_id
    if flt.stage_id is not None:
        where.append("c.stage_id = :stage_id")
        params["stage_id"] = flt.stage_id
    if flt.text.strip():
        match = fts_query(flt.text)
        if match is None:
            return None
        where.append("c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q)")
        params["q"] = match
    source = WITH_CUSTOMER if flt.stage_id is not None or "q" in params else "gesture g"
    return source, " AND ".join(where), params


def picked_cte(source: Sequence[int] | GestureFilter) -> tuple[str, dict[str, Any]] | None:
    """`WITH picked AS (...)`: the gestures to look at, by id list or by filter."""
    if isinstance(source, GestureFilter):
        found = filter_sql(source)
        if found is None:
            return None
        tables, where, params = found
        return ("WITH picked AS (SELECT g.id, g.customer_id, g.kind, g.given_on, g.cost_cents "
                f"FROM {tables} WHERE {where})"), params
    ids = sorted({int(gid) for gid in source})
    if not ids:
        return None
    return ("WITH picked AS (SELECT g.id, g.customer_id, g.kind, g.given_on, g.cost_cents "
            "FROM gesture g WHERE g.id IN (SELECT value FROM json_each(:ids)))"), {
                "ids": json.dumps(ids)}
