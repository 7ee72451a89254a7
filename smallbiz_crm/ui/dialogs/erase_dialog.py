"""Customer → Erase (what goes, confirmed by typing the name) and Customer → Export their
data: the owner's answers to a customer's privacy requests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.backups import KEEP_AUTOMATIC
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.privacy import ErasureResult, HeldData, names_match
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import named
from smallbiz_crm.user_errors import user_message

Notify = Callable[[str], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("EraseDialog", text)


def section_labels() -> dict[str, tuple[str, str]]:
    """Section name -> (one, many), for "1 interaction", "12 interactions"."""
    return {
        "interactions": (_tr("interaction"), _tr("interactions")),
        "follow_ups": (_tr("follow-up"), _tr("follow-ups")),
        "gestures": (_tr("gesture"), _tr("gestures")),
        "concerns": (_tr("concern"), _tr("concerns")),
        "feedback": (_tr("piece of feedback"), _tr("pieces of feedback")),
        "stage_history": (_tr("journey stage change"), _tr("journey stage changes")),
        "tags": (_tr("tag"), _tr("tags")),
    }


def held_lines(held: HeldData) -> list[str]:
    """"12 interactions", "1 gesture", ... for every kind of record they have."""
    labels = section_labels()
    order = list(labels)
    lines = []
    for section, count in sorted(held.counts.items(), key=lambda item: (
            order.index(item[0]) if item[0] in order else len(order), item[0])):
        if not count:
            continue
        one, many = labels.get(section, (section.replace("_", " "),) * 2)
        lines.append(f"{count:,} {one if count == 1 else many}")
    return lines


class EraseDialog(QDialog):
    """Shows what erasing a customer removes; the Erase button is enabled only once their name
    is typed. `erased(customer_id)` is emitted after the erasure."""

    erased = Signal(int)

    def __init__(self, services: Services, customer_id: int, parent: QWidget | None = None,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eraseDialog")
        self.services = services
        self.runner = runner
        self.customer_id = customer_id
        self.privacy = services.privacy
        self.held = self.privacy.held(customer_id)
        self.result_: ErasureResult | None = None
        self._busy = False
        self.setWindowTitle(self.tr("Erase {0}").format(self.held.name))

        self.summary_label = named(QLabel(), "summaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setText(self.summary_text())
        self.note_label = named(QLabel(), "noteLabel")
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setText(self.tr(
            "This cannot be undone. A dated note \"erased at the customer's request\" is kept, "
            "without their name or any of their details. Backups taken before now still hold "
            "their data until they are replaced (daily backups after {0} days); backups you "
            "made by hand are yours to delete.").format(KEEP_AUTOMATIC))

        self.errors = FieldErrors()
        self.name_edit = named(QLineEdit(), "typedNameEdit")
        self.name_edit.setClearButtonEnabled(True)
        self.hint_label = named(QLabel(), "matchHint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, self.tr("Type their name"), "typed_name", self.name_edit)
        form.addRow("", self.hint_label)

        buttons = QDialogButtonBox()
        self.erase_button = named(QPushButton(self.tr("Erase")), "eraseButton")
        # Never the default: Enter in the name field must not erase anyone.
        self.erase_button.setAutoDefault(False)
        self.cancel_button = named(QPushButton(self.tr("Cancel")), "cancelButton")
        self.cancel_button.setDefault(True)
        buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.erase_button.clicked.connect(self.erase)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.note_label)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        self.name_edit.textChanged.connect(self._on_typed)
        self._on_typed("")
        self.name_edit.setFocus()

    def summary_text(self) -> str:
        lines = held_lines(self.held)
        text = self.tr("Erasing deletes {0} and everything recorded about them").format(
            self.held.name)
        text += (":\n" + "\n".join(f"  • {line}" for line in lines)) if lines else (
            self.tr(" (there are no other records)."))
        if self.held.referrals:
            text += "\n\n" + (self.tr(
                "They are also removed from the \"referred by\" of 1 customer.")
                if self.held.referrals == 1 else self.tr(
                "They are also removed from the \"referred by\" of {0} customers.").format(
                self.held.referrals))
        return text

    def _on_typed(self, typed: str) -> None:
        matches = names_match(typed, self.held.name)
        self.erase_button.setEnabled(matches and not self._busy)
        if matches:
            self.hint_label.setText(self.tr("The name matches."))
        elif typed.strip():
            self.hint_label.setText(self.tr("Not yet: type {0}").format(self.held.name))
        else:
            self.hint_label.setText(self.tr("Type {0} to confirm.").format(self.held.name))

    def erase(self) -> bool:
        """Erase (in the background with a runner: without an index on follow_up's links a
        big file takes seconds); on a problem show it next to the field."""
        if self._busy or not self.erase_button.isEnabled():
            return False
        self.errors.clear()
        typed = self.name_edit.text()
        if self.runner is None:
            try:
                result = self.privacy.erase(self.customer_id, typed)
            except Exception as exc:  # noqa: BLE001 - shown next to the field
                self._failed(exc)
                return False
            self._done(result)
            return True
        self._set_busy(True)
        self.runner.run(lambda _progress, _cancelled: self.privacy.erase(self.customer_id, typed),
                        self._done, self._failed)
        return True

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.name_edit.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self._on_typed(self.name_edit.text())
        if busy:
            self.hint_label.setText(self.tr("Erasing…"))

    def _done(self, result: ErasureResult) -> None:
        self._set_busy(False)
        self.result_ = result
        self.erased.emit(self.customer_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            self.errors.show(exc)
            return
        if isinstance(exc, NotFoundError):
            self.errors.show_message(self.tr("This customer was already removed."))
        else:
            self.errors.show_message(user_message(exc) or self.tr(
                "The erasure failed ({0}); nothing was changed.").format(type(exc).__name__))


def export_their_data(parent: QWidget | None, services: Services, customer_id: int,
                      folder: Path | None = None, notify: Notify | None = None) -> list[Path]:
    """Customer → Export their data: ask for a folder (unless given), write their readable
    JSON (and the PDF summary when the build has it), say where. Returns the files."""

    def tell(message: str, warning: bool = False) -> None:
        if notify is not None:
            notify(message)
        elif warning:
            QMessageBox.warning(parent, _tr("Export their data"), message)
        else:
            QMessageBox.information(parent, _tr("Export their data"), message)

    if folder is None:
        chosen = QFileDialog.getExistingDirectory(
            parent, _tr("Choose where to save their data"), str(Path.home()))
        if not chosen:
            return []
        folder = Path(chosen)
    try:
        files = services.privacy.export_customer_data(customer_id,
                                                                                 folder)
    except (ValidationError, NotFoundError, OSError) as exc:
        tell(_tr("Their data could not be saved: {0}").format(user_message(exc) or str(exc)),
             warning=True)
        return []
    names = ", ".join(path.name for path in files)
    tell(_tr("Saved {0} in {1}.\n\nThese files hold personal data: give them to the customer "
             "and delete your copies afterwards.").format(names, str(folder)))
    return files
