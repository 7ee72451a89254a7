"""The Feedback page's "Owed news" pane: closed feedback whose customer has not heard yet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.feedback import FeedbackRow
from smallbiz_crm.ui.models.feedback_table import CUSTOMER_ID_ROLE, OwedNewsModel
from smallbiz_crm.ui.widgets.qt_helpers import named


class PaddedDelegate(QStyledItemDelegate):
    """Some air between the two-line owed-news entries, so each reads as one piece."""

    PADDING = 8

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self.PADDING)


def ask_tell_them(parent: QWidget, customers: int) -> bool:
    """Ask whether to add "tell them" follow-ups for `customers` customers; True for yes."""
    def tr(text: str) -> str:
        # The page asks this, so its words keep the page's translation context.
        return QCoreApplication.translate("FeedbackPage", text)

    question = (tr("Create a follow-up to tell the customer?") if customers == 1 else
                tr("Create a follow-up to tell the {0} customers?").format(customers))
    box = QMessageBox(QMessageBox.Icon.Question, tr("Tell them"), question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("tellThemQuestion")
    box.setInformativeText(tr(
        "Each gets a \u201ctell them\u201d follow-up on the next business day. Until "
        "they are told, the item stays under Owed news."))
    box.button(QMessageBox.StandardButton.Yes).setText(tr("Create follow-ups"))
    box.button(QMessageBox.StandardButton.No).setText(tr("Not now"))
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    return box.exec() == QMessageBox.StandardButton.Yes


class OwedNewsPane(QGroupBox):
    """The owed news list with its buttons; the page decides what the buttons do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Owed news"), parent)
        self.setObjectName("owedNewsGroup")
        self.model = OwedNewsModel(self)
        self.list = named(QTreeView(), "owedNewsList")
        self.list.setModel(self.model)
        self.list.setRootIsDecorated(False)
        self.list.setHeaderHidden(True)
        self.list.setAlternatingRowColors(True)
        self.list.setItemDelegate(PaddedDelegate(self.list))
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hint = named(QLabel(self.tr(
            "Done or declined, and the customer has not heard yet. Tell them, then mark "
            "it told.")), "owedNewsHint")
        self.hint.setWordWrap(True)
        self.empty = named(QLabel(self.tr("Nobody is waiting for news.")), "owedNewsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mark_told_button = named(QPushButton(self.tr("Mark told")), "markToldButton")
        self.mark_told_button.setToolTip(self.tr(
            "They have heard: record today's date and complete their follow-up."))
        self.tell_them_button = named(QPushButton(self.tr("Add follow-ups")), "tellThemButton")
        self.tell_them_button.setToolTip(self.tr(
            "A \u201ctell them\u201d follow-up on the next business day for each chosen item "
            "that has none."))
        self.open_button = named(QPushButton(self.tr("Open customer")),
                                 "openOwedCustomerButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.mark_told_button)
        buttons.addWidget(self.tell_them_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        column = QVBoxLayout(self)
        column.addWidget(self.hint)
        column.addWidget(self.list, 1)
        column.addWidget(self.empty, 1)
        column.addLayout(buttons)

    def show_rows(self, rows: Sequence[FeedbackRow], today: date) -> None:
        """Show `rows`, keeping the chosen ones chosen; the title counts them."""
        keep = self.selected_ids()
        self.model.set_rows(rows, today=today)
        self.select(keep)
        self.list.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.setTitle(self.tr("Owed news ({0})").format(len(rows)) if rows
                      else self.tr("Owed news"))

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.list.selectionModel().selectedRows())
        return [record.id for row in rows if (record := self.model.record(row))]

    def select(self, feedback_ids: Sequence[int]) -> None:
        wanted = set(feedback_ids)
        selection = QItemSelection()
        for row, record in enumerate(self.model.rows()):
            if record.id in wanted:
                index = self.model.index(row, 0)
                selection.select(index, index)
        self.list.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def update_buttons(self) -> None:
        """Mark told for any choice; new follow-ups only where none is waiting yet."""
        chosen = self.selected_ids()
        self.mark_told_button.setEnabled(bool(chosen))
        waiting = {r.id for r in self.model.rows() if r.tell_them_due_on is None}
        self.tell_them_button.setEnabled(any(i in waiting for i in chosen))
        self.open_button.setEnabled(len(chosen) == 1)

    def selected_customer_id(self) -> int | None:
        """The customer of the one chosen entry; None when none or several are chosen."""
        indexes = self.list.selectionModel().selectedRows()
        if len(indexes) != 1:
            return None
        return int(indexes[0].data(CUSTOMER_ID_ROLE))

    def created_text(self, created: int) -> str:
        """What to tell the owner after `created` "tell them" follow-ups were added."""
        due = {r.tell_them_due_on for r in self.model.rows() if r.tell_them_due_on}
        when = min(due).strftime("%a %Y-%m-%d") if due else ""
        if created == 1:
            return self.tr("Added a follow-up to tell them, due {0}.").format(when)
        return self.tr("Added {0} follow-ups to tell them, due {1}.").format(created, when)
