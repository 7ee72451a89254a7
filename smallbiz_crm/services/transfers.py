"""Files in and out, bound to one open database: exports (CSV, vCard, JSON, calendar) and
imports (plan, apply, undo), for the window and the command line through Services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from smallbiz_crm.services.calendar_export import export_ics
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.exporting import export_csv, export_json, export_vcard
from smallbiz_crm.services.import_reading import (
    ImportBatchRecord,
    ImportPlan,
    ImportResult,
    RawTable,
    UndoResult,
)
from smallbiz_crm.services.importing import (
    Cancelled,
    Progress,
    apply_import,
    import_counts,
    last_undoable_import,
    plan_import,
    undo_import_batch,
)
from smallbiz_crm.store.engine import Database


class ExportService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def csv(self, path: Path | str, customer_ids: Sequence[int] | None = None,
            progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        return export_csv(self.db, path, customer_ids, progress=progress, cancelled=cancelled)

    def vcard(self, path: Path | str, customer_ids: Sequence[int] | None = None,
              progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        return export_vcard(self.db, path, customer_ids, progress=progress,
                            cancelled=cancelled)

    def json(self, path: Path | str, progress: Progress | None = None,
             cancelled: Cancelled | None = None) -> dict[str, int]:
        return export_json(self.db, path, self.clock, progress=progress, cancelled=cancelled)

    def calendar(self, path: Path | str) -> int:
        return export_ics(self.db, path, self.clock())


class ImportService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def plan(self, raw: RawTable, mapping: Mapping[str, str | int | None] | None = None,
             **options: Any) -> ImportPlan:
        return plan_import(self.db, raw, mapping, clock=self.clock, **options)

    def apply(self, plan: ImportPlan, file_name: str | None = None,
              progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ImportResult:
        return apply_import(self.db, plan, file_name, self.clock, progress=progress,
                            cancelled=cancelled)

    def last_undoable(self) -> ImportBatchRecord | None:
        return last_undoable_import(self.db)

    def counts(self, batch_id: int) -> tuple[int, int]:
        return import_counts(self.db, batch_id)

    def undo(self, batch_id: int) -> UndoResult:
        return undo_import_batch(self.db, batch_id, self.clock)
