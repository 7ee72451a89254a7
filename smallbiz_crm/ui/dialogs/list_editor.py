"""The shape the manage dialogs share: a list of things and an editor for the chosen one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.list_editor_layout import (
    button_row,
    intro_label,
    side_by_side,
)
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import (
    ask_save_changes,
    item_with_id,
    named,
    set_current,
    tree_items,
)
from smallbiz_crm.user_errors import user_message

COL_NAME = 0
ID_ROLE = Qt.ItemDataRole.UserRole


class Listed(Protocol):
    """A record the list can show: anything with an id."""

    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=Listed)


class ListEditorDialog(QDialog, Generic[R]):
    """Records in a list; choosing one loads it into the editor beside or below the list.

    A subclass builds its fields and declares its service calls: `fetch` (the records in list
    order), `row_texts` (a row's columns: a name, then numbers), `fill_editor`, `write` (save
    the editor) and `remove`. This class owns choosing from the list, new and delete, the
    "save unsaved changes?" question, the messages by the fields, and telling the window.
    """

    changed = Signal()

    #: object names of the two questions, for tests and screen readers
    UNSAVED_BOX = ""
    DELETE_BOX = ""

    name_edit: QLineEdit

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.was_changed = False
        self.errors = FieldErrors()
        self.new_button: QPushButton | None = None
        self.delete_button: QPushButton | None = None
        self.empty_label: QLabel | None = None
        self._records: dict[int, R] = {}
        self._current_id: int | None = None
        self._loaded: R | None = None
        self._dirty = False
        self.item_list = QTreeWidget()

    # -- what a subclass declares -----------------------------------------------------------

    def fetch(self) -> list[R]:
        raise NotImplementedError

    def row_texts(self, record: R, number: int) -> list[str]:
        """The columns of `record`'s row; `number` counts from 1 in list order."""
        raise NotImplementedError

    def style_row(self, item: QTreeWidgetItem, record: R) -> None:
        """Tooltips or muted colours for a row; nothing by default."""

    def fill_editor(self, record: R | None) -> None:
        """Show `record` in the fields; None empties them for a new one."""
        raise NotImplementedError

    def write(self, record_id: int | None) -> R:
        """Save what the editor holds (None: as a new record) through the service; only
        dialogs with a Save button (or a rename that goes through `save`) need it."""
        raise NotImplementedError

    def remove(self, record_id: int) -> None:
        raise NotImplementedError

    def unsaved_question(self) -> str:
        return self.tr("Save the changes?")

    def delete_title(self) -> str:
        return self.tr("Delete")

    def delete_question(self, record: R) -> str:
        raise NotImplementedError

    def clear_errors(self) -> None:
        """Forget the messages when another record is loaded."""
        self.errors.clear()

    def update_buttons(self) -> None:
        if self.delete_button is not None:
            self.delete_button.setEnabled(self._current_id is not None)

    # -- building ---------------------------------------------------------------------------

    def make_list(self, object_name: str, headers: Sequence[str]) -> QTreeWidget:
        """The list: the first column stretches, the others are numbers sized to fit."""
        tree = named(self.item_list, object_name)
        tree.setHeaderLabels(list(headers))
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if len(headers) == 1:
            header.hide()  # one column of names reads as a plain list, with nothing to label
        tree.currentItemChanged.connect(self._on_current_changed)
        return tree

    def make_new_button(self, text: str, object_name: str) -> QPushButton:
        self.new_button = named(QPushButton(text), object_name)
        self.new_button.clicked.connect(self._on_new_clicked)
        return self.new_button

    def make_delete_button(self, object_name: str, text: str = "") -> QPushButton:
        self.delete_button = named(QPushButton(text or self.tr("&Delete…")), object_name)
        self.delete_button.clicked.connect(self.on_delete_clicked)
        return self.delete_button

    def make_save_button(self, text: str, object_name: str) -> QPushButton:
        button = named(QPushButton(text), object_name)
        # Enter in a field saves: the dialog presses its default button.
        button.setDefault(True)
        button.clicked.connect(self.save)
        return button

    def make_empty_label(self, text: str, object_name: str) -> QLabel:
        self.empty_label = named(QLabel(text), object_name)
        self.empty_label.setWordWrap(True)
        return self.empty_label

    def close_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        return buttons

    def arrange_side_by_side(self, *, intro: str, list_buttons: Sequence[QPushButton],
                             editor: Sequence[QWidget | QLayout], save_button: QPushButton,
                             splitter_name: str, sizes: tuple[int, int],
                             footer: QWidget | None = None) -> None:
        """An explanation above, the list beside the editor, Close (after `footer`) below."""
        splitter = side_by_side(self.item_list, list_buttons,
                                [*editor, self.errors.general], save_button)
        named(splitter, splitter_name).setSizes(list(sizes))
        bottom = QHBoxLayout()
        if footer is not None:
            bottom.addWidget(footer, 1)
        bottom.addWidget(self.close_buttons())
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label(intro))
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    def arrange_stacked(self, *, form: QFormLayout, actions: Sequence[QPushButton],
                        above: QLayout | None = None) -> None:
        """The list over the editor's form and its buttons; Close below."""
        layout = QVBoxLayout(self)
        if above is not None:
            layout.addLayout(above)
        layout.addWidget(self.item_list, 1)
        if self.empty_label is not None:
            layout.addWidget(self.empty_label)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addLayout(button_row(actions, stretch_first=True))
        layout.addWidget(self.close_buttons())

    def watch(self, *signals: SignalInstance) -> None:
        """Count a change from any of these field signals as an unsaved edit."""
        for signal in signals:
            signal.connect(self.mark_dirty)

    def open_first(self) -> None:
        """Fill the list and open its first record (or a new one when it is empty)."""
        self.reload()
        self.open_row(0)

    # -- the list ---------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        """Refill the list; the editor is left as it is."""
        records = self.fetch()
        self._records = {record.id: record for record in records}
        wanted = select_id if select_id is not None else self._current_id
        self.item_list.blockSignals(True)
        self.item_list.clear()
        for number, record in enumerate(records, start=1):
            item = QTreeWidgetItem(self.row_texts(record, number))
            item.setData(COL_NAME, ID_ROLE, record.id)
            for column in range(1, item.columnCount()):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            self.style_row(item, record)
            self.item_list.addTopLevelItem(item)
            if record.id == wanted:
                self.item_list.setCurrentItem(item)
        self.item_list.blockSignals(False)
        if self.empty_label is not None:
            self.empty_label.setVisible(not records)
        self.update_buttons()

    def records(self) -> list[R]:
        """The records in list order, as shown."""
        return list(self._records.values())

    def record(self, record_id: int | None) -> R | None:
        return self._records.get(record_id) if record_id is not None else None

    def current_id(self) -> int | None:
        """The record in the editor; None while a new one is being written."""
        return self._current_id

    def current_record(self) -> R | None:
        """The record as it was when loaded into the editor."""
        return self._loaded

    def item_for(self, record_id: int) -> QTreeWidgetItem | None:
        return item_with_id(self.item_list, record_id, ID_ROLE)

    def select(self, record_id: int) -> None:
        item = self.item_for(record_id)
        if item is not None:
            self.item_list.setCurrentItem(item)

    def open_row(self, row: int) -> None:
        """Open the record at `row` (or the last); with none left, a new one or nothing."""
        items = tree_items(self.item_list)
        if items:
            set_current(self.item_list, items[min(row, len(items) - 1)])
        elif self.new_button is not None:
            self.start_new()
        else:
            self._load(None)

    def _point_list_at(self, item: QTreeWidgetItem | None) -> None:
        self.item_list.blockSignals(True)
        set_current(self.item_list, item)
        self.item_list.blockSignals(False)

    def _on_current_changed(self, current: QTreeWidgetItem | None,
                            previous: QTreeWidgetItem | None) -> None:
        if current is None:
            return
        record_id = current.data(COL_NAME, ID_ROLE)
        if record_id == self._current_id:
            return
        if not self.settle_unsaved():
            # Stay on the record being edited: the owner cancelled, or saving failed.
            self._point_list_at(previous)
            return
        self._load(self._records.get(record_id))
        # Saving refilled the list (selecting the saved record): point it at the clicked one.
        self._point_list_at(self.item_for(record_id))

    # -- the editor -------------------------------------------------------------------------

    def _load(self, record: R | None) -> None:
        self._current_id = record.id if record is not None else None
        self._loaded = record
        self.fill_editor(record)
        self.clear_errors()
        self._dirty = False
        self.update_buttons()

    def mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def start_new(self) -> None:
        """Empty the editor for a new record (unsaved edits must be settled first)."""
        self._point_list_at(None)
        self._load(None)
        self.name_edit.setFocus()

    def _on_new_clicked(self) -> None:
        if self.settle_unsaved():
            self.start_new()

    def save(self) -> bool:
        """Save the editor; on a mistake the messages show by the fields and the text stays."""
        self.errors.clear()
        try:
            record = self.write(self._current_id)
        except Exception as exc:
            if not self.show_error(exc):
                raise
            return False
        self.show_saved(record)
        return True

    def show_saved(self, record: R) -> None:
        """After `record` changed: refill the list, show it in the editor, tell the window."""
        self._current_id = record.id
        self.reload(select_id=record.id)
        self._load(self._records.get(record.id, record))
        self.note_changed()

    def show_error(self, exc: BaseException) -> bool:
        """Show a mistake the owner can fix by its field (or above Save); False for a bug."""
        if isinstance(exc, ValidationError):
            self.errors.show(exc)
            return True
        message = user_message(exc)
        if message is None:
            return False
        self.errors.show_message(message)
        return True

    def settle_unsaved(self) -> bool:
        """Ask about unsaved edits; True when it is fine to leave them (saved or discarded)."""
        if not self._dirty:
            return True
        answer = ask_save_changes(self, self.unsaved_question(), self.UNSAVED_BOX)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._dirty = False
            return True
        return False

    # -- delete -----------------------------------------------------------------------------

    def delete_record(self, record_id: int) -> None:
        """Delete without asking (the button asks first)."""
        row = list(self._records).index(record_id) if record_id in self._records else 0
        self.remove(record_id)
        self.after_delete(record_id, row)

    def after_delete(self, record_id: int, row: int) -> None:
        """Refill the list; the next record down takes the removed one's place in the editor,
        as in a file manager."""
        if record_id == self._current_id:
            self._dirty = False
            self._current_id = None
            self._loaded = None
        self.reload()
        self.note_changed()
        if self._current_id is None:
            self.open_row(row)

    def confirm_delete(self, record: R) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, self.delete_title(),
                          self.delete_question(record),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName(self.DELETE_BOX)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Delete"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def on_delete_clicked(self) -> None:
        record = self.record(self._current_id)
        if record is None or not self.confirm_delete(record):
            return
        try:
            self.delete_record(record.id)
        except Exception as exc:
            if not self.show_error(exc):
                raise

    # -- closing ----------------------------------------------------------------------------

    def note_changed(self) -> None:
        self.was_changed = True
        self.changed.emit()

    def reject(self) -> None:
        if self.settle_unsaved():
            super().reject()
