"""Cadences: edit the templates and their steps, and switch the after-purchase one on or off."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTreeWidgetItem,
    QWidget,
)

from smallbiz_crm.domain.kinds import CadenceTrigger, FollowUpKind
from smallbiz_crm.domain.records.cadences import CadenceDraft, CadenceRecord
from smallbiz_crm.domain.settings import AUTO_PURCHASE_CADENCE
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.cadence_steps import CadenceStepsEditor
from smallbiz_crm.ui.dialogs.list_editor import COL_NAME, ListEditorDialog
from smallbiz_crm.ui.dialogs.list_editor_layout import editor_form
from smallbiz_crm.ui.models.follow_up_table import kind_label
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named


def _tr(text: str) -> str:
    return QCoreApplication.translate("Cadences", text)


def trigger_labels() -> dict[str, str]:
    return {
        CadenceTrigger.PURCHASE.value: _tr("After a purchase is logged"),
        CadenceTrigger.NEW_PROSPECT.value: _tr("For a new prospect"),
        CadenceTrigger.BIRTHDAY.value: _tr("On each birthday"),
        CadenceTrigger.MANUAL.value: _tr("Only when started by hand"),
    }


def step_text(offset_days: int, kind: str, reason: str) -> str:
    return _tr("Day {0}: {1} — {2}").format(offset_days, kind_label(kind), reason)


class CadencesDialog(ListEditorDialog[CadenceRecord]):
    """The templates beside an editor for the chosen one's steps; the purchase switch below."""

    UNSAVED_BOX = "unsavedCadenceBox"
    DELETE_BOX = "confirmDeleteCadence"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setObjectName("cadencesDialog")
        self.setWindowTitle(self.tr("Cadences"))
        self.cadences = services.cadences
        fit_to_screen(self, 980, 560)

        self.cadence_list = self.make_list("cadenceList", [self.tr("Cadence")])
        new_button = self.make_new_button(self.tr("&New cadence"), "newCadence")
        delete_button = self.make_delete_button("deleteCadence")

        self.name_edit = named(QLineEdit(), "cadenceName")
        self.name_edit.setPlaceholderText(self.tr("e.g. After a repair"))
        self.trigger_combo = named(QComboBox(), "triggerCombo")
        for value, label in trigger_labels().items():
            self.trigger_combo.addItem(label, value)
        self.active_check = named(QCheckBox(self.tr("In use")), "activeCheck")
        self.active_check.setToolTip(self.tr(
            "Switched off, the cadence never starts on its own; you can still start it by "
            "hand."))
        starts_box = QWidget()
        starts_row = QHBoxLayout(starts_box)
        starts_row.setContentsMargins(0, 0, 0, 0)
        starts_row.addWidget(self.trigger_combo, 1)
        starts_row.addWidget(self.active_check)
        self.steps = CadenceStepsEditor()
        self.steps_table = self.steps.table
        self.add_step_button = self.steps.add_button
        self.remove_step_button = self.steps.remove_button

        form = editor_form()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        self.errors.add_row(form, self.tr("Starts"), "trigger", starts_box)
        self.errors.add_row(form, self.tr("Steps"), "steps", self.steps)
        self.save_button = self.make_save_button(self.tr("&Save cadence"), "saveCadence")

        self.auto_purchase_check = named(QCheckBox(self.tr(
            "Start the after-purchase cadence automatically whenever a purchase is logged")),
            "autoPurchaseCheck")
        self.auto_purchase_check.setChecked(bool(services.settings.get(AUTO_PURCHASE_CADENCE)))
        self.arrange_side_by_side(
            intro=self.tr(
                "A cadence is a series of follow-ups, each so many days after it starts. A day "
                "the shop is closed moves to the next business day. Steps marked “only with "
                "consent” are left out for customers who did not agree to be contacted."),
            list_buttons=[new_button, delete_button], editor=[form],
            save_button=self.save_button, splitter_name="cadencesSplitter", sizes=(220, 760),
            footer=self.auto_purchase_check)

        self.watch(self.name_edit.textEdited, self.active_check.toggled, self.steps.edited)
        self.trigger_combo.currentIndexChanged.connect(self._on_trigger_changed)
        self.auto_purchase_check.toggled.connect(self.set_auto_purchase)
        self.open_first()

    # -- what the list and the editor show ---------------------------------------------------

    def fetch(self) -> list[CadenceRecord]:
        return self.cadences.all()

    def row_texts(self, record: CadenceRecord, number: int) -> list[str]:
        return [record.name]

    def style_row(self, item: QTreeWidgetItem, record: CadenceRecord) -> None:
        starts = trigger_labels().get(record.trigger, record.trigger)
        if not record.active:
            starts = self.tr("{0} (switched off)").format(starts)
            item.setForeground(COL_NAME,
                               self.palette().brush(QPalette.ColorRole.PlaceholderText))
        item.setToolTip(COL_NAME, "\n".join(
            [starts, *(step_text(s.offset_days, s.kind, s.reason) for s in record.steps)]))

    def fill_editor(self, record: CadenceRecord | None) -> None:
        self.name_edit.setText(record.name if record else "")
        self.trigger_combo.blockSignals(True)
        index = self.trigger_combo.findData(
            record.trigger if record else CadenceTrigger.MANUAL.value)
        self.trigger_combo.setCurrentIndex(max(index, 0))
        self.trigger_combo.blockSignals(False)
        self.active_check.blockSignals(True)
        self.active_check.setChecked(record.active if record else True)
        self.active_check.blockSignals(False)
        self._update_active()
        self.steps.clear()
        for step in record.steps if record else ():
            self.steps.add_step(step.offset_days, step.kind, step.reason, step.needs_consent,
                                step.id)
        if record is None:
            self.steps.add_step()  # a new cadence starts with one step to fill in

    def cadence_names(self) -> list[str]:
        return [record.name for record in self.records()]

    def select_cadence(self, cadence_id: int) -> None:
        self.select(cadence_id)

    def current_cadence_id(self) -> int | None:
        return self.current_id()

    def _on_trigger_changed(self) -> None:
        self._update_active()
        self.mark_dirty()

    def _update_active(self) -> None:
        # A by-hand cadence has nothing to switch on or off.
        self.active_check.setVisible(self.trigger_combo.currentData()
                                     != CadenceTrigger.MANUAL.value)

    # -- the steps --------------------------------------------------------------------------

    def add_step(self, offset_days: int | None = None, kind: str = FollowUpKind.CALL.value,
                 reason: str = "", needs_consent: bool = False,
                 step_id: int | None = None) -> int:
        """Append a step row; a new one starts a week after the last."""
        return self.steps.add_step(offset_days, kind, reason, needs_consent, step_id)

    def remove_current_step(self) -> None:
        self.steps.remove_current_step()

    def step_widgets(self, row: int) -> tuple[QSpinBox, QComboBox, QLineEdit, QCheckBox]:
        return self.steps.step_widgets(row)

    # -- saving and deleting ----------------------------------------------------------------

    def draft(self) -> CadenceDraft:
        return CadenceDraft(name=self.name_edit.text(),
                            trigger=str(self.trigger_combo.currentData()),
                            active=self.active_check.isChecked(),
                            steps=tuple(self.steps.drafts()))

    def write(self, record_id: int | None) -> CadenceRecord:
        # The version loaded into the editor: someone else's save in between is a conflict.
        loaded = self.current_record()
        return self.cadences.save(record_id, self.draft(),
                                  expected_version=loaded.version if loaded else None)

    def unsaved_question(self) -> str:
        return self.tr("Save the changes to this cadence first?")

    def remove(self, record_id: int) -> None:
        # Already gone is fine: the list refilled afterwards shows the truth.
        with contextlib.suppress(NotFoundError):
            self.cadences.delete(record_id)

    def delete_current(self) -> bool:
        """Delete the template in the editor (the follow-ups it made stay)."""
        current = self.current_id()
        if current is None:
            return False
        self.delete_record(current)
        return True

    def delete_title(self) -> str:
        return self.tr("Delete cadence")

    def delete_question(self, record: CadenceRecord) -> str:
        return self.tr("Delete the cadence '{0}'? The follow-ups it already made stay.").format(
            record.name)

    # -- the purchase switch ----------------------------------------------------------------

    def set_auto_purchase(self, on: bool) -> None:
        self.services.settings.set(AUTO_PURCHASE_CADENCE, bool(on))
        if self.auto_purchase_check.isChecked() != on:
            self.auto_purchase_check.setChecked(on)
        self.note_changed()
