"""Manage tags: see how many customers carry each, rename or delete them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import TagRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import item_with_id, named, set_current, tree_items
from smallbiz_crm.user_errors import user_message

COL_NAME = 0
COL_CUSTOMERS = 1
ID_ROLE = Qt.ItemDataRole.UserRole


class TagsDialog(QDialog):
    """Every tag with its customer count; the chosen one can be renamed or deleted."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.was_changed = False
        self._tags: dict[int, TagRecord] = {}
        self.setObjectName("tagsDialog")
        self.setWindowTitle(self.tr("Tags"))
        self.resize(480, 460)

        self.tag_list = named(QTreeWidget(), "tagList")
        self.tag_list.setHeaderLabels([self.tr("Tag"), self.tr("Customers")])
        self.tag_list.setRootIsDecorated(False)
        self.tag_list.setUniformRowHeights(True)
        self.tag_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tag_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CUSTOMERS, QHeaderView.ResizeMode.ResizeToContents)
        # Tags are made where they are used; this page only tidies them.
        self.empty_label = named(QLabel(self.tr(
            "No tags yet. Add tags on a customer's profile, or to several customers at once "
            "from the customer list.")), "noTags")
        self.empty_label.setWordWrap(True)

        self.name_edit = named(QLineEdit(), "tagName")
        self.rename_button = named(QPushButton(self.tr("&Rename")), "renameTag")
        # Enter in the name field renames: the dialog presses its default button.
        self.rename_button.setDefault(True)
        self.delete_button = named(QPushButton(self.tr("&Delete…")), "deleteTag")
        self.errors = FieldErrors()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.rename_button)
        actions.addWidget(self.delete_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tag_list, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addLayout(actions)
        layout.addWidget(buttons)

        self.tag_list.currentItemChanged.connect(self._on_current_changed)
        self.rename_button.clicked.connect(self._on_rename)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.reload()
        if self.tag_list.topLevelItemCount():
            set_current(self.tag_list, tree_items(self.tag_list)[0])

    def reload(self, select_id: int | None = None) -> None:
        self._tags = {t.id: t for t in self.services.tags.all()}
        self.tag_list.blockSignals(True)
        self.tag_list.clear()
        for tag in self._tags.values():
            item = QTreeWidgetItem([tag.name, f"{tag.customer_count:,}"])
            item.setData(COL_NAME, ID_ROLE, tag.id)
            item.setTextAlignment(COL_CUSTOMERS, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
            self.tag_list.addTopLevelItem(item)
            if tag.id == select_id:
                self.tag_list.setCurrentItem(item)
        self.tag_list.blockSignals(False)
        self.empty_label.setVisible(not self._tags)
        self._show_current()

    def current_tag_id(self) -> int | None:
        item = self.tag_list.currentItem()
        return item.data(COL_NAME, ID_ROLE) if item is not None else None

    def select_tag(self, tag_id: int) -> None:
        item = item_with_id(self.tag_list, tag_id, ID_ROLE)
        if item is not None:
            self.tag_list.setCurrentItem(item)

    def _on_current_changed(self, *_args: object) -> None:
        self._show_current()

    def _show_current(self) -> None:
        tag = self._tags.get(self.current_tag_id() or -1)
        self.errors.clear()
        self.name_edit.setText(tag.name if tag else "")
        for widget in (self.name_edit, self.rename_button, self.delete_button):
            widget.setEnabled(tag is not None)

    def rename_tag(self, tag_id: int, name: str) -> TagRecord:
        """Rename and refresh; a ValidationError (empty, name taken) is the caller's to show."""
        tag = self.services.tags.rename(tag_id, name)
        self.reload(select_id=tag.id)
        self._note_changed()
        return tag

    def _on_rename(self) -> None:
        tag_id = self.current_tag_id()
        if tag_id is None:
            return
        if self.name_edit.text().strip() == self._tags[tag_id].name:
            return
        try:
            self.rename_tag(tag_id, self.name_edit.text())
        except ValidationError as exc:
            self.errors.show(exc)
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            self.errors.show_message(message)

    def delete_tag(self, tag_id: int) -> None:
        """Delete without asking (the button asks first); customers only lose the tag."""
        ids = list(self._tags)
        row = ids.index(tag_id) if tag_id in ids else 0
        self.services.tags.delete(tag_id)
        self.reload()
        items = tree_items(self.tag_list)
        if items:
            # The next tag down takes the removed one's place, as in a file manager.
            set_current(self.tag_list, items[min(row, len(items) - 1)])
        self._note_changed()

    def delete_question(self, tag: TagRecord) -> str:
        if tag.customer_count:
            return self.tr("Delete the tag '{0}'?\n\nIt is taken off {1}; nothing else about "
                           "them changes.").format(tag.name, count_text(tag.customer_count))
        return self.tr("Delete the tag '{0}'?\n\nNo customer has this tag.").format(tag.name)

    def _on_delete_clicked(self) -> None:
        tag = self._tags.get(self.current_tag_id() or -1)
        if tag is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete tag"),
                          self.delete_question(tag),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmDeleteTag")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Delete"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() == QMessageBox.StandardButton.Yes:
            self.delete_tag(tag.id)

    def _note_changed(self) -> None:
        self.was_changed = True
        self.changed.emit()
