"""Undoable customer actions (archive, restore, delete) for Edit → Undo until the window closes;
each step, done or undone, is an operation that publishes what it changed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from smallbiz_crm.domain.records.changes import Area, Changes
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.snapshots import CustomerSnapshot
from smallbiz_crm.ui.operations import Operations

# More customers than this are archived or deleted on the task runner.
BULK_IN_BACKGROUND = 500


class ArchiveCommand(QUndoCommand):
    def __init__(self, ops: Operations, services: Services, customer_ids: Sequence[int],
                 archive: bool, text: str) -> None:
        super().__init__(text)
        self.ops = ops
        self.services = services
        self.ids = list(customer_ids)
        self.archive = archive

    def _set(self, archived: bool) -> None:
        ids = self.ids
        self.ops.run(lambda: self.services.customers.set_archived(ids, archived),
                     Changes.of(Area.CUSTOMERS, Area.CUSTOMER_SET, customers=ids),
                     background=len(ids) > BULK_IN_BACKGROUND)

    def redo(self) -> None:
        self._set(self.archive)

    def undo(self) -> None:
        self._set(not self.archive)


class DeleteCommand(QUndoCommand):
    """Deleting keeps a snapshot of every row in memory, so undo puts them back as they were."""

    def __init__(self, ops: Operations, services: Services, customer_ids: Sequence[int],
                 text: str) -> None:
        super().__init__(text)
        self.ops = ops
        self.services = services
        self.snapshot: CustomerSnapshot = services.snapshots.take(customer_ids)
        self._changes = Changes.everything()  # their interactions, follow-ups… go too

    def redo(self) -> None:
        ids = self.snapshot.customer_ids
        self.ops.run(lambda: self.services.customers.delete(ids), self._changes,
                     background=len(ids) > BULK_IN_BACKGROUND)

    def undo(self) -> None:
        snapshot = self.snapshot
        self.ops.run(lambda: self.services.snapshots.restore(snapshot), self._changes)
