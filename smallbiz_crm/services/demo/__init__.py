"""Realistic sample data for every table, dated around today, written fast in committed chunks."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import update

from smallbiz_crm.domain.records.sample_data import DemoSummary
from smallbiz_crm.services.demo.customers import chunk
from smallbiz_crm.services.demo.draft import Draft
from smallbiz_crm.services.demo.gestures import plan_events
from smallbiz_crm.services.demo.shop import set_up
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.errors import DiskFullError, is_disk_full
from smallbiz_crm.store.models import ImportBatch

# 2,000 customers (~20 rows each) per transaction: a kill mid-run loses at most one chunk,
# and each commit is big enough that the fsync of synchronous=FULL does not dominate.
CHUNK_SIZE = 2_000


def fill_demo(db: Database, customers: int = 300, seed: int = 1, today: date | None = None,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> DemoSummary:
    """Add `customers` sample customers with a life story each, plus the shop's shared rows.

    Adds to what is there, never removes. Each chunk of customers is committed together with
    every row about them, so stopping (cancelled() or a killed process) keeps what was done.
    The same seed and today give the same data. A disk that fills up midway raises
    DiskFullError saying how many customers were saved (the chunks committed before it).
    """
    if customers < 0:
        raise ValueError("The number of sample customers cannot be negative.")
    day = today or date.today()
    done = 0
    stopped = False
    try:
        with db.unit_of_work() as session:
            reference, added = set_up(session.connection(), day)
        counts = dict.fromkeys(("customers", "customer_tags", "stage_changes", "interactions",
                                "gestures", "concerns", "follow_ups", "feedback"), 0)
        draft = Draft(random.Random(seed), day, customers, reference)
        # The shop's events are drawn once, before any customer: every chunk invites to the
        # same.
        events = plan_events(draft)
        while done < customers:
            if cancelled is not None and cancelled():
                stopped = True
                break
            size = min(CHUNK_SIZE, customers - done)
            with db.unit_of_work() as session:
                conn = session.connection()
                rows = chunk(draft, events, conn, done, size)
                rows.write(conn)
                if rows.imported:
                    # Counted per chunk, in its transaction, so the batch always matches its
                    # rows.
                    batch = ImportBatch.id == reference.import_batch_id
                    conn.execute(update(ImportBatch).where(batch)
                                 .values(row_count=ImportBatch.row_count + rows.imported))
            for name, table in (("customers", rows.customer),
                                ("customer_tags", rows.customer_tag),
                                ("stage_changes", rows.stage_change),
                                ("interactions", rows.interaction), ("gestures", rows.gesture),
                                ("concerns", rows.concern), ("follow_ups", rows.follow_up),
                                ("feedback", rows.feedback)):
                counts[name] += len(table)
            done += size
            if progress is not None:
                progress(done, customers)
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        raise DiskFullError(
            f"The disk is full: {done:,} of {customers:,} sample customers were saved; free "
            "some space before adding more.") from exc
    return DemoSummary(**counts, **added, cancelled=stopped)
