"""The owner's product list: add, rename, archive (stop offering) or delete products."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QTreeWidgetItem, QWidget

from smallbiz_crm.domain.records.feedback import ProductRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.list_editor import ListEditorDialog
from smallbiz_crm.ui.dialogs.list_editor_layout import editor_form
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named


class ProductsDialog(ListEditorDialog[ProductRecord]):
    """Every product with how much feedback it has; the chosen one can be changed."""

    DELETE_BOX = "confirmDeleteProduct"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setObjectName("productsDialog")
        self.products = services.products
        self.setWindowTitle(self.tr("Products"))
        fit_to_screen(self, 560, 500)

        self.new_name_edit = named(QLineEdit(), "newProductName")
        self.new_name_edit.setPlaceholderText(self.tr("A product or service you sell"))
        self.add_button = named(QPushButton(self.tr("&Add")), "addProduct")
        add_box = QWidget()
        add_row = QHBoxLayout(add_box)
        add_row.setContentsMargins(0, 0, 0, 0)
        add_row.addWidget(self.new_name_edit, 1)
        add_row.addWidget(self.add_button)
        add_form = editor_form()
        self.errors.add_row(add_form, self.tr("New &product"), "new_name", add_box)

        self.product_list = self.make_list(
            "productList", [self.tr("Product"), self.tr("Feedback"), self.tr("Open")])
        self.make_empty_label(self.tr(
            "No products yet. Add what you sell, so feedback can be grouped by product."),
            "noProducts")
        self.name_edit = named(QLineEdit(), "productName")
        self.rename_button = named(QPushButton(self.tr("&Rename")), "renameProduct")
        self.archive_button = named(QPushButton(self.tr("A&rchive")), "archiveProduct")
        self.archive_button.setToolTip(self.tr(
            "Stop offering it for new feedback; its feedback stays as it is."))
        delete_button = self.make_delete_button("deleteProduct")
        # Enter belongs to the name fields (add, or rename), not to whichever button is first.
        for button in (self.add_button, self.rename_button, self.archive_button, delete_button):
            button.setAutoDefault(False)
        edit_form = editor_form()
        self.errors.add_row(edit_form, self.tr("Na&me"), "name", self.name_edit)
        self.arrange_stacked(above=add_form, form=edit_form,
                             actions=[self.rename_button, self.archive_button, delete_button])

        self.add_button.clicked.connect(self._on_add)
        self.new_name_edit.returnPressed.connect(self._on_add)
        self.rename_button.clicked.connect(self._on_rename)
        self.name_edit.returnPressed.connect(self._on_rename)
        self.archive_button.clicked.connect(self._on_archive)
        self.open_first()
        self.new_name_edit.setFocus()

    # -- what the list and the editor show ---------------------------------------------------

    def fetch(self) -> list[ProductRecord]:
        return self.products.all()

    def row_texts(self, record: ProductRecord, number: int) -> list[str]:
        name = self.tr("{0} (archived)").format(record.name) if record.archived else record.name
        return [name, f"{record.feedback_count:,}", f"{record.open_count:,}"]

    def style_row(self, item: QTreeWidgetItem, record: ProductRecord) -> None:
        if record.archived:
            muted = self.palette().brush(QPalette.ColorRole.PlaceholderText)
            for column in range(item.columnCount()):
                item.setForeground(column, muted)

    def fill_editor(self, record: ProductRecord | None) -> None:
        self.name_edit.setText(record.name if record else "")
        for widget in (self.name_edit, self.rename_button, self.archive_button):
            widget.setEnabled(record is not None)
        self.archive_button.setText(self.tr("Rest&ore") if record and record.archived
                                    else self.tr("A&rchive"))

    def clear_errors(self) -> None:
        # A mistake in the new product's name stays in view while the owner looks around.
        self.errors.label("name").hide()

    def select_product(self, product_id: int) -> None:
        self.select(product_id)

    def product_names(self) -> list[str]:
        return [p.name for p in self.records()]

    # -- actions (each callable directly; a ValidationError is the caller's to show) --------

    def add_product(self, name: str) -> ProductRecord:
        product = self.products.add(name)
        self.new_name_edit.clear()
        self.show_saved(product)
        return product

    def rename_product(self, product_id: int, name: str) -> ProductRecord:
        product = self.products.rename(product_id, name)
        self.show_saved(product)
        return product

    def set_archived(self, product_id: int, archived: bool) -> ProductRecord:
        product = self.products.archive(product_id, archived)
        self.show_saved(product)
        return product

    def remove(self, record_id: int) -> None:
        self.products.delete(record_id)

    def delete_title(self) -> str:
        return self.tr("Delete product")

    def delete_question(self, record: ProductRecord) -> str:
        if record.feedback_count:
            amount = (self.tr("Its one piece of feedback is kept") if record.feedback_count == 1
                      else self.tr("Its {0} pieces of feedback are kept").format(
                          record.feedback_count))
            return self.tr(
                "Delete the product '{0}'?\n\n{1}, as feedback about no particular product. "
                "To stop offering it but keep the grouping, archive it instead.").format(
                    record.name, amount)
        return self.tr("Delete the product '{0}'?\n\nIt has no feedback.").format(record.name)

    # -- buttons ----------------------------------------------------------------------------

    def _run(self, field: str, action: Callable[[], object]) -> None:
        """Run a button's action; a mistake shows under `field`, whatever the service calls
        it (adding says "name", but the new name has its own field here)."""
        self.errors.clear()
        try:
            action()
        except ValidationError as exc:
            message = next(iter(exc.fields.values()))
            self.errors.show(ValidationError({field: message}))
        except Exception as exc:
            if not self.show_error(exc):
                raise

    def _on_add(self) -> None:
        self._run("new_name", lambda: self.add_product(self.new_name_edit.text()))

    def _on_rename(self) -> None:
        product = self.record(self.current_id())
        if product is not None and self.name_edit.text().strip() != product.name:
            self._run("name", lambda: self.rename_product(product.id, self.name_edit.text()))

    def _on_archive(self) -> None:
        product = self.record(self.current_id())
        if product is not None:
            self._run("name", lambda: self.set_archived(product.id, not product.archived))
