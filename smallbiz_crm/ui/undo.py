"""Undoable customer actions (archive, restore, delete) for Edit → Undo until the window closes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.snapshots import CustomerSnapshot, SnapshotService


class ArchiveCommand(QUndoCommand):
    def __init__(self, services: Services, customer_ids: Sequence[int], archive: bool,
                 after: Callable[[], None], text: str) -> None:
        super().__init__(text)
        self.services = services
        self.ids = list(customer_ids)
        self.archive = archive
        self.after = after

    def redo(self) -> None:
        self.services.customers.set_archived(self.ids, self.archive)
        self.after()

    def undo(self) -> None:
        self.services.customers.set_archived(self.ids, not self.archive)
        self.after()


class DeleteCommand(QUndoCommand):
    """Deleting keeps a snapshot of every row in memory, so undo puts them back as they were."""

    def __init__(self, services: Services, customer_ids: Sequence[int],
                 after: Callable[[], None], text: str) -> None:
        super().__init__(text)
        self.services = services
        self.snapshots = SnapshotService(services.db)
        self.snapshot: CustomerSnapshot = self.snapshots.take(customer_ids)
        self.after = after

    def redo(self) -> None:
        self.services.customers.delete(self.snapshot.customer_ids)
        self.after()

    def undo(self) -> None:
        self.snapshots.restore(self.snapshot)
        self.after()
