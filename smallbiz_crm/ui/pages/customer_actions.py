"""The Customer menu: what the owner does to the customers selected in the workspace — edit,
log, move, tag, archive, delete, print, export or erase — each published as a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QInputDialog, QMenu, QMessageBox

from smallbiz_crm.domain.records.changes import Area, Changes
from smallbiz_crm.ui.text import count_text

if TYPE_CHECKING:
    from smallbiz_crm.ui.context import WindowContext
    from smallbiz_crm.ui.pages.customer_workspace import CustomersWorkspace

# A bulk change of more customers than this runs on the task runner (at 100k selected a stage
# move takes seconds); fewer finish well within the 50 ms the window may pause.
BULK_IN_BACKGROUND = 500

# What a dialog about one customer may change besides its own area: a purchase moves the stage,
# a concern or gesture adds a follow-up.
_ABOUT_ONE = (Area.CUSTOMERS, Area.INTERACTIONS, Area.FOLLOW_UPS)


def menu_action(owner: QObject, menu: QMenu, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                name: str = "") -> QAction:
    """One menu entry, its shortcut and the object name tests find it by."""
    action = QAction(text, owner)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if name:
        action.setObjectName(name)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


class CustomerActions(QObject):
    show_page = Signal()  # bring the customer workspace to the front

    def __init__(self, ctx: WindowContext, workspace: CustomersWorkspace) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self.workspace = workspace
        self.page = workspace.page
        self.stage_menu: QMenu | None = None

    @property
    def services(self):  # type: ignore[no-untyped-def]  # the shop's, see WindowContext
        return self.ctx.services

    # -- the menu -----------------------------------------------------------------------------

    def fill_menu(self, menu: QMenu) -> None:
        add = menu_action
        add(self, menu, self.tr("&Edit…"), lambda: self.edit_customer(None), "Ctrl+E",
            "editCustomerAction")
        add(self, menu, self.tr("&Log interaction…"), lambda: self.log_interaction(None),
            "Ctrl+L", "logInteractionAction")
        add(self, menu, self.tr("Log a con&cern…"), self.log_concern, name="logConcernAction")
        add(self, menu, self.tr("Log a &gesture…"), self.log_gesture, name="logGestureAction")
        add(self, menu, self.tr("Add &feedback…"), self.add_feedback, name="addFeedbackAction")
        add(self, menu, self.tr("New f&ollow-up…"), self.new_follow_up,
            name="newFollowUpAction")
        add(self, menu, self.tr("&Print relationship summary…"), self.print_summary,
            "Ctrl+Shift+P", "printSummaryAction")
        menu.addSeparator()
        self.stage_menu = menu.addMenu(self.tr("&Move to stage"))
        self.stage_menu.aboutToShow.connect(self._fill_stage_menu)
        add(self, menu, self.tr("Add &tag…"), self.add_tag_to_selected)
        add(self, menu, self.tr("&Remove tag…"), self.remove_tag_from_selected)
        menu.addSeparator()
        add(self, menu, self.tr("&Archive"), self.archive_selected,
            QKeySequence.StandardKey.Delete, "archiveAction")
        add(self, menu, self.tr("Re&store from archive"), self.restore_selected,
            name="restoreAction")
        add(self, menu, self.tr("&Delete permanently…"), self.delete_selected, "Shift+Del",
            "deleteAction")
        menu.addSeparator()
        add(self, menu, self.tr("Find &duplicates…"), self.find_duplicates,
            name="duplicatesAction")
        menu.addSeparator()
        add(self, menu, self.tr("E&xport their data…"), self.export_their_data,
            name="exportTheirDataAction")
        add(self, menu, self.tr("Erase at their re&quest…"), self.erase_customer,
            name="eraseAction")

    # -- whom ---------------------------------------------------------------------------------

    def _selected_ids(self) -> list[int]:
        return self.page.selected_customer_ids()

    def _current_id(self, customer_id: int | None) -> int | None:
        return customer_id if customer_id is not None else self.page.current_customer_id()

    def _who(self, ids: list[int]) -> str:
        if len(ids) == 1:
            record = self.page.model.row_record(self.page.model.row_of(ids[0]))
            if record is not None and record.name:
                return record.name
        return count_text(len(ids))

    def open_customer(self, customer_id: int) -> None:
        self.show_page.emit()
        self.workspace.show_customer(customer_id)

    # -- one customer -------------------------------------------------------------------------

    def new_customer(self) -> None:
        from smallbiz_crm.ui.dialogs.customer_dialog import CustomerDialog

        dialog = CustomerDialog(self.services, None, self.ctx.window)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_customer is not None:
            saved = dialog.saved_customer.id
            self.ctx.ops.announce(Changes.of(Area.CUSTOMERS, Area.CUSTOMER_SET,
                                             customers=[saved]))
            self.open_customer(saved)

    def edit_customer(self, customer_id: int | None) -> None:
        from smallbiz_crm.ui.dialogs.customer_dialog import CustomerDialog

        target = self._current_id(customer_id)
        if target is None:
            return
        dialog = CustomerDialog(self.services, target, self.ctx.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.ctx.ops.announce(Changes.of(Area.CUSTOMERS, customers=[target]))

    def log_interaction(self, customer_id: int | None) -> None:
        from smallbiz_crm.ui.dialogs.interaction_dialog import InteractionDialog

        target = self._current_id(customer_id)
        if target is None:
            return
        dialog = InteractionDialog(self.services, target, self.ctx.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        logged = dialog.logged
        moved = logged is not None and logged.stage_change is not None
        # A purchase may move the customer on the journey and start the after-purchase
        # cadence; any other interaction touches only their timeline and last contact.
        areas = [Area.INTERACTIONS, Area.FOLLOW_UPS] + ([Area.CUSTOMERS] if moved else [])
        self.ctx.ops.announce(Changes.of(*areas, customers=[target]))
        if logged is not None and logged.stage_change is not None:
            self.ctx.say(self.tr("Moved to {0}").format(logged.stage_change.to_stage_name),
                         5000)

    def _customer_dialog(self, make: Callable[[int], QDialog], *areas: Area) -> None:
        """Open a dialog about the current customer; publish what it saved."""
        target = self._current_id(None)
        if target is None:
            return
        dialog = make(target)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.ctx.ops.announce(Changes.of(*areas, *_ABOUT_ONE, customers=[target]))
        dialog.deleteLater()

    def log_concern(self) -> None:
        from smallbiz_crm.ui.dialogs.concern_dialog import ConcernDialog

        self._customer_dialog(lambda cid: ConcernDialog(self.services, cid, self.ctx.window),
                              Area.CONCERNS)

    def add_feedback(self) -> None:
        from smallbiz_crm.ui.dialogs.feedback_dialog import FeedbackDialog

        self._customer_dialog(lambda cid: FeedbackDialog(self.services, cid, self.ctx.window),
                              Area.FEEDBACK, Area.PRODUCTS)

    def new_follow_up(self) -> None:
        from smallbiz_crm.ui.dialogs.follow_up_dialog import FollowUpDialog

        self._customer_dialog(
            lambda cid: FollowUpDialog(self.services, cid, parent=self.ctx.window),
            Area.FOLLOW_UPS)

    def log_gesture(self) -> None:
        from smallbiz_crm.ui.dialogs.gesture_dialog import GestureDialog

        ids = self._selected_ids()
        if ids:
            dialog = GestureDialog(self.services, ids, self.ctx.window)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.ctx.ops.announce(Changes.of(Area.GESTURES, Area.FOLLOW_UPS,
                                                 customers=ids))
            dialog.deleteLater()

    def print_summary(self) -> None:
        from smallbiz_crm.ui.dialogs.pdf_preview import preview_summary

        target = self._current_id(None)
        if target is not None:
            preview_summary(self.ctx.window, self.services, self.ctx.tasks, target,
                            self.ctx.log_file)

    def export_their_data(self) -> None:
        from smallbiz_crm.ui.dialogs.erase_dialog import export_their_data

        target = self._current_id(None)
        if target is not None:
            export_their_data(self.ctx.window, self.services, target)

    def erase_customer(self) -> None:
        from smallbiz_crm.ui.dialogs.erase_dialog import EraseDialog

        target = self._current_id(None)
        if target is None:
            return
        dialog = EraseDialog(self.services, target, self.ctx.window, runner=self.ctx.tasks)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.ctx.undo_stack.clear()  # undo commands may hold the erased rows
            self.ctx.ops.announce(Changes.everything())
        dialog.deleteLater()

    # -- many customers -----------------------------------------------------------------------

    def _fill_stage_menu(self) -> None:
        assert self.stage_menu is not None
        self.stage_menu.clear()
        for stage in self.services.journey.stages(with_counts=False):
            action = self.stage_menu.addAction(stage.name)
            action.triggered.connect(lambda _c=False, sid=stage.id: self.move_selected(sid))

    def move_selected(self, stage_id: int) -> None:
        ids = self._selected_ids()
        if ids:
            self.ctx.ops.run(lambda: self.services.customers.move_to_stage(ids, stage_id),
                             Changes.of(Area.CUSTOMERS, Area.FOLLOW_UPS, customers=ids),
                             background=len(ids) > BULK_IN_BACKGROUND)

    def add_tag_to_selected(self, tag_name: str | None = None) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        if tag_name is None:
            names = [t.name for t in self.services.tags.all(with_counts=False)]
            tag_name, ok = QInputDialog.getItem(
                self.ctx.window, self.tr("Add tag"),
                self.tr("Tag for {0}:").format(count_text(len(ids))), names, 0, True)
            if not ok:
                return
        name = tag_name
        self.ctx.ops.run(lambda: self.services.customers.add_tag(ids, name),
                         Changes.of(Area.CUSTOMERS, Area.TAGS, customers=ids),
                         background=len(ids) > BULK_IN_BACKGROUND)

    def remove_tag_from_selected(self, tag_id: int | None = None) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        if tag_id is None:
            tags = self.services.tags.all(with_counts=False)
            if not tags:
                return
            name, ok = QInputDialog.getItem(
                self.ctx.window, self.tr("Remove tag"),
                self.tr("Tag to remove from {0}:").format(count_text(len(ids))),
                [t.name for t in tags], 0, False)
            if not ok:
                return
            tag_id = next(t.id for t in tags if t.name == name)
        chosen = tag_id
        self.ctx.ops.run(lambda: self.services.customers.remove_tag(ids, chosen),
                         Changes.of(Area.CUSTOMERS, Area.TAGS, customers=ids),
                         background=len(ids) > BULK_IN_BACKGROUND)

    def archive_selected(self, confirm: bool = True) -> None:
        ids = self._selected_ids()
        if not ids or self.page.archived_filter.isChecked():
            return
        if confirm and QMessageBox.question(
                self.ctx.window, self.tr("Archive"),
                self.tr("Archive {0}? They are hidden from lists and reminders; everything "
                        "about them is kept, and Edit → Undo brings them back.").format(
                    self._who(ids))) != QMessageBox.StandardButton.Yes:
            return
        from smallbiz_crm.ui.undo import ArchiveCommand

        self.ctx.undo_stack.push(ArchiveCommand(
            self.ctx.ops, self.services, ids, True,
            self.tr("Archive {0}").format(self._who(ids))))

    def restore_selected(self) -> None:
        ids = self._selected_ids()
        if ids and self.page.archived_filter.isChecked():
            from smallbiz_crm.ui.undo import ArchiveCommand

            self.ctx.undo_stack.push(ArchiveCommand(
                self.ctx.ops, self.services, ids, False,
                self.tr("Restore {0}").format(self._who(ids))))

    def delete_selected(self, confirm: bool = True) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        if confirm and QMessageBox.warning(
                self.ctx.window, self.tr("Delete permanently"),
                self.tr("Delete {0} and everything recorded about them (interactions, "
                        "gestures, follow-ups, concerns, feedback)? Edit → Undo can bring "
                        "them back until you close the window.").format(self._who(ids)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return
        from smallbiz_crm.ui.undo import DeleteCommand

        self.ctx.undo_stack.push(DeleteCommand(
            self.ctx.ops, self.services, ids, self.tr("Delete {0}").format(self._who(ids))))

    def find_duplicates(self) -> None:
        from smallbiz_crm.ui.dialogs.duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self.services, self.ctx.window, runner=self.ctx.tasks)
        merged: list[int] = []
        dialog.merged.connect(merged.append)
        dialog.exec()
        if merged:
            self.ctx.ops.announce(Changes.everything())
            self.workspace.show_customer(merged[-1])
