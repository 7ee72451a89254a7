"""The change channel: every operation publishes what it changed; pages subscribe and refresh
only what a change touches."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from smallbiz_crm.domain.records.changes import Area, Changes


class ChangeChannel(QObject):
    changed = Signal(object)  # Changes

    def publish(self, changes: Changes) -> None:
        if changes.areas:
            self.changed.emit(changes)


def refresh_when(channel: ChangeChannel, page: QWidget, areas: frozenset[Area],
                 refresh: Callable[[], object]) -> None:
    """Refresh `page` when a change touches `areas`: at once if it is on screen, otherwise
    the next time it is shown (pages reload when shown; a hidden page does no work now)."""

    def on_change(changes: Changes) -> None:
        if changes.touches(*areas) and page.isVisible():
            refresh()

    channel.changed.connect(on_change)
