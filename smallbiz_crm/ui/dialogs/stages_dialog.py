"""Manage the journey: the ordered stages, each with its playbook and contact rhythm."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import StageRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.list_editor import COL_NAME, ListEditorDialog
from smallbiz_crm.ui.dialogs.list_editor_layout import editor_form, heading_label
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named
from smallbiz_crm.user_errors import user_message

MAX_RHYTHM_DAYS = 3650


class MoveCustomersDialog(QDialog):
    """Asks which stage receives the customers of a stage about to be removed."""

    def __init__(self, stage_name: str, customers: int, others: list[StageRecord],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moveCustomersDialog")
        self.setWindowTitle(self.tr("Remove stage"))
        if customers:
            text = self.tr("{0} are at '{1}'. Choose the stage to move them to; each move is "
                           "dated in their history.").format(count_text(customers), stage_name)
        else:
            # Only archived customers are left there: they still need a stage.
            text = self.tr("Some archived customers are at '{0}'. Choose the stage to move "
                           "them to; each move is dated in their history.").format(stage_name)
        explanation = named(QLabel(text), "moveCustomersText")
        explanation.setWordWrap(True)
        self.combo = named(QComboBox(), "moveToStage")
        for stage in others:
            self.combo.addItem(stage.name, stage.id)
        form = QFormLayout()
        form.addRow(self.tr("&Move them to"), self.combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Move and remove"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def chosen_stage_id(self) -> int | None:
        value = self.combo.currentData()
        return int(value) if value is not None else None


class StagesDialog(ListEditorDialog[StageRecord]):
    """The stages in journey order beside an editor for the chosen one."""

    UNSAVED_BOX = "unsavedStageBox"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setObjectName("stagesDialog")
        self.setWindowTitle(self.tr("Journey stages"))
        fit_to_screen(self, 900, 520)

        self.stage_list = self.make_list(
            "stageList", [self.tr("Stage"), self.tr("Customers"), self.tr("In touch every")])
        self.up_button = named(QPushButton(self.tr("Move &up")), "moveStageUp")
        self.down_button = named(QPushButton(self.tr("Move do&wn")), "moveStageDown")
        new_button = self.make_new_button(self.tr("&New stage"), "newStage")
        self.remove_button = self.make_delete_button("removeStage", self.tr("&Remove…"))

        self.heading = heading_label("stageHeading")
        self.name_edit = named(QLineEdit(), "stageName")
        self.name_edit.setPlaceholderText(self.tr("e.g. First purchase"))
        self.rhythm_spin = named(QSpinBox(), "stageRhythm")
        # 0 stands for "no rhythm": the service takes None for that.
        self.rhythm_spin.setRange(0, MAX_RHYTHM_DAYS)
        self.rhythm_spin.setSpecialValueText(self.tr("No set rhythm"))
        self.rhythm_spin.setSuffix(self.tr(" days"))
        self.rhythm_spin.setToolTip(self.tr(
            "How often to be in touch with customers at this stage; 0 for no set rhythm."))
        self.playbook_edit = named(QPlainTextEdit(), "stagePlaybook")
        self.playbook_edit.setTabChangesFocus(True)
        self.playbook_edit.setPlaceholderText(self.tr(
            "What to do for customers at this stage, e.g. invite them to the spring event, "
            "ask for a review"))
        self.lapsed_note = named(QLabel(self.tr(
            "This is the stage for customers who drifted away; a purchase brings them back to "
            "the third stage.")), "lapsedNote")
        self.lapsed_note.setWordWrap(True)
        self.lapsed_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        form = editor_form()
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        self.errors.add_row(form, self.tr("&Contact every"), "contact_rhythm_days",
                            self.rhythm_spin)
        self.errors.add_row(form, self.tr("&Playbook"), "playbook", self.playbook_edit)
        form.addRow("", self.lapsed_note)
        self.save_button = self.make_save_button(self.tr("&Save stage"), "saveStage")

        self.arrange_side_by_side(
            intro=self.tr(
                "Every customer sits on one stage of the journey. Each stage's playbook says "
                "what to do for customers there; the contact rhythm is how often to be in "
                "touch. A purchase moves a customer from the first stage to the second, and "
                "from the second to the third."),
            list_buttons=[self.up_button, self.down_button, new_button, self.remove_button],
            editor=[self.heading, form], save_button=self.save_button,
            splitter_name="stagesSplitter", sizes=(400, 500))
        self.watch(self.name_edit.textChanged, self.rhythm_spin.valueChanged,
                   self.playbook_edit.textChanged)
        self.up_button.clicked.connect(lambda: self._on_move_clicked(-1))
        self.down_button.clicked.connect(lambda: self._on_move_clicked(1))
        self.open_first()

    # -- what the list and the editor show ---------------------------------------------------

    def fetch(self) -> list[StageRecord]:
        return self.services.journey.stages()

    def row_texts(self, record: StageRecord, number: int) -> list[str]:
        rhythm = (self.tr("{0} days").format(record.contact_rhythm_days)
                  if record.contact_rhythm_days else "—")
        return [self.tr("{0}. {1}").format(number, record.name),
                f"{record.customer_count:,}", rhythm]

    def style_row(self, item: QTreeWidgetItem, record: StageRecord) -> None:
        if record.playbook:
            item.setToolTip(COL_NAME, record.playbook)

    def fill_editor(self, record: StageRecord | None) -> None:
        self.name_edit.setText(record.name if record else "")
        self.rhythm_spin.setValue((record.contact_rhythm_days or 0) if record else 0)
        self.playbook_edit.setPlainText(record.playbook if record else "")
        self.lapsed_note.setVisible(bool(record and record.is_lapsed))
        if record is None:
            self.heading.setText(self.tr("New stage (added at the end)"))
        else:
            self.heading.setText(self.tr("{0} — {1}").format(
                record.name, count_text(record.customer_count)))

    def update_buttons(self) -> None:
        ids = self.stage_ids()
        current = self.current_id()
        row = ids.index(current) if current in ids else -1
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < len(ids) - 1)
        # A journey needs at least one stage.
        self.remove_button.setEnabled(row >= 0 and len(ids) > 1)

    def stage_ids(self) -> list[int]:
        """The stage ids in journey order, as shown."""
        return [stage.id for stage in self.records()]

    def current_stage_id(self) -> int | None:
        """The stage in the editor; None while a new one is being written."""
        return self.current_id()

    def select_stage(self, stage_id: int) -> None:
        self.select(stage_id)

    # -- saving -----------------------------------------------------------------------------

    def write(self, record_id: int | None) -> StageRecord:
        """Add the stage in the editor at the end of the journey, or edit it."""
        rhythm = self.rhythm_spin.value() or None
        if record_id is None:
            return self.services.journey.add(
                self.name_edit.text(), self.playbook_edit.toPlainText(), rhythm)
        return self.services.journey.edit(
            record_id, self.name_edit.text(), self.playbook_edit.toPlainText(), rhythm)

    def unsaved_question(self) -> str:
        return self.tr("Save the changes to this stage?")

    # -- order ------------------------------------------------------------------------------

    def move_stage(self, stage_id: int, step: int) -> None:
        """Move a stage `step` places earlier (-1) or later (+1) in the journey."""
        ids = self.stage_ids()
        row = ids.index(stage_id)
        target = max(0, min(len(ids) - 1, row + step))
        if target == row:
            return
        ids.insert(target, ids.pop(row))
        self.services.journey.reorder(ids)
        self.reload()
        self.note_changed()

    def _on_move_clicked(self, step: int) -> None:
        current = self.current_id()
        if current is not None:
            self.move_stage(current, step)
            self.stage_list.setFocus()

    # -- remove -----------------------------------------------------------------------------

    def remove(self, record_id: int) -> None:
        self.services.journey.remove(record_id, None)

    def remove_stage(self, stage_id: int, move_to: int | None) -> None:
        """Remove a stage, moving its customers (archived ones too) to `move_to`.

        Raises ValidationError when the stage still has customers and `move_to` is None, or
        when it is the last stage.
        """
        row = self.stage_ids().index(stage_id)
        self.services.journey.remove(stage_id, move_to)
        self.after_delete(stage_id, row)

    def ask_move_target(self, stage: StageRecord) -> int | None:
        """Ask where the stage's customers go; None when the owner cancels."""
        others = [s for s in self.records() if s.id != stage.id]
        dialog = MoveCustomersDialog(stage.name, stage.customer_count, others, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen_stage_id()

    def _confirm_remove(self, stage: StageRecord) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove stage"),
                          self.tr("Remove the stage '{0}'? No customer is at it.").format(
                              stage.name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmRemoveStage")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Remove"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def on_delete_clicked(self) -> None:
        # Customers cannot be left without a stage: ask where they go instead of "delete?".
        stage = self.record(self.current_id())
        if stage is None:
            return
        if stage.customer_count:
            move_to = self.ask_move_target(stage)
            if move_to is None:
                return
        elif self._confirm_remove(stage):
            move_to = None
        else:
            return
        try:
            try:
                self.remove_stage(stage.id, move_to)
            except ValidationError as exc:
                if "move_to" not in exc.fields or move_to is not None:
                    raise
                # The list counts active customers; archived ones also need a new stage.
                move_to = self.ask_move_target(stage)
                if move_to is None:
                    return
                self.remove_stage(stage.id, move_to)
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            QMessageBox.warning(self, self.tr("Remove stage"), message)
