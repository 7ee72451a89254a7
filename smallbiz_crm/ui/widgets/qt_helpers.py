"""Small Qt conveniences the dialogs share: naming widgets, tree rows, unsaved edits."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox, QTreeWidget, QTreeWidgetItem, QWidget

_W = TypeVar("_W", bound=QWidget)


def named(widget: _W, object_name: str) -> _W:
    """`widget` with its objectName set (PySide's stubs do not know the keyword form)."""
    widget.setObjectName(object_name)
    return widget


def tree_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    rows = (tree.topLevelItem(row) for row in range(tree.topLevelItemCount()))
    return [item for item in rows if item is not None]


def item_with_id(tree: QTreeWidget, item_id: int,
                 role: int = Qt.ItemDataRole.UserRole) -> QTreeWidgetItem | None:
    """The top-level row whose first column holds `item_id` under `role`, if any."""
    return next((item for item in tree_items(tree) if item.data(0, role) == item_id), None)


def set_current(tree: QTreeWidget, item: QTreeWidgetItem | None) -> None:
    """Make `item` current; None leaves nothing current or selected."""
    if item is None:
        tree.setCurrentIndex(QModelIndex())
        tree.clearSelection()
    else:
        tree.setCurrentItem(item)


def ask_save_changes(parent: QWidget, question: str, object_name: str) -> int:
    """Save / Discard / Cancel for unsaved edits; returns the QMessageBox button chosen."""
    box = QMessageBox(QMessageBox.Icon.Question,
                      QCoreApplication.translate("unsaved", "Unsaved changes"), question,
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName(object_name)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    return box.exec()


# Room left around a window on its screen (title bar, panels, a docked taskbar).
SCREEN_MARGIN = 48


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to width × height, or less where the screen the widget opens on (its parent's,
    else the primary one) is smaller: a 1366×768 laptop must see a whole window."""
    from PySide6.QtGui import QGuiApplication

    anchor = widget.parentWidget() or widget
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, max(room.width() - SCREEN_MARGIN, 320))
        height = min(height, max(room.height() - SCREEN_MARGIN, 240))
    widget.resize(width, height)
