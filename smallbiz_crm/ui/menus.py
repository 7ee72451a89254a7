"""The menu bar: File, Edit, View, Customer and Help, each filled by the object that owns its
actions (file actions, shop lists, the customer workspace); the window adds only navigation."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from smallbiz_crm import APP_NAME
from smallbiz_crm.ui.pages.customer_actions import menu_action as add

if TYPE_CHECKING:
    from smallbiz_crm.ui.main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    window.file_actions.fill_menu(bar.addMenu(window.tr("&File")))
    edit_menu = bar.addMenu(window.tr("&Edit"))
    undo = window.undo_stack.createUndoAction(window, window.tr("&Undo"))
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    undo.setObjectName("undoAction")
    redo = window.undo_stack.createRedoAction(window, window.tr("&Redo"))
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    edit_menu.addActions([undo, redo])
    edit_menu.addSeparator()
    add(window, edit_menu, window.tr("&Find customer"), window.focus_search,
        QKeySequence.StandardKey.Find, "findAction")
    edit_menu.addSeparator()
    window.shop_actions.fill_menu(edit_menu)
    view_menu = bar.addMenu(window.tr("&View"))
    for row in range(window.navigation.count()):
        add(window, view_menu, window.navigation.item(row).text(),
            partial(window.navigation.setCurrentRow, row), f"Ctrl+{row + 1}")
    view_menu.addSeparator()
    add(window, view_menu, window.tr("&Refresh"), window.refresh,
        QKeySequence.StandardKey.Refresh)
    window.customer_actions.fill_menu(bar.addMenu(window.tr("&Customer")))
    help_menu = bar.addMenu(window.tr("&Help"))
    add(window, help_menu, window.tr("&About {0}").format(APP_NAME), window.show_about)
