"""Printing: writing the summary and checklist PDFs, and the PrintingService for the bundle.

ReportLab is imported only when a PDF is written (inside write_summary / write_checklist).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO

from smallbiz_crm.domain.records.printing import ChecklistData, EnteredResult, SummaryData
from smallbiz_crm.services.checklist import checklist_data, last_checklist, remember_checklist
from smallbiz_crm.services.checklist_results import enter_result, undo_result
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.relationship_summary import summary_data
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.files import atomic_bytes

Progress = Callable[[int, int], None]


# -- writing PDFs ---------------------------------------------------------------------------

def _write_atomically(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None]) -> Path:
    """Write through a temporary file beside `path` (0600, as the PDF then is), so a failed
    or cancelled build never leaves half a PDF where a good one was."""
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"There is no folder {target.parent} to write "
                                "the PDF into", str(target))
    try:
        with atomic_bytes(target) as handle:
            write(handle)
    except OSError as exc:
        # Name the file the owner asked for, not the temporary one.
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    return target


def write_summary(db: Database, customer_id: int, path: str | os.PathLike[str],
                  clock: Clock = system_clock) -> Path:
    """Write one customer's relationship summary PDF to `path`."""
    from smallbiz_crm.reports.summary import write_summary as render

    data = summary_data(db, customer_id, clock)
    return _write_atomically(path, lambda handle: render(data, handle))


def write_checklist(db: Database, date_from: date | None, date_to: date | None,
                    path: str | os.PathLike[str], progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    clock: Clock = system_clock) -> ChecklistData | None:
    """Write the follow-up checklist PDF (overdue items plus `date_from`..`date_to`, by default
    today and the next six days) and remember its numbering; None if cancelled (no file)."""
    from smallbiz_crm.reports import BuildCancelled
    from smallbiz_crm.reports.checklist import write_checklist as render

    data = checklist_data(db, date_from, date_to, clock)
    try:
        _write_atomically(path, lambda handle: render(data, handle, progress, cancelled))
    except BuildCancelled:
        return None
    remember_checklist(db, data)
    return data


class PrintingService:
    """Summary, checklist and results functions bound to one database and clock, for Services."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def summary(self, customer_id: int) -> SummaryData:
        return summary_data(self.db, customer_id, self.clock)

    def checklist(self, date_from: date | None = None,
                  date_to: date | None = None) -> ChecklistData:
        return checklist_data(self.db, date_from, date_to, self.clock)

    def write_summary(self, customer_id: int, path: str | os.PathLike[str]) -> Path:
        return write_summary(self.db, customer_id, path, self.clock)

    def write_checklist(self, date_from: date | None, date_to: date | None,
                        path: str | os.PathLike[str], progress: Progress | None = None,
                        cancelled: Callable[[], bool] | None = None) -> ChecklistData | None:
        return write_checklist(self.db, date_from, date_to, path, progress, cancelled,
                               self.clock)

    def last_checklist(self) -> ChecklistData | None:
        return last_checklist(self.db, self.clock)

    def enter_result(self, checklist: ChecklistData, number: str | int, action: str,
                     note: str = "") -> EnteredResult:
        return enter_result(self.db, checklist, number, action, note, self.clock)

    def undo_result(self, entered: EnteredResult) -> None:
        undo_result(self.db, entered)
