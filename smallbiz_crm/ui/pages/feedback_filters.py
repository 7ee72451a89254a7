"""The Feedback page's filters: which status, kind and product of feedback to show."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from smallbiz_crm.domain.records.feedback import NO_PRODUCT, FeedbackFilter, ProductRecord
from smallbiz_crm.ui.models.feedback_table import kind_labels, status_labels
from smallbiz_crm.ui.widgets.qt_helpers import named


class FeedbackFilterBar(QWidget):
    """Status, kind and product choices; `changed` when the owner picks another."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_filter = named(QComboBox(), "statusFilter")
        self.status_filter.addItem(self.tr("All statuses"), None)
        for status, label in status_labels().items():
            self.status_filter.addItem(label, status.value)
        self.kind_filter = named(QComboBox(), "kindFilter")
        self.kind_filter.addItem(self.tr("All kinds"), None)
        for kind, label in kind_labels().items():
            self.kind_filter.addItem(label, kind.value)
        self.product_filter = named(QComboBox(), "productFilter")
        self.product_filter.setMinimumContentsLength(14)
        self.product_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, combo in ((self.tr("Status"), self.status_filter),
                             (self.tr("Kind"), self.kind_filter),
                             (self.tr("Product"), self.product_filter)):
            caption = QLabel(label)
            caption.setBuddy(combo)
            row.addSpacing(8)
            row.addWidget(caption)
            row.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit())

    def fill_products(self, products: Iterable[ProductRecord]) -> None:
        """Offer these products (archived ones marked), keeping the chosen one if still there."""
        keep = self.product_filter.currentData()
        self.product_filter.blockSignals(True)
        self.product_filter.clear()
        self.product_filter.addItem(self.tr("All products"), None)
        for product in products:
            name = (self.tr("{0} (archived)").format(product.name) if product.archived
                    else product.name)
            self.product_filter.addItem(name, product.id)
        self.product_filter.addItem(self.tr("No particular product"), NO_PRODUCT)
        index = self.product_filter.findData(keep) if keep is not None else 0
        self.product_filter.setCurrentIndex(max(index, 0))
        self.product_filter.blockSignals(False)

    def current_filter(self) -> FeedbackFilter:
        return FeedbackFilter(product_id=self.product_filter.currentData(),
                              status=self.status_filter.currentData(),
                              kind=self.kind_filter.currentData())
