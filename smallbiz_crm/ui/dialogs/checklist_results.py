"""Entering a worked paper checklist back: item number, D/S/K, an outcome, Enter; next one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.printing import (
    ChecklistAction,
    ChecklistData,
    ChecklistItem,
    EnteredResult,
)
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named

ACTION_KEYS = {Qt.Key.Key_D: ChecklistAction.DONE, Qt.Key.Key_S: ChecklistAction.SNOOZE,
               Qt.Key.Key_K: ChecklistAction.SKIP}
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class NumberEdit(QLineEdit):
    """The item number: digits go in; D, S or K choose what happened; Enter moves on."""

    action_chosen = Signal(str)
    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            key = Qt.Key(event.key())
            if key in ACTION_KEYS:
                self.action_chosen.emit(ACTION_KEYS[key].value)
                event.accept()
                return
            if key in ENTER_KEYS:
                self.submitted.emit()
                event.accept()
                return
        super().keyPressEvent(event)


class OutcomeEdit(QLineEdit):
    """The outcome note; Enter records the item (and is not passed on to the dialog)."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if Qt.Key(event.key()) in ENTER_KEYS:
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ChecklistResultsDialog(QDialog):
    """Type an item's number, D (done) / S (snooze) / K (skip), an outcome, Enter."""

    data_changed = Signal()

    def __init__(self, services: Services, checklist: ChecklistData,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistResultsDialog")
        self.setWindowTitle(self.tr("Enter checklist results"))
        self.services = services
        self.checklist = checklist
        self.entered: list[EnteredResult] = []
        fit_to_screen(self, 620, 560)

        items = checklist.items
        info = named(QLabel(self.tr(
            "Checklist printed {0} for {1} – {2}: {3} items. Type an item's number, press D "
            "for done, S to snooze to the next business day or K to skip, type what came of "
            "it and press Enter.").format(
                checklist.printed_at.strftime("%Y-%m-%d %H:%M"), checklist.date_from.isoformat(),
                checklist.date_to.isoformat(), len(items))), "checklistInfo")
        info.setWordWrap(True)

        self.number_edit = named(NumberEdit(), "numberEdit")
        self.number_edit.setPlaceholderText(self.tr("e.g. 12"))
        self.number_edit.setMaxLength(6)
        self.number_edit.setMaximumWidth(110)
        self.item_label = named(QLabel(), "itemPreview")
        self.item_label.setTextFormat(Qt.TextFormat.PlainText)
        # One line, clipped: a long name must not widen the dialog or shift the field.
        self.item_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                      QSizePolicy.Policy.Preferred)
        number_row = QWidget()
        number_layout = QHBoxLayout(number_row)
        number_layout.setContentsMargins(0, 0, 0, 0)
        number_layout.addWidget(self.number_edit)
        number_layout.addWidget(self.item_label, 1)

        self.done_radio = named(QRadioButton(self.tr("Done (D)")), "doneRadio")
        self.snooze_radio = named(QRadioButton(self.tr("Snooze to next business day (S)")),
                                  "snoozeRadio")
        self.skip_radio = named(QRadioButton(self.tr("Skip (K)")), "skipRadio")
        self.action_group = QButtonGroup(self)
        self._radios = {ChecklistAction.DONE: self.done_radio,
                        ChecklistAction.SNOOZE: self.snooze_radio,
                        ChecklistAction.SKIP: self.skip_radio}
        action_row = QWidget()
        action_layout = QHBoxLayout(action_row)
        action_layout.setContentsMargins(0, 0, 0, 0)
        for radio in self._radios.values():
            self.action_group.addButton(radio)
            action_layout.addWidget(radio)
        action_layout.addStretch(1)
        self.done_radio.setChecked(True)

        self.outcome_edit = named(OutcomeEdit(), "outcomeEdit")
        self.outcome_edit.setPlaceholderText(self.tr("What came of it (optional)"))

        self.errors = FieldErrors()
        form = QFormLayout()
        self.errors.add_row(form, self.tr("Item &number"), "number", number_row)
        self.errors.add_row(form, self.tr("Mark as"), "action", action_row)
        self.errors.add_row(form, self.tr("&Outcome"), "outcome", self.outcome_edit)
        self._set_buddies(form)

        self.record_button = named(QPushButton(self.tr("&Record")), "recordButton")
        self.undo_button = named(QPushButton(self.tr("&Undo last")), "undoButton")
        self.undo_button.setEnabled(False)
        self.close_button = named(QPushButton(self.tr("Close")), "closeButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        for button in (self.record_button, self.undo_button, self.close_button):
            # Enter belongs to the fields: it must never also press a button.
            button.setAutoDefault(False)
            button.setDefault(False)

        self.entered_list = named(QListWidget(), "enteredList")
        self.entered_list.setAlternatingRowColors(True)
        self.progress_label = named(QLabel(), "progressLabel")

        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Entered so far:")))
        layout.addWidget(self.entered_list, 1)
        layout.addWidget(self.progress_label)

        self.number_edit.textChanged.connect(self._preview_item)
        self.number_edit.action_chosen.connect(self._choose_from_keyboard)
        self.number_edit.submitted.connect(self._number_entered)
        self.outcome_edit.submitted.connect(self.record)
        self.record_button.clicked.connect(self.record)
        self.undo_button.clicked.connect(self.undo_last)
        self.close_button.clicked.connect(self.accept)
        self._show_progress()
        self.number_edit.setFocus()

    def _set_buddies(self, form: QFormLayout) -> None:
        targets = (self.number_edit, None, self.outcome_edit)
        for row, target in enumerate(targets):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and target is not None:
                label.setBuddy(target)

    # -- the keyboard flow ------------------------------------------------------------------

    def action(self) -> ChecklistAction:
        for action, radio in self._radios.items():
            if radio.isChecked():
                return action
        return ChecklistAction.DONE

    def set_action(self, action: ChecklistAction | str) -> None:
        self._radios[ChecklistAction(action)].setChecked(True)

    def _choose_from_keyboard(self, action: str) -> None:
        self.set_action(action)
        self._number_entered()

    def _number_entered(self) -> None:
        if self.number_edit.text().strip():
            self.outcome_edit.setFocus()

    def _item(self) -> ChecklistItem | None:
        text = self.number_edit.text().strip().lstrip("#")
        return self.checklist.item(int(text)) if text.isdigit() else None

    def _preview_item(self) -> None:
        self.errors.clear()
        item = self._item()
        if item is None:
            self.item_label.setText("" if not self.number_edit.text().strip()
                                    else self.tr("No such item on this checklist"))
            return
        parts = [item.customer_name, item.phone, item.kind]
        if item.reason.strip():
            parts.append(" ".join(item.reason.split())[:80])
        already = next((entry for entry in self.entered if entry.number == item.number), None)
        text = " · ".join(part for part in parts if part)
        if already is not None:
            text = self.tr("{0} (entered already: {1})").format(
                text, self._action_text(already.action))
        self.item_label.setText(text)
        self.item_label.setToolTip(text)

    def _action_text(self, action: ChecklistAction) -> str:
        return {ChecklistAction.DONE: self.tr("done"),
                ChecklistAction.SNOOZE: self.tr("snoozed"),
                ChecklistAction.SKIP: self.tr("skipped")}[action]

    # -- writing ----------------------------------------------------------------------------

    def record(self) -> EnteredResult | None:
        """Write the typed result; on success clear the fields for the next number."""
        self.errors.clear()
        number = self.number_edit.text()
        item = self._item()
        if item is not None and any(entry.number == item.number for entry in self.entered):
            self.errors.show(ValidationError.single("number", self.tr(
                "Item {0} was entered already; use Undo last to change the last one.").format(
                    item.number)))
            return None
        try:
            entered = self.services.printing.enter_result(
                self.checklist, number, self.action(), self.outcome_edit.text())
        except ValidationError as exc:
            self.errors.show(exc)
            return None
        except NotFoundError as exc:
            self.errors.show(ValidationError.single("number", str(exc)))
            return None
        self.entered.append(entered)
        self.entered_list.addItem(QListWidgetItem(self._describe(entered)))
        self.entered_list.scrollToBottom()
        self.number_edit.clear()
        self.outcome_edit.clear()
        self.done_radio.setChecked(True)
        self.undo_button.setEnabled(True)
        self._show_progress()
        self.number_edit.setFocus()
        self.data_changed.emit()
        return entered

    def undo_last(self) -> None:
        if not self.entered:
            return
        entered = self.entered[-1]
        try:
            self.services.printing.undo_result(entered)
        except NotFoundError as exc:
            self.errors.show(ValidationError.single("number", str(exc)))
            return
        self.entered.pop()
        self.entered_list.takeItem(self.entered_list.count() - 1)
        self.undo_button.setEnabled(bool(self.entered))
        self.number_edit.setText(str(entered.number))
        self.outcome_edit.setText(entered.note)
        self.set_action(entered.action)
        self._show_progress()
        self.number_edit.setFocus()
        self.data_changed.emit()

    def _describe(self, entered: EnteredResult) -> str:
        if entered.action is ChecklistAction.SNOOZE and entered.snoozed_to is not None:
            what = self.tr("snoozed to {0}").format(entered.snoozed_to.isoformat())
        else:
            what = self._action_text(entered.action)
        note = f": {entered.note}" if entered.note else ""
        return f"{entered.number} · {entered.customer_name} — {what}{note}"

    def _show_progress(self) -> None:
        total = len(self.checklist.items)
        self.progress_label.setText(self.tr("{0} of {1} items entered").format(
            len(self.entered), total))
