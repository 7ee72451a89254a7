"""Gesture spend per month beside what followed the gestures given that month."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.records.insights import GestureFigures, GestureMonth, PeriodRange
from smallbiz_crm.services.insights_purchases import PURCHASES
from smallbiz_crm.services.insights_sql import bounds

_GIVEN = "insights_given"  # a temporary table: gestures per customer and month


def gestures_in(session: Session, rng: PeriodRange, window_days: int) -> GestureFigures:
    """Gesture spend per month beside what followed the gestures given that month.

    Spend: how many gestures were given in the month and what they cost, as
    GestureService.totals sums them. What followed, by GestureService.what_followed's
    rules: the customer's purchases, and the customers they referred (added), after the
    gesture day and within `window_days` days of it. Each purchase or referral counts
    once per month however many of that month's gestures it followed (as
    followed_by_kind counts once per kind); one that followed gestures given in two
    months counts in both. Recent months are still counting: their window is not over.
    """
    if window_days < 31:
        # Below a month, one month's windows could leave gaps between them, and the
        # single interval per customer and month below would count too much.
        raise ValueError("The what-followed window must be at least 31 days.")
    params: dict[str, Any] = {**bounds(rng), "upper": f"+{window_days + 1} days"}
    # One row per customer and month. A customer's gestures of one month lie within 31
    # days of each other, closer than the window is long, so the days that follow any
    # of them form one interval: after the month's first gesture day, up to the window
    # after its last. Joining purchases to that interval counts each purchase once per
    # month, with no DISTINCT over every (gesture, purchase) pair.
    session.execute(text(f"DROP TABLE IF EXISTS temp.{_GIVEN}"))
    session.execute(text(
        f"CREATE TEMP TABLE {_GIVEN} AS "
        "SELECT customer_id, substr(given_on, 1, 7) AS month, "
        "min(given_on) AS first_day, max(given_on) AS last_day, "
        "count(*) AS given, coalesce(sum(cost_cents), 0) AS cost "
        "FROM gesture NOT INDEXED WHERE +given_on >= :start AND +given_on < :end "
        "GROUP BY customer_id, month"), params)
    # A purchase on day D follows a gesture on day G when G < D <= G + window.
    sql = f"""
        SELECT 'spend', month, sum(given), sum(cost) FROM {_GIVEN} GROUP BY month
        UNION ALL
        SELECT 'purchases', g.month, count(*), sum(p.amount)
        FROM {_GIVEN} g JOIN {PURCHASES} p ON p.customer_id = g.customer_id
             AND p.day > g.first_day AND p.day < date(g.last_day, :upper)
        GROUP BY g.month
        UNION ALL
        SELECT 'referrals', g.month, count(*), 0
        FROM {_GIVEN} g JOIN customer r ON r.referred_by_id = g.customer_id
             AND r.created_at >= date(g.first_day, '+1 day')
             AND r.created_at < date(g.last_day, :upper)
        GROUP BY g.month"""
    found = {(str(figure), str(month)): (int(count), int(cents))
             for figure, month, count, cents in session.execute(text(sql), params)}
    months = []
    for month in rng.months:
        key = f"{month:%Y-%m}"
        given, cost = found.get(("spend", key), (0, 0))
        purchases, purchase_cents = found.get(("purchases", key), (0, 0))
        months.append(GestureMonth(month=month, given=given, cost_cents=cost,
                                   purchases=purchases, purchase_cents=purchase_cents,
                                   referrals=found.get(("referrals", key), (0, 0))[0]))
    return GestureFigures(months=tuple(months), window_days=window_days,
                          given=sum(m.given for m in months),
                          cost_cents=sum(m.cost_cents for m in months),
                          purchases=sum(m.purchases for m in months),
                          purchase_cents=sum(m.purchase_cents for m in months),
                          referrals=sum(m.referrals for m in months))
