"""Manage tags: see how many customers carry each, rename or delete them."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from smallbiz_crm.domain.records.customers import TagRecord
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.list_editor import ListEditorDialog
from smallbiz_crm.ui.dialogs.list_editor_layout import editor_form
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named


class TagsDialog(ListEditorDialog[TagRecord]):
    """Every tag with its customer count; the chosen one can be renamed or deleted."""

    DELETE_BOX = "confirmDeleteTag"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setObjectName("tagsDialog")
        self.setWindowTitle(self.tr("Tags"))
        fit_to_screen(self, 480, 460)

        self.tag_list = self.make_list("tagList", [self.tr("Tag"), self.tr("Customers")])
        # Tags are made where they are used; this page only tidies them.
        self.make_empty_label(self.tr(
            "No tags yet. Add tags on a customer's profile, or to several customers at once "
            "from the customer list."), "noTags")
        self.name_edit = named(QLineEdit(), "tagName")
        self.rename_button = named(QPushButton(self.tr("&Rename")), "renameTag")
        # Enter in the name field renames: the dialog presses its default button.
        self.rename_button.setDefault(True)
        delete_button = self.make_delete_button("deleteTag")
        form = editor_form()
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        self.arrange_stacked(form=form, actions=[self.rename_button, delete_button])

        self.rename_button.clicked.connect(self._on_rename)
        self.open_first()

    # -- what the list and the editor show ---------------------------------------------------

    def fetch(self) -> list[TagRecord]:
        return self.services.tags.all()

    def row_texts(self, record: TagRecord, number: int) -> list[str]:
        return [record.name, f"{record.customer_count:,}"]

    def fill_editor(self, record: TagRecord | None) -> None:
        self.name_edit.setText(record.name if record else "")
        for widget in (self.name_edit, self.rename_button):
            widget.setEnabled(record is not None)

    def current_tag_id(self) -> int | None:
        return self.current_id()

    def select_tag(self, tag_id: int) -> None:
        self.select(tag_id)

    # -- rename and delete ------------------------------------------------------------------

    def write(self, record_id: int | None) -> TagRecord:
        assert record_id is not None  # tags are made on customers, never here
        return self.services.tags.rename(record_id, self.name_edit.text())

    def _on_rename(self) -> None:
        tag = self.record(self.current_id())
        if tag is not None and self.name_edit.text().strip() != tag.name:
            self.save()

    def remove(self, record_id: int) -> None:
        # Customers only lose the tag.
        self.services.tags.delete(record_id)

    def delete_tag(self, tag_id: int) -> None:
        """Delete without asking (the button asks first); customers only lose the tag."""
        self.delete_record(tag_id)

    def delete_title(self) -> str:
        return self.tr("Delete tag")

    def delete_question(self, record: TagRecord) -> str:
        if record.customer_count:
            return self.tr("Delete the tag '{0}'?\n\nIt is taken off {1}; nothing else about "
                           "them changes.").format(record.name,
                                                   count_text(record.customer_count))
        return self.tr("Delete the tag '{0}'?\n\nNo customer has this tag.").format(record.name)
