"""The best customers of the period by a recency / frequency / money (RFM) score."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.records.insights import BestCustomer, BestCustomerFigures, PeriodRange
from smallbiz_crm.services.insights_purchases import PURCHASES
from smallbiz_crm.services.insights_sql import bounds

_CUSTOMERS = "insights_customer"  # a temporary table: each scored customer's three values
# More than any count or amount of cents: a cut no value reaches.
_NEVER = 2**62


def best_in(session: Session, rng: PeriodRange, limit: int) -> BestCustomerFigures:
    """The best customers by a recency / frequency / money (RFM) score.

    Who is scored: customers, not archived, with at least one purchase in the period
    ("all time": ever). For each of them, over their purchases in the period:
      recency   = the day of their last purchase (later is better),
      frequency = how many purchases they made,
      money     = what those purchases came to (a purchase without an amount counts 0).
    Each part becomes a score of 1–5 by fifths (quintiles) of the N scored customers:
      part = 1 + floor(5 × (customers with a strictly lower value) / N)
    so ties share a score, the best fifth gets 5, and a lone customer gets 1 on each part
    (there is nobody to be better than). score = R + F + M, 3–15.
    The best come first: highest score, then most money, then the latest purchase, then
    the most purchases, then the customer added first.
    """
    params: dict[str, Any] = {**bounds(rng), "limit": limit}
    session.execute(text(f"DROP TABLE IF EXISTS temp.{_CUSTOMERS}"))
    # Archived customers are dropped after grouping: fewer rows to check.
    session.execute(text(
        f"CREATE TEMP TABLE {_CUSTOMERS} AS SELECT * FROM ("
        "SELECT customer_id, max(day) AS last_day, count(*) AS purchases, "
        f"sum(amount) AS money FROM {PURCHASES} WHERE day < :end GROUP BY customer_id) "
        "WHERE customer_id NOT IN (SELECT id FROM customer WHERE archived = 1)"), params)
    scored = int(session.execute(text(f"SELECT count(*) FROM {_CUSTOMERS}")).scalar_one())
    if not scored:
        return BestCustomerFigures(customers=(), scored=0)
    # part = 1 + floor(5·below/N) = 1 + the number of k in 1..4 with 5·below >= k·N.
    # As `below` grows with the value, that is 1 + the number of cuts c_k the value
    # reaches, c_k being the lowest value with 5·below >= k·N. The cuts come from each
    # part's histogram (a GROUP BY, cheap), so no customer is ranked by a window
    # function: three of those over every customer took most of the time.
    cuts: dict[str, Any] = {"n": scored}
    for part in ("last_day", "purchases", "money"):
        picks = ", ".join(f"min(CASE WHEN 5 * below >= {k} * :n THEN value END)"
                          for k in range(1, 5))
        found = session.execute(text(
            f"SELECT {picks} FROM ("
            "SELECT value, sum(customers) OVER (ORDER BY value) - customers AS below "
            f"FROM (SELECT {part} AS value, count(*) AS customers FROM {_CUSTOMERS} "
            f"GROUP BY {part}))"), cuts).one()
        for k, cut in enumerate(found, start=1):
            # No value reaches a missing cut ("~" sorts after every date).
            cuts[f"{part}_{k}"] = cut if cut is not None else (
                "~" if part == "last_day" else _NEVER)
    reached = {part: " + ".join(f"({part} >= :{part}_{k})" for k in range(1, 5))
               for part in ("last_day", "purchases", "money")}
    # Names and gestures are looked up for the chosen few only.
    sql = f"""
        WITH scored AS (
            SELECT customer_id, last_day, purchases, money,
                   1 + {reached["last_day"]} AS r, 1 + {reached["purchases"]} AS f,
                   1 + {reached["money"]} AS m
            FROM {_CUSTOMERS}),
        top AS (
            SELECT * FROM scored
            ORDER BY r + f + m DESC, money DESC, last_day DESC, purchases DESC, customer_id
            LIMIT :limit)
        SELECT t.customer_id, c.name, t.last_day, t.purchases, t.money, t.r, t.f, t.m,
               EXISTS (SELECT 1 FROM gesture g WHERE g.customer_id = t.customer_id
                       AND g.given_on >= :start AND g.given_on < :end)
        FROM top t JOIN customer c ON c.id = t.customer_id
        ORDER BY t.r + t.f + t.m DESC, t.money DESC, t.last_day DESC, t.purchases DESC,
                 t.customer_id"""
    rows = session.execute(text(sql), {**params, **cuts}).all()
    best = tuple(BestCustomer(customer_id=int(row[0]), name=str(row[1]),
                              last_purchase=date.fromisoformat(str(row[2])),
                              purchases=int(row[3]), money_cents=int(row[4]),
                              recency=int(row[5]), frequency=int(row[6]),
                              monetary=int(row[7]), received_gesture=bool(row[8]))
                 for row in rows)
    return BestCustomerFigures(customers=best, scored=scored)
