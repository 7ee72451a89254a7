"""Logging a gesture from the Gestures page: the customers to log it for, and the button."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import CustomerListRow
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.pages.gesture_filters import SEARCH_DELAY_MS

PICKER_LIMIT = 20
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class CustomerPicker(QWidget):
    """Choose customers to log a gesture for: type part of a name, pick from the list that
    opens, repeat; `changed` after the chosen list changes."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerPicker")
        self.services = services
        self.edit = QLineEdit(objectName="customerPickerEdit")
        self.edit.setPlaceholderText(self.tr("Add a customer: type part of a name…"))
        self.edit.setClearButtonEnabled(True)
        self.matches = QStandardItemModel(self)
        self.completer = QCompleter(self.matches, self)
        self.completer.setObjectName("customerPickerCompleter")
        # The service has matched already; the completer must not filter again.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setMaxVisibleItems(10)
        self.edit.setCompleter(self.completer)
        self.list = QListWidget(objectName="chosenCustomers")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.remove_button = QPushButton(self.tr("Remove"), objectName="removeChosenButton")
        self.clear_button = QPushButton(self.tr("Clear"), objectName="clearChosenButton")

        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.edit.textEdited.connect(lambda _text: self._timer.start())
        self.edit.returnPressed.connect(self._on_return)
        # The QModelIndex overload carries the customer id; the stubs do not model overloads.
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._on_chosen)
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button.clicked.connect(self.clear)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def search(self) -> list[CustomerListRow]:
        """Offer the customers matching what is typed (at most 20), leaving out those chosen."""
        self._timer.stop()
        typed = self.edit.text().strip()
        chosen = set(self.customer_ids())
        rows = ([row for row in self.services.customers.search(
            typed, limit=PICKER_LIMIT + len(chosen)) if row.id not in chosen][:PICKER_LIMIT]
            if typed else [])
        self.matches.clear()
        for row in rows:
            extra = " · ".join(part for part in (row.company, row.email or row.phone) if part)
            item = QStandardItem(f"{row.name}  ({extra})" if extra else row.name)
            item.setData(row.name, NAME_ROLE)
            item.setData(row.id, ID_ROLE)
            item.setEditable(False)
            self.matches.appendRow(item)
        if rows and self.edit.hasFocus():
            self.completer.complete()
        return rows

    def _on_return(self) -> None:
        rows = self.search()
        if len(rows) == 1:
            self.add(rows[0].id, rows[0].name)

    def _on_chosen(self, index: QModelIndex) -> None:
        self.add(int(index.data(ID_ROLE)), str(index.data(NAME_ROLE)))

    def add(self, customer_id: int, name: str) -> None:
        if customer_id not in self.customer_ids():
            item = QListWidgetItem(name)
            item.setData(ID_ROLE, customer_id)
            self.list.addItem(item)
            self.changed.emit()
        # After the completer has written the name into the box: empty it for the next one.
        QTimer.singleShot(0, self.edit.clear)
        self._update_buttons()

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._update_buttons()
        self.changed.emit()

    def clear(self) -> None:
        self.list.clear()
        self._update_buttons()
        self.changed.emit()

    def customer_ids(self) -> list[int]:
        return [int(self.list.item(i).data(ID_ROLE)) for i in range(self.list.count())]

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()))
        self.clear_button.setEnabled(self.list.count() > 0)


class LogGestureBox(QGroupBox):
    """"Log a gesture", beside the list: the picked customers, a word on whom it is for, and
    the button that opens the form."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logGroup")
        self.setTitle(self.tr("Log a gesture"))
        self.picker = CustomerPicker(services)
        self.log_button = QPushButton(self.tr("Log gesture…"), objectName="logGestureButton")
        self.log_button.setDefault(False)
        self.log_hint = QLabel(objectName="logHint")
        self.log_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.log_hint.setWordWrap(True)
        self.log_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column = QVBoxLayout(self)
        column.addWidget(self.picker, 1)
        column.addWidget(self.log_hint)
        column.addWidget(self.log_button)
        self.setFixedWidth(270)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def show_targets(self, picked: int, selected: int) -> None:
        """Say whom a gesture would be logged for: the picked customers, else the customers of
        the gestures selected in the list; the button only when there is someone."""
        self.log_button.setEnabled(bool(picked or selected))
        if picked:
            self.log_hint.setText(self.tr("For the {0} customers listed above.").format(
                picked) if picked != 1 else self.tr("For the customer listed above."))
        elif selected:
            self.log_hint.setText(self.tr(
                "For the customers of the selected gestures ({0}).").format(selected))
        else:
            self.log_hint.setText(self.tr(
                "Add customers above, or select gestures in the list to log one for the "
                "same customers."))
