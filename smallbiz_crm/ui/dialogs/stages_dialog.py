"""Manage the journey: the ordered stages, each with its playbook and contact rhythm."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import StageRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import (
    ask_save_changes,
    item_with_id,
    named,
    set_current,
)
from smallbiz_crm.user_errors import user_message

COL_NAME = 0
COL_CUSTOMERS = 1
COL_RHYTHM = 2
ID_ROLE = Qt.ItemDataRole.UserRole
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


class StagesDialog(QDialog):
    """The stages in journey order beside an editor for the chosen one."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.was_changed = False
        self._stages: list[StageRecord] = []
        self._current_id: int | None = None
        self._dirty = False
        self.setObjectName("stagesDialog")
        self.setWindowTitle(self.tr("Journey stages"))
        self.resize(900, 520)

        intro = QLabel(self.tr(
            "Every customer sits on one stage of the journey. Each stage's playbook says what "
            "to do for customers there; the contact rhythm is how often to be in touch. A "
            "purchase moves a customer from the first stage to the second, and from the second "
            "to the third."))
        intro.setWordWrap(True)

        self.stage_list = named(QTreeWidget(), "stageList")
        self.stage_list.setHeaderLabels(
            [self.tr("Stage"), self.tr("Customers"), self.tr("In touch every")])
        self.stage_list.setRootIsDecorated(False)
        self.stage_list.setUniformRowHeights(True)
        self.stage_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.stage_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CUSTOMERS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_RHYTHM, QHeaderView.ResizeMode.ResizeToContents)
        self.up_button = named(QPushButton(self.tr("Move &up")), "moveStageUp")
        self.down_button = named(QPushButton(self.tr("Move do&wn")), "moveStageDown")
        self.new_button = named(QPushButton(self.tr("&New stage")), "newStage")
        self.remove_button = named(QPushButton(self.tr("&Remove…")), "removeStage")
        list_buttons = QHBoxLayout()
        for button in (self.up_button, self.down_button, self.new_button, self.remove_button):
            list_buttons.addWidget(button)
        list_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.stage_list, 1)
        left_layout.addLayout(list_buttons)

        self.heading = named(QLabel(), "stageHeading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
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
        self.errors = FieldErrors()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        self.errors.add_row(form, self.tr("&Contact every"), "contact_rhythm_days",
                            self.rhythm_spin)
        self.errors.add_row(form, self.tr("&Playbook"), "playbook", self.playbook_edit)
        form.addRow("", self.lapsed_note)
        self.save_button = named(QPushButton(self.tr("&Save stage")), "saveStage")
        self.save_button.setDefault(True)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addLayout(form, 1)
        right_layout.addWidget(self.errors.general)
        right_layout.addLayout(save_row)

        splitter = named(QSplitter(Qt.Orientation.Horizontal), "stagesSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([400, 500])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.name_edit.textChanged.connect(self._mark_dirty)
        self.rhythm_spin.valueChanged.connect(self._mark_dirty)
        self.playbook_edit.textChanged.connect(self._mark_dirty)
        self.stage_list.currentItemChanged.connect(self._on_current_changed)
        self.up_button.clicked.connect(lambda: self._on_move_clicked(-1))
        self.down_button.clicked.connect(lambda: self._on_move_clicked(1))
        self.new_button.clicked.connect(self._on_new_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.save_button.clicked.connect(self.save)

        self.reload()
        if self._stages:
            self.select_stage(self._stages[0].id)
        else:
            self.start_new()

    # -- the list ---------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        """Refill the list in journey order; the editor is left as it is."""
        self._stages = self.services.journey.stages()
        wanted = select_id if select_id is not None else self._current_id
        self.stage_list.blockSignals(True)
        self.stage_list.clear()
        for number, stage in enumerate(self._stages, start=1):
            rhythm = (self.tr("{0} days").format(stage.contact_rhythm_days)
                      if stage.contact_rhythm_days else "—")
            item = QTreeWidgetItem([self.tr("{0}. {1}").format(number, stage.name),
                                    f"{stage.customer_count:,}", rhythm])
            item.setData(COL_NAME, ID_ROLE, stage.id)
            for column in (COL_CUSTOMERS, COL_RHYTHM):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            if stage.playbook:
                item.setToolTip(COL_NAME, stage.playbook)
            self.stage_list.addTopLevelItem(item)
            if stage.id == wanted:
                self.stage_list.setCurrentItem(item)
        self.stage_list.blockSignals(False)
        self._update_buttons()

    def stage_ids(self) -> list[int]:
        """The stage ids in journey order, as shown."""
        return [stage.id for stage in self._stages]

    def _stage(self, stage_id: int | None) -> StageRecord | None:
        return next((s for s in self._stages if s.id == stage_id), None)

    def current_stage_id(self) -> int | None:
        """The stage in the editor; None while a new one is being written."""
        return self._current_id

    def item_for(self, stage_id: int) -> QTreeWidgetItem | None:
        return item_with_id(self.stage_list, stage_id, ID_ROLE)

    def select_stage(self, stage_id: int) -> None:
        item = self.item_for(stage_id)
        if item is not None:
            self.stage_list.setCurrentItem(item)

    def _update_buttons(self) -> None:
        ids = self.stage_ids()
        row = ids.index(self._current_id) if self._current_id in ids else -1
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < len(ids) - 1)
        self.remove_button.setEnabled(row >= 0 and len(ids) > 1)

    def _on_current_changed(self, current: QTreeWidgetItem | None,
                            previous: QTreeWidgetItem | None) -> None:
        if current is None:
            return
        stage_id = current.data(COL_NAME, ID_ROLE)
        if stage_id == self._current_id:
            return
        if not self._settle_unsaved():
            # Stay on the stage being edited: the owner cancelled, or saving failed.
            self.stage_list.blockSignals(True)
            set_current(self.stage_list, previous)
            self.stage_list.blockSignals(False)
            return
        self._load(self._stage(stage_id))
        # Saving refilled the list (selecting the saved stage): point it at the clicked one.
        self.stage_list.blockSignals(True)
        set_current(self.stage_list, self.item_for(stage_id))
        self.stage_list.blockSignals(False)

    # -- the editor -------------------------------------------------------------------------

    def _load(self, stage: StageRecord | None) -> None:
        self._current_id = stage.id if stage is not None else None
        self.name_edit.setText(stage.name if stage else "")
        self.rhythm_spin.setValue((stage.contact_rhythm_days or 0) if stage else 0)
        self.playbook_edit.setPlainText(stage.playbook if stage else "")
        self.lapsed_note.setVisible(bool(stage and stage.is_lapsed))
        self.errors.clear()
        self._dirty = False
        if stage is None:
            self.heading.setText(self.tr("New stage (added at the end)"))
        else:
            self.heading.setText(self.tr("{0} — {1}").format(
                stage.name, count_text(stage.customer_count)))
        self._update_buttons()

    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def start_new(self) -> None:
        """Empty the editor for a new stage (unsaved edits must be settled first)."""
        self.stage_list.blockSignals(True)
        set_current(self.stage_list, None)
        self.stage_list.blockSignals(False)
        self._load(None)
        self.name_edit.setFocus()

    def _on_new_clicked(self) -> None:
        if self._settle_unsaved():
            self.start_new()

    def save(self) -> bool:
        """Add or edit the stage in the editor; on a mistake the typed text stays."""
        rhythm = self.rhythm_spin.value() or None
        try:
            if self._current_id is None:
                stage = self.services.journey.add(
                    self.name_edit.text(), self.playbook_edit.toPlainText(), rhythm)
            else:
                stage = self.services.journey.edit(
                    self._current_id, self.name_edit.text(), self.playbook_edit.toPlainText(),
                    rhythm)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except Exception as exc:
            if not self._show_general(exc):
                raise
            return False
        self._current_id = stage.id
        self.reload(select_id=stage.id)
        self._load(self._stage(stage.id))
        self._note_changed()
        return True

    def _settle_unsaved(self) -> bool:
        """Ask about unsaved edits; True when it is fine to leave them (saved or discarded)."""
        if not self._dirty:
            return True
        answer = ask_save_changes(self, self.tr("Save the changes to this stage?"),
                                  "unsavedStageBox")
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._dirty = False
            return True
        return False

    def _show_general(self, exc: BaseException) -> bool:
        message = user_message(exc)
        if message is None:
            return False
        self.errors.show_message(message)
        return True

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
        self._note_changed()

    def _on_move_clicked(self, step: int) -> None:
        if self._current_id is not None:
            self.move_stage(self._current_id, step)
            self.stage_list.setFocus()

    # -- remove -----------------------------------------------------------------------------

    def remove_stage(self, stage_id: int, move_to: int | None) -> None:
        """Remove a stage, moving its customers (archived ones too) to `move_to`.

        Raises ValidationError when the stage still has customers and `move_to` is None, or
        when it is the last stage.
        """
        row = self.stage_ids().index(stage_id)
        self.services.journey.remove(stage_id, move_to)
        if stage_id == self._current_id:
            self._dirty = False
            self._current_id = None
        self.reload()
        self._note_changed()
        if self._current_id is None and self._stages:
            self.select_stage(self._stages[min(row, len(self._stages) - 1)].id)

    def ask_move_target(self, stage: StageRecord) -> int | None:
        """Ask where the stage's customers go; None when the owner cancels."""
        others = [s for s in self._stages if s.id != stage.id]
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

    def _on_remove_clicked(self) -> None:
        stage = self._stage(self._current_id)
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

    # -- closing ----------------------------------------------------------------------------

    def _note_changed(self) -> None:
        self.was_changed = True
        self.changed.emit()

    def reject(self) -> None:
        if self._settle_unsaved():
            super().reject()
