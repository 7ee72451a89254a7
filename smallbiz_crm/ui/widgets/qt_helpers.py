"""Small Qt conveniences the dialogs share: naming widgets, walking and choosing tree rows."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

_W = TypeVar("_W", bound=QWidget)


def named(widget: _W, object_name: str) -> _W:
    """`widget` with its objectName set (PySide's stubs do not know the keyword form)."""
    widget.setObjectName(object_name)
    return widget


def tree_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    rows = (tree.topLevelItem(row) for row in range(tree.topLevelItemCount()))
    return [item for item in rows if item is not None]


def set_current(tree: QTreeWidget, item: QTreeWidgetItem | None) -> None:
    """Make `item` current; None leaves nothing current or selected."""
    if item is None:
        tree.setCurrentIndex(QModelIndex())
        tree.clearSelection()
    else:
        tree.setCurrentItem(item)
