"""Snapshots of customers and everything recorded about them, so a delete can be undone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, select, update

from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Concern,
    Customer,
    CustomerTag,
    Feedback,
    FollowUp,
    Gesture,
    Interaction,
    StageChange,
)

# Parents before children, so foreign keys hold while rows go back in.
_CHILD_TABLES: tuple[Table, ...] = tuple(
    model.__table__ for model in (  # type: ignore[misc]
        CustomerTag, StageChange, Interaction, Gesture, Concern, Feedback, FollowUp))


@dataclass(frozen=True, slots=True)
class CustomerSnapshot:
    """Every row of some customers, as plain values, plus who they had referred."""

    customers: tuple[dict[str, Any], ...]
    children: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]
    referrals: tuple[tuple[int, int], ...]  # (referred customer id, referrer id)

    @property
    def customer_ids(self) -> tuple[int, ...]:
        return tuple(int(row["id"]) for row in self.customers)


class SnapshotService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def take(self, customer_ids: Sequence[int]) -> CustomerSnapshot:
        ids = list(customer_ids)
        customer_table: Table = Customer.__table__  # type: ignore[assignment]
        with self.db.read() as session:
            customers = tuple(dict(row._mapping) for row in session.execute(
                select(customer_table).where(customer_table.c.id.in_(ids))))
            children = tuple(
                (table.name, tuple(dict(row._mapping) for row in session.execute(
                    select(table).where(table.c.customer_id.in_(ids)))))
                for table in _CHILD_TABLES)
            referrals = tuple(
                (cid, ref) for cid, ref in session.execute(
                    select(Customer.id, Customer.referred_by_id)
                    .where(Customer.referred_by_id.in_(ids), Customer.id.not_in(ids)))
                if ref is not None)
        return CustomerSnapshot(customers, children, referrals)

    def restore(self, snapshot: CustomerSnapshot) -> None:
        """Put every row back with its original id, in one transaction."""
        tables = {table.name: table for table in _CHILD_TABLES}
        customer_table: Table = Customer.__table__  # type: ignore[assignment]
        with self.db.unit_of_work() as session:
            if snapshot.customers:
                # Referrers among the restored come back first; the self-reference is re-set
                # after every row is in.
                session.execute(insert(customer_table),
                                [dict(row, referred_by_id=None) for row in snapshot.customers])
                for row in snapshot.customers:
                    if row["referred_by_id"] is not None:
                        session.execute(update(customer_table)
                                        .where(customer_table.c.id == row["id"])
                                        .values(referred_by_id=row["referred_by_id"]))
            for name, rows in snapshot.children:
                if rows:
                    session.execute(insert(tables[name]), list(rows))
            for cid, referrer in snapshot.referrals:
                session.execute(update(customer_table).where(customer_table.c.id == cid)
                                .values(referred_by_id=referrer))
