"""What filling the database with sample data added, table by table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """How many rows fill_demo added to each table (settings: keys written)."""

    customers: int = 0
    tags: int = 0
    customer_tags: int = 0
    stage_changes: int = 0
    interactions: int = 0
    gestures: int = 0
    concerns: int = 0
    follow_ups: int = 0
    products: int = 0
    feedback: int = 0
    closure_days: int = 0
    import_batches: int = 0
    erasure_notes: int = 0
    settings: int = 0
    cancelled: bool = False
