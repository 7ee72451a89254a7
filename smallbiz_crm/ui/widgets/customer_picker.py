"""Choosing customers by typing part of a name, phone or email and picking from the list."""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import CustomerListRow
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.qt_helpers import named

# Waiting this long after the last keystroke keeps a fast typist from running a search per key.
SEARCH_DELAY_MS = 150
PICKER_LIMIT = 20
# Role holding the plain name the completer writes into the line edit; the popup shows more.
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class CustomerPicker(QLineEdit):
    """Type part of a name, phone or email; pick the customer from the list that opens.

    `excluded` names customers never offered (the customer being edited, those already
    chosen); `phone_first` shows the phone rather than the email beside each name.
    """

    chosen = Signal(object)  # customer id or None

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 excluded: Callable[[], Collection[int]] = frozenset,
                 phone_first: bool = False) -> None:
        super().__init__(parent)
        self.services = services
        self.excluded = excluded
        self.phone_first = phone_first
        self._customer_id: int | None = None
        self._customer_name = ""
        self.setPlaceholderText(self.tr("Type part of a customer's name or phone…"))
        self.setClearButtonEnabled(True)
        self.matches = QStandardItemModel(self)
        self.completer_ = QCompleter(self.matches, self)
        self.completer_.setObjectName("customerCompleter")
        # The service has already matched the text; the completer must not filter again.
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCompletionRole(NAME_ROLE)
        self.completer_.setMaxVisibleItems(10)
        self.setCompleter(self.completer_)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.textEdited.connect(lambda _text: self._timer.start())
        # The QModelIndex overload carries the customer id; the stubs do not model overloads.
        self.completer_.activated[QModelIndex].connect(  # type: ignore[index]
            lambda index: self.choose(int(index.data(ID_ROLE)), str(index.data(NAME_ROLE))))

    def _matching(self, text: str) -> list[CustomerListRow]:
        excluded = self.excluded()
        rows = self.services.customers.search(text, limit=PICKER_LIMIT + len(excluded))
        return [row for row in rows if row.id not in excluded][:PICKER_LIMIT]

    def search(self) -> list[CustomerListRow]:
        """Fill the list with the customers matching what is typed (at most 20)."""
        self._timer.stop()
        text = self.text().strip()
        rows = self._matching(text) if text else []
        self.matches.clear()
        for row in rows:
            contact = (row.phone or row.email) if self.phone_first else (row.email or row.phone)
            extra = " · ".join(part for part in (row.company, contact) if part)
            item = QStandardItem(f"{row.name}  ({extra})" if extra else row.name)
            item.setData(row.name, NAME_ROLE)
            item.setData(row.id, ID_ROLE)
            item.setEditable(False)
            self.matches.appendRow(item)
        if rows and self.hasFocus():
            self.completer_.complete()
        return rows

    def choose(self, customer_id: int | None, name: str = "") -> None:
        self._timer.stop()
        self._customer_id = customer_id
        self._customer_name = name if customer_id is not None else ""
        self.setText(self._customer_name)
        self.chosen.emit(customer_id)

    def picked_id(self) -> int | None:
        """The customer picked from the list, while the box still shows their name."""
        if self._customer_id is not None and self.text().strip() == self._customer_name:
            return self._customer_id
        return None

    def _exact(self, text: str) -> list[CustomerListRow]:
        return [row for row in self._matching(text) if row.name.casefold() == text.casefold()]

    def customer_id(self) -> int | None:
        """The picked customer; a full name typed without picking counts if only one has it."""
        text = self.text().strip()
        if not text:
            return None
        picked = self.picked_id()
        if picked is not None:
            return picked
        exact = self._exact(text)
        if len(exact) == 1:
            self.choose(exact[0].id, exact[0].name)
            return exact[0].id
        return None

    def problem(self, empty: str, unpicked: str = "") -> str:
        """Why customer_id() is None, in words for the form: `empty` when nothing is typed,
        `unpicked` (in the form's own words, if given) for a name no customer has."""
        text = self.text().strip()
        if not text:
            return empty
        if len(self._exact(text)) > 1:
            return self.tr("Several customers are called '{0}'; pick one from the list."
                           ).format(text)
        return unpicked or self.tr("Pick the customer from the list that opens as you type.")


class CustomerListPicker(QWidget):
    """Choose several customers: type part of a name, pick from the list that opens, repeat;
    `changed` after the chosen list changes."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerPicker")
        self.services = services
        # Those already chosen are not offered again.
        self.edit = named(CustomerPicker(services, excluded=lambda: set(self.customer_ids())),
                          "customerPickerEdit")
        self.edit.setPlaceholderText(self.tr("Add a customer: type part of a name…"))
        self.matches = self.edit.matches
        self.completer = self.edit.completer_
        self.completer.setObjectName("customerPickerCompleter")
        self.list = named(QListWidget(), "chosenCustomers")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.remove_button = named(QPushButton(self.tr("Remove")), "removeChosenButton")
        self.clear_button = named(QPushButton(self.tr("Clear")), "clearChosenButton")

        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

        self.edit.returnPressed.connect(self._on_return)
        self.edit.chosen.connect(self._on_chosen)
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button.clicked.connect(self.clear)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def search(self) -> list[CustomerListRow]:
        """Offer the customers matching what is typed (at most 20), leaving out those chosen."""
        return self.edit.search()

    def _on_return(self) -> None:
        rows = self.search()
        if len(rows) == 1:
            self.add(rows[0].id, rows[0].name)

    def _on_chosen(self, customer_id: int | None) -> None:
        if customer_id is not None:
            self.add(customer_id, self.edit.text())

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
