"""Report benchmark: a relationship summary of a customer with 500 interactions (target
≤ 0.3 s) and a 1,000-item follow-up checklist (target ≤ 3 s), written to PDF files.

Prints figures; asserts nothing. Usage:
    python tests/benchmarks/bench_reports.py [--items 1000] [--interactions 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import insert, select

from smallbiz_crm.services.printing import write_checklist, write_summary
from smallbiz_crm.services.relationship_summary import RECENT_INTERACTIONS, summary_data
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Concern,
    Customer,
    Feedback,
    FollowUp,
    Gesture,
    Interaction,
    JourneyStage,
    Persona,
    StageChange,
)
from smallbiz_crm.store.opening import open_database

NOW = datetime(2026, 11, 20, 10, 0)
TODAY = NOW.date()
PHRASES = ("asked about the new novels", "bought a gift card", "loved the reading evening",
           "wants the next book in the series", "said the café was full", "brought a friend",
           "ordered three copies for the book club", "returned a damaged copy", "Zoë", "Ольга")


def clock() -> datetime:
    return NOW


def sentence(rng: random.Random, words: int = 12) -> str:
    """About `words` words of plausible notes."""
    return ", ".join(rng.choice(PHRASES) for _ in range(max(1, words // 3))).capitalize() + "."


def fill(db: Database, items: int, interactions: int, rng: random.Random) -> int:
    """One much-visited customer, and `items` customers with an open follow-up each."""
    with db.unit_of_work() as session:
        stage = session.scalar(select(JourneyStage.id).order_by(JourneyStage.position))
        persona = session.scalar(select(Persona.id).order_by(Persona.id))
        star = Customer(name="Margaret Oduya", company="Oduya Interiors", phone="+1 202-555-0100",
                        email="margaret@example.com", address="14 Elm Street", stage_id=stage,
                        persona_id=persona, notes=sentence(rng, 60), created_at=NOW,
                        updated_at=NOW)
        session.add(star)
        session.flush()
        cid = star.id
        conn = session.connection()
        conn.execute(insert(Interaction), [
            {"customer_id": cid, "kind": rng.choice(("call", "visit", "purchase", "email")),
             "occurred_at": NOW - timedelta(hours=17 * i), "summary": sentence(rng),
             "sentiment": rng.choice((None, "happy", "neutral")),
             "amount_cents": rng.choice((None, 1250, 4999)), "created_at": NOW, "version": 1}
            for i in range(interactions)])
        conn.execute(insert(Gesture), [
            {"customer_id": cid, "kind": "gift", "given_on": TODAY - timedelta(days=20 * i),
             "description": sentence(rng, 5), "cost_cents": 500 + i, "occasion": "Birthday",
             "outcome": sentence(rng, 6), "created_at": NOW, "version": 1} for i in range(25)])
        conn.execute(insert(StageChange), [
            {"customer_id": cid, "from_stage_name": "Prospect", "to_stage_name": "Repeat",
             "changed_at": NOW - timedelta(days=30 * i), "reason": "purchase"}
            for i in range(8)])
        conn.execute(insert(Feedback), [
            {"customer_id": cid, "kind": "idea", "text": sentence(rng), "status": "planned",
             "received_on": TODAY - timedelta(days=9 * i), "version": 1} for i in range(10)])
        conn.execute(insert(Concern), [
            {"customer_id": cid, "kind": "question", "channel": "phone",
             "received_at": NOW - timedelta(days=i), "summary": sentence(rng),
             "response_due_at": NOW + timedelta(days=1 - i), "version": 1} for i in range(3)])
        others = [Customer(name=f"Customer {i:05d}", phone=f"+1 202-555-{i % 10_000:04d}",
                           stage_id=stage, persona_id=persona, created_at=NOW, updated_at=NOW)
                  for i in range(items)]
        session.add_all(others)
        session.flush()
        conn.execute(insert(FollowUp), [
            {"customer_id": c.id, "due_on": TODAY + timedelta(days=rng.randrange(-5, 7)),
             "reason": sentence(rng, 8), "kind": rng.choice(("call", "visit", "thank_you")),
             "status": "open", "created_at": NOW, "version": 1, "snooze_count": 0,
             "source": "manual"} for c in others])
        conn.execute(insert(Interaction), [
            {"customer_id": c.id, "kind": "visit", "occurred_at": NOW - timedelta(days=3),
             "summary": sentence(rng, 9), "created_at": NOW, "version": 1} for c in others])
        conn.execute(insert(Concern), [
            {"customer_id": c.id, "kind": "complaint", "channel": "email",
             "received_at": NOW - timedelta(days=1), "summary": sentence(rng, 7),
             "response_due_at": NOW + timedelta(days=1), "version": 1}
            for c in others[::7]])
    return cid


def timed(runs: int, work: object) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--interactions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        db = open_database(here / "bench.db")
        try:
            cid = fill(db, args.items, args.interactions, rng)
            out = here / "out.pdf"
            first = timed(1, lambda: write_summary(db, cid, out, clock))[0]
            summary = timed(args.runs, lambda: write_summary(db, cid, out, clock))
            query = timed(args.runs, lambda: summary_data(db, cid, clock))
            pages = out.read_bytes().count(b"/Type /Page\n")
            everything = timed(3, lambda: write_summary_all(db, cid, out, args.interactions))
            checklist = timed(max(3, args.runs // 2),
                              lambda: write_checklist(db, None, None, out, clock=clock))
            checklist_pages = out.read_bytes().count(b"/Type /Page\n")
        finally:
            db.close()
    print(f"summary, customer with {args.interactions} interactions "
          f"(the latest {RECENT_INTERACTIONS} listed, {pages} pages):")
    print(f"  median {statistics.median(summary):.3f} s, best {min(summary):.3f} s "
          f"(target ≤ 0.3 s); of which reading the database {statistics.median(query):.3f} s")
    print(f"  first in a process (imports ReportLab, registers fonts): {first:.3f} s")
    print(f"  all {args.interactions} interactions listed: median "
          f"{statistics.median(everything):.3f} s")
    print(f"checklist, {args.items} items ({checklist_pages} pages): median "
          f"{statistics.median(checklist):.3f} s, best {min(checklist):.3f} s (target ≤ 3 s)")


def write_summary_all(db: Database, cid: int, out: Path, limit: int) -> None:
    from smallbiz_crm.reports.summary import write_summary as render

    with open(out, "wb") as handle:
        render(summary_data(db, cid, clock, interaction_limit=limit), handle)


if __name__ == "__main__":
    main()
