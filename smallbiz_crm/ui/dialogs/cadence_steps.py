"""A cadence's steps as an editable table: day, kind, what for, and whether consent is needed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.kinds import FollowUpKind
from smallbiz_crm.domain.records.cadences import CadenceStepDraft
from smallbiz_crm.services.cadences import MAX_OFFSET_DAYS
from smallbiz_crm.ui.models.follow_up_table import follow_up_icon, follow_up_kind_labels
from smallbiz_crm.ui.widgets.qt_helpers import named

COL_DAY, COL_KIND, COL_REASON, COL_CONSENT = range(4)


class CadenceStepsEditor(QWidget):
    """One row of widgets per step, with Add step / Remove step below; `edited` on any change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = named(QTableWidget(0, 4), "stepsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Day"), self.tr("Kind"), self.tr("What for"),
             self.tr("Only with consent")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_DAY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_KIND, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(COL_KIND, 170)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CONSENT, QHeaderView.ResizeMode.ResizeToContents)
        # Rows hold editors (spin box, combo): the default height would clip them.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        self.add_button = named(QPushButton(self.tr("&Add step")), "addStep")
        self.remove_button = named(QPushButton(self.tr("&Remove step")), "removeStep")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_step())
        self.remove_button.clicked.connect(self.remove_current_step)

    def clear(self) -> None:
        self.table.setRowCount(0)

    def add_step(self, offset_days: int | None = None, kind: str = FollowUpKind.CALL.value,
                 reason: str = "", needs_consent: bool = False,
                 step_id: int | None = None) -> int:
        """Append a step row of editable widgets; a new one starts a week after the last."""
        row = self.table.rowCount()
        if offset_days is None:
            offset_days = (self.drafts()[-1].offset_days + 7) if row else 1
        self.table.insertRow(row)
        day = named(QSpinBox(), f"stepDay{row}")
        day.setRange(0, MAX_OFFSET_DAYS)
        day.setPrefix(self.tr("day "))
        day.setValue(offset_days)
        day.setProperty("stepId", step_id)
        kinds = named(QComboBox(), f"stepKind{row}")
        for value, label in follow_up_kind_labels().items():
            kinds.addItem(follow_up_icon(value), label, value)
        kinds.setCurrentIndex(max(kinds.findData(kind), 0))
        what = named(QLineEdit(reason), f"stepReason{row}")
        what.setCursorPosition(0)  # show the start of a long reason, not its end
        what.setPlaceholderText(self.tr("e.g. Ask how it is going"))
        consent_box = QWidget()
        consent = named(QCheckBox(), f"stepConsent{row}")
        consent.setChecked(needs_consent)
        consent.setToolTip(self.tr("A marketing touch: only for customers who agreed to be "
                                   "contacted."))
        centred = QHBoxLayout(consent_box)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addWidget(consent, 0, Qt.AlignmentFlag.AlignCenter)
        self.table.setCellWidget(row, COL_DAY, day)
        self.table.setCellWidget(row, COL_KIND, kinds)
        self.table.setCellWidget(row, COL_REASON, what)
        self.table.setCellWidget(row, COL_CONSENT, consent_box)
        day.valueChanged.connect(self.edited)
        kinds.currentIndexChanged.connect(self.edited)
        what.textEdited.connect(self.edited)
        consent.toggled.connect(self.edited)
        self.edited.emit()
        return row

    def remove_current_step(self) -> None:
        """Remove the chosen step, or the last one when none is chosen."""
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()

    def step_widgets(self, row: int) -> tuple[QSpinBox, QComboBox, QLineEdit, QCheckBox]:
        day = self.table.cellWidget(row, COL_DAY)
        kind = self.table.cellWidget(row, COL_KIND)
        what = self.table.cellWidget(row, COL_REASON)
        box = self.table.cellWidget(row, COL_CONSENT)
        consent = box.findChild(QCheckBox) if box is not None else None
        assert isinstance(day, QSpinBox) and isinstance(kind, QComboBox)
        assert isinstance(what, QLineEdit) and isinstance(consent, QCheckBox)
        return day, kind, what, consent

    def drafts(self) -> list[CadenceStepDraft]:
        """The steps as typed, unchecked: the service says what is wrong with them."""
        drafts = []
        for row in range(self.table.rowCount()):
            day, kind, what, consent = self.step_widgets(row)
            step_id = day.property("stepId")
            drafts.append(CadenceStepDraft(
                offset_days=day.value(), kind=str(kind.currentData()), reason=what.text(),
                needs_consent=consent.isChecked(),
                id=int(step_id) if step_id is not None else None))
        return drafts
