"""Recording what a customer said about a product: an idea, a complaint or praise."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.feedback import FeedbackDraft, FeedbackRow, ProductRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.feedback import MAX_RATING, MIN_RATING
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.feedback_table import kind_labels, stars
from smallbiz_crm.ui.widgets.customer_picker import CustomerPicker
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import named

# A rating the service is sure to refuse: typed text that is no number still gets the message
# next to the field together with every other problem, and nothing is written.
_UNREADABLE_RATING = 0


class FeedbackDialog(QDialog):
    """Add feedback for `customer_id`, or, when it is None, for a customer picked by name."""

    def __init__(self, services: Services, customer_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackDialog")
        self.services = services
        self.feedback = services.feedback
        self.products = services.products
        self.saved: FeedbackRow | None = None
        self.created_products: list[ProductRecord] = []
        self._customer_id = customer_id

        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        # -- customer: fixed, or picked by typing part of a name --
        self.customer_edit: CustomerPicker | None = None
        if customer_id is not None:
            name = services.customers.get(customer_id).name
            self.setWindowTitle(self.tr("Feedback from {0}").format(name))
            self.customer_label = named(QLabel(name), "customerLabel")
            self.errors.add_row(self.form, self.tr("Customer"), "customer", self.customer_label)
        else:
            self.setWindowTitle(self.tr("Add feedback"))
            edit = named(CustomerPicker(services), "customerEdit")
            edit.setPlaceholderText(self.tr("Type part of the customer's name…"))
            self.customer_model = edit.matches
            self.customer_completer = edit.completer_
            edit.chosen.connect(lambda _id: self.errors.label("customer").hide())
            self.customer_edit = edit
            self.errors.add_row(self.form, self.tr("Customer"), "customer", edit)

        # -- product, with a way to add one without leaving the form --
        self.product_combo = named(QComboBox(), "productCombo")
        self.new_product_button = named(QPushButton(self.tr("New product…")), "newProductButton")
        self.new_product_button.setAutoDefault(False)
        self.new_product_edit = named(QLineEdit(), "newProductEdit")
        self.new_product_edit.setPlaceholderText(self.tr("Name of the new product"))
        self.add_product_button = named(QPushButton(self.tr("Add")), "addProductButton")
        self.add_product_button.setAutoDefault(False)
        self.cancel_product_button = named(QPushButton(self.tr("Cancel")),
                                           "cancelProductButton")
        self.cancel_product_button.setAutoDefault(False)
        product_box = QWidget()
        product_column = QVBoxLayout(product_box)
        product_column.setContentsMargins(0, 0, 0, 0)
        product_column.setSpacing(4)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.product_combo, 1)
        pick_row.addWidget(self.new_product_button)
        self.new_product_row = QWidget()
        new_row = QHBoxLayout(self.new_product_row)
        new_row.setContentsMargins(0, 0, 0, 0)
        new_row.addWidget(self.new_product_edit, 1)
        new_row.addWidget(self.add_product_button)
        new_row.addWidget(self.cancel_product_button)
        self.new_product_row.hide()
        product_column.addLayout(pick_row)
        product_column.addWidget(self.new_product_row)
        self.errors.add_row(self.form, self.tr("Product"), "product", product_box)

        self.kind_combo = named(QComboBox(), "kindCombo")
        for kind, label in kind_labels().items():
            self.kind_combo.addItem(label, kind.value)
        self.errors.add_row(self.form, self.tr("Kind"), "kind", self.kind_combo)

        self.text_edit = named(QPlainTextEdit(), "textEdit")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setPlaceholderText(self.tr("What they said, in their words"))
        self.text_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.errors.add_row(self.form, self.tr("What they said"), "text", self.text_edit)

        # Editable: the list offers 1–5, and what is typed is checked, not silently dropped.
        self.rating_combo = named(QComboBox(), "ratingCombo")
        self.rating_combo.setEditable(True)
        self.rating_combo.addItem("", None)
        for value in range(MIN_RATING, MAX_RATING + 1):
            self.rating_combo.addItem(str(value), value)
        self.rating_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.rating_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("none"))
        self.rating_combo.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000") + 48)
        self.rating_stars = named(QLabel(), "ratingStars")
        rating_box = QWidget()
        rating_row = QHBoxLayout(rating_box)
        rating_row.setContentsMargins(0, 0, 0, 0)
        rating_row.addWidget(self.rating_combo)
        rating_row.addWidget(self.rating_stars)
        rating_row.addWidget(QLabel(self.tr("optional, {0} to {1}").format(
            MIN_RATING, MAX_RATING)), 1)
        self.errors.add_row(self.form, self.tr("Rating"), "rating", rating_box)

        self.received_edit = named(QDateEdit(), "receivedEdit")
        self.received_edit.setCalendarPopup(True)
        self.received_edit.setDisplayFormat("yyyy-MM-dd")
        self.received_edit.setDate(QDate(services.clock().date()))
        self.received_edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.kind_combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.errors.add_row(self.form, self.tr("Received"), "received_on", self.received_edit)

        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("Save")), "saveButton")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        self.new_product_button.clicked.connect(self.show_new_product)
        self.add_product_button.clicked.connect(self._on_add_product)
        self.cancel_product_button.clicked.connect(self.hide_new_product)
        self.new_product_edit.returnPressed.connect(self._on_add_product)
        self.rating_combo.currentTextChanged.connect(self._on_rating_text)
        self.fill_products()
        if self.customer_edit is not None:
            self.customer_edit.setFocus()
        else:
            self.text_edit.setFocus()

    # -- customer ---------------------------------------------------------------------------

    @property
    def customer_id(self) -> int | None:
        # Only a customer picked from the list counts: typed names are not guessed at.
        if self.customer_edit is not None:
            return self.customer_edit.picked_id()
        return self._customer_id

    def search_customers(self) -> int:
        """Fill the completer with customers matching what is typed; returns how many."""
        return len(self.customer_edit.search()) if self.customer_edit is not None else 0

    # -- products ---------------------------------------------------------------------------

    def fill_products(self, select_id: int | None = None) -> None:
        """The products still sold, then "no particular product"; keeps the current choice."""
        keep = select_id if select_id is not None else self.product_combo.currentData()
        self.product_combo.blockSignals(True)
        self.product_combo.clear()
        # "None" first: picking a product is a choice, not whatever sorts first.
        self.product_combo.addItem(self.tr("(no particular product)"), None)
        for product in self.products.all(include_archived=False):
            self.product_combo.addItem(product.name, product.id)
        index = self.product_combo.findData(keep) if keep is not None else -1
        self.product_combo.setCurrentIndex(max(index, 0))
        self.product_combo.blockSignals(False)

    def show_new_product(self) -> None:
        self.new_product_row.show()
        self.new_product_button.setEnabled(False)
        self.new_product_edit.setFocus()

    def hide_new_product(self) -> None:
        self.new_product_edit.clear()
        self.new_product_row.hide()
        self.new_product_button.setEnabled(True)
        self.errors.label("product").hide()

    def add_product(self, name: str) -> ProductRecord | None:
        """Create the product and choose it; a problem shows under the product field."""
        label = self.errors.label("product")
        try:
            product = self.products.add(name)
        except ValidationError as exc:
            label.setText(next(iter(exc.fields.values())))
            label.show()
            self.new_product_edit.setFocus()
            return None
        self.created_products.append(product)
        self.fill_products(select_id=product.id)
        self.hide_new_product()
        return product

    def _on_add_product(self) -> None:
        self.add_product(self.new_product_edit.text())

    # -- rating -----------------------------------------------------------------------------

    def _on_rating_text(self, text: str) -> None:
        value = self._rating_value(text)
        self.rating_stars.setText(stars(value) if value and MIN_RATING <= value <= MAX_RATING
                                  else "")

    @staticmethod
    def _rating_value(text: str) -> int | None:
        cleaned = text.strip()
        if not cleaned:
            return None
        return int(cleaned) if cleaned.isdigit() else _UNREADABLE_RATING

    # -- saving -----------------------------------------------------------------------------

    def draft(self) -> FeedbackDraft:
        received = self.received_edit.date().toPython()
        assert isinstance(received, date)
        return FeedbackDraft(
            customer_id=self.customer_id, product_id=self.product_combo.currentData(),
            kind=str(self.kind_combo.currentData()), text=self.text_edit.toPlainText(),
            rating=self._rating_value(self.rating_combo.currentText()), received_on=received)

    def save(self) -> bool:
        """Save the feedback; on a problem show it next to its field and keep what was typed."""
        self.errors.clear()
        draft = self.draft()
        if self.customer_edit is not None and draft.customer_id is None and \
                self.customer_edit.text().strip():
            # A name typed but not picked: say so rather than "choose the customer".
            customer_message = self.tr("Pick the customer from the list that appears as you "
                                       "type.")
        else:
            customer_message = ""
        try:
            self.saved = self.feedback.add(draft)
        except ValidationError as exc:
            fields = dict(exc.fields)
            if "customer" in fields and customer_message:
                fields["customer"] = customer_message
            if "rating" in fields and draft.rating == _UNREADABLE_RATING:
                fields["rating"] = self.tr("Type a whole number from {0} to {1}, or leave it "
                                           "empty.").format(MIN_RATING, MAX_RATING)
            self.errors.show(ValidationError(fields))
            return False
        except NotFoundError as exc:
            self.errors.show_message(str(exc))
            return False
        self.accept()
        return True
