"""The owner's product list: add, rename, archive (stop offering) or delete products."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
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

from smallbiz_crm.domain.records.feedback import ProductRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import item_with_id, named, set_current, tree_items
from smallbiz_crm.user_errors import user_message

COL_NAME, COL_FEEDBACK, COL_OPEN = range(3)
ID_ROLE = Qt.ItemDataRole.UserRole


class ProductsDialog(QDialog):
    """Every product with how much feedback it has; the chosen one can be changed."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productsDialog")
        self.services = services
        self.products = services.products
        self.was_changed = False
        self._products: dict[int, ProductRecord] = {}
        self.setWindowTitle(self.tr("Products"))
        self.resize(560, 500)

        self.errors = FieldErrors()
        self.new_name_edit = named(QLineEdit(), "newProductName")
        self.new_name_edit.setPlaceholderText(self.tr("A product or service you sell"))
        self.add_button = named(QPushButton(self.tr("&Add")), "addProduct")
        self.add_button.setAutoDefault(False)
        add_box = QWidget()
        add_row = QHBoxLayout(add_box)
        add_row.setContentsMargins(0, 0, 0, 0)
        add_row.addWidget(self.new_name_edit, 1)
        add_row.addWidget(self.add_button)
        add_form = QFormLayout()
        add_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(add_form, self.tr("New &product"), "new_name", add_box)

        self.product_list = named(QTreeWidget(), "productList")
        self.product_list.setHeaderLabels([self.tr("Product"), self.tr("Feedback"),
                                           self.tr("Open")])
        self.product_list.setRootIsDecorated(False)
        self.product_list.setUniformRowHeights(True)
        self.product_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.product_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in (COL_FEEDBACK, COL_OPEN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.empty_label = named(QLabel(self.tr(
            "No products yet. Add what you sell, so feedback can be grouped by product.")),
            "noProducts")
        self.empty_label.setWordWrap(True)

        self.name_edit = named(QLineEdit(), "productName")
        self.rename_button = named(QPushButton(self.tr("&Rename")), "renameProduct")
        self.archive_button = named(QPushButton(self.tr("A&rchive")), "archiveProduct")
        self.archive_button.setToolTip(self.tr(
            "Stop offering it for new feedback; its feedback stays as it is."))
        self.delete_button = named(QPushButton(self.tr("&Delete…")), "deleteProduct")
        for button in (self.rename_button, self.archive_button, self.delete_button):
            button.setAutoDefault(False)
        edit_form = QFormLayout()
        edit_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(edit_form, self.tr("Na&me"), "name", self.name_edit)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.rename_button)
        actions.addWidget(self.archive_button)
        actions.addWidget(self.delete_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(add_form)
        layout.addWidget(self.product_list, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(edit_form)
        layout.addWidget(self.errors.general)
        layout.addLayout(actions)
        layout.addWidget(buttons)

        self.product_list.currentItemChanged.connect(self._show_current)
        self.add_button.clicked.connect(self._on_add)
        self.new_name_edit.returnPressed.connect(self._on_add)
        self.rename_button.clicked.connect(self._on_rename)
        self.name_edit.returnPressed.connect(self._on_rename)
        self.archive_button.clicked.connect(self._on_archive)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.reload()
        items = tree_items(self.product_list)
        if items:
            set_current(self.product_list, items[0])
        self.new_name_edit.setFocus()

    # -- the list ---------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        self._products = {p.id: p for p in self.products.all()}
        self.product_list.blockSignals(True)
        self.product_list.clear()
        muted = self.palette().brush(QPalette.ColorRole.PlaceholderText)
        for product in self._products.values():
            name = (self.tr("{0} (archived)").format(product.name) if product.archived
                    else product.name)
            item = QTreeWidgetItem([name, f"{product.feedback_count:,}",
                                    f"{product.open_count:,}"])
            item.setData(COL_NAME, ID_ROLE, product.id)
            for column in (COL_FEEDBACK, COL_OPEN):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            if product.archived:
                for column in range(3):
                    item.setForeground(column, muted)
            self.product_list.addTopLevelItem(item)
            if product.id == select_id:
                self.product_list.setCurrentItem(item)
        self.product_list.blockSignals(False)
        self.empty_label.setVisible(not self._products)
        self._show_current()

    def current_product_id(self) -> int | None:
        item = self.product_list.currentItem()
        return item.data(COL_NAME, ID_ROLE) if item is not None else None

    def select_product(self, product_id: int) -> None:
        item = item_with_id(self.product_list, product_id, ID_ROLE)
        if item is not None:
            self.product_list.setCurrentItem(item)

    def product_names(self) -> list[str]:
        return [p.name for p in self._products.values()]

    def _show_current(self, *_args: object) -> None:
        product = self._products.get(self.current_product_id() or -1)
        self.errors.label("name").hide()
        self.name_edit.setText(product.name if product else "")
        for widget in (self.name_edit, self.rename_button, self.archive_button,
                       self.delete_button):
            widget.setEnabled(product is not None)
        self.archive_button.setText(self.tr("Rest&ore") if product and product.archived
                                    else self.tr("A&rchive"))

    # -- actions (each callable directly; a ValidationError is the caller's to show) --------

    def add_product(self, name: str) -> ProductRecord:
        product = self.products.add(name)
        self.new_name_edit.clear()
        self.reload(select_id=product.id)
        self._note_changed()
        return product

    def rename_product(self, product_id: int, name: str) -> ProductRecord:
        product = self.products.rename(product_id, name)
        self.reload(select_id=product.id)
        self._note_changed()
        return product

    def set_archived(self, product_id: int, archived: bool) -> ProductRecord:
        product = self.products.archive(product_id, archived)
        self.reload(select_id=product.id)
        self._note_changed()
        return product

    def delete_product(self, product_id: int) -> None:
        """Delete without asking (the button asks first); its feedback stays."""
        ids = list(self._products)
        row = ids.index(product_id) if product_id in ids else 0
        self.products.delete(product_id)
        self.reload()
        items = tree_items(self.product_list)
        if items:
            set_current(self.product_list, items[min(row, len(items) - 1)])
        self._note_changed()

    def delete_question(self, product: ProductRecord) -> str:
        if product.feedback_count:
            amount = (self.tr("Its one piece of feedback is kept") if product.feedback_count == 1
                      else self.tr("Its {0} pieces of feedback are kept").format(
                          product.feedback_count))
            return self.tr(
                "Delete the product '{0}'?\n\n{1}, as feedback about no particular product. "
                "To stop offering it but keep the grouping, archive it instead.").format(
                    product.name, amount)
        return self.tr("Delete the product '{0}'?\n\nIt has no feedback.").format(product.name)

    # -- buttons ----------------------------------------------------------------------------

    def _run(self, field: str, action: Callable[[], object]) -> None:
        self.errors.clear()
        try:
            action()
        except ValidationError as exc:
            message = next(iter(exc.fields.values()))
            self.errors.show(ValidationError({field: message}))
        except Exception as exc:
            message_text = user_message(exc)
            if message_text is None:
                raise
            self.errors.show_message(message_text)

    def _on_add(self) -> None:
        self._run("new_name", lambda: self.add_product(self.new_name_edit.text()))

    def _on_rename(self) -> None:
        product_id = self.current_product_id()
        if product_id is None or self.name_edit.text().strip() == \
                self._products[product_id].name:
            return
        self._run("name", lambda: self.rename_product(product_id, self.name_edit.text()))

    def _on_archive(self) -> None:
        product = self._products.get(self.current_product_id() or -1)
        if product is not None:
            self._run("name", lambda: self.set_archived(product.id, not product.archived))

    def _on_delete_clicked(self) -> None:
        product = self._products.get(self.current_product_id() or -1)
        if product is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete product"),
                          self.delete_question(product),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmDeleteProduct")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Delete"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() == QMessageBox.StandardButton.Yes:
            self._run("name", lambda: self.delete_product(product.id))

    def _note_changed(self) -> None:
        self.was_changed = True
        self.changed.emit()
