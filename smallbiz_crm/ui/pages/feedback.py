"""The Feedback page: what customers said, grouped by product and status, and the news we owe."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.kinds import FeedbackStatus
from smallbiz_crm.domain.records.feedback import FeedbackFilter, FeedbackRow
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.feedback import can_move
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.feedback_dialog import FeedbackDialog
from smallbiz_crm.ui.dialogs.products_dialog import ProductsDialog
from smallbiz_crm.ui.models.feedback_table import (
    CUSTOMER_ID_ROLE,
    FeedbackTreeModel,
    status_labels,
)
from smallbiz_crm.ui.pages.feedback_filters import FeedbackFilterBar
from smallbiz_crm.ui.pages.feedback_owed_news import OwedNewsPane, ask_tell_them
from smallbiz_crm.ui.pages.feedback_tree import GroupedFeedbackView
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.widgets.form import make_error_label
from smallbiz_crm.ui.widgets.qt_helpers import named
from smallbiz_crm.user_errors import user_message


class FeedbackPage(QWidget):
    """Filters and actions above the grouped feedback; the owed news beside it."""

    open_customer = Signal(int)
    data_changed = Signal()

    def __init__(self, services: Services, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackPage")
        self.services = services
        self.tasks = tasks
        self.feedback = services.feedback
        self.products = services.products
        self._dialog: FeedbackDialog | None = None
        self._products_dialog: ProductsDialog | None = None

        # -- actions --
        self.add_button = named(QPushButton(self.tr("Add feedback…")), "addFeedbackButton")
        self.move_button = named(QPushButton(self.tr("Move to status")), "moveStatusButton")
        self.move_menu = named(QMenu(self), "moveStatusMenu")
        self.move_actions: dict[str, QAction] = {}
        for status, label in status_labels().items():
            action = self.move_menu.addAction(label)
            action.setObjectName(f"moveTo{status.value.capitalize()}")
            action.triggered.connect(lambda _=False, s=status.value: self.move_selected_to(s))
            self.move_actions[status.value] = action
        self.move_button.setMenu(self.move_menu)
        self.products_button = named(QPushButton(self.tr("Products…")), "productsButton")

        # -- filters --
        self.filters = FeedbackFilterBar()
        self.status_filter = self.filters.status_filter
        self.kind_filter = self.filters.kind_filter
        self.product_filter = self.filters.product_filter

        top = QHBoxLayout()
        for button in (self.add_button, self.move_button, self.products_button):
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.filters)

        self.summary_label = named(QLabel(), "feedbackSummary")
        self.message_label = named(QLabel(), "feedbackMessage")
        self.message_label.setWordWrap(True)
        self.error_label = make_error_label("feedbackError")

        # -- the grouped feedback --
        self.model = FeedbackTreeModel(self)
        self.table = GroupedFeedbackView(self.model, self.fontMetrics())
        self.empty_label = named(QLabel(), "feedbackEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()

        # -- the news we owe --
        self.owed_group = OwedNewsPane()
        self.owed_model = self.owed_group.model
        self.owed_list = self.owed_group.list
        self.owed_empty = self.owed_group.empty
        self.mark_told_button = self.owed_group.mark_told_button
        self.tell_them_button = self.owed_group.tell_them_button
        self.open_owed_button = self.owed_group.open_button

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.table, 1)
        left_column.addWidget(self.empty_label, 1)
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "feedbackSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.owed_group)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([840, 420])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.error_label)

        self.add_button.clicked.connect(self.add_feedback)
        self.products_button.clicked.connect(self.manage_products)
        self.filters.changed.connect(lambda: self.reload())
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.owed_list.selectionModel().selectionChanged.connect(self._update_actions)
        self.owed_list.doubleClicked.connect(self._on_double_clicked)
        self.mark_told_button.clicked.connect(self.mark_selected_told)
        self.tell_them_button.clicked.connect(lambda: self.tell_them_for_selected_owed())
        self.open_owed_button.clicked.connect(self._open_owed_customer)
        # Loaded when first shown, not when built: the window opens without waiting for it.
        self._loaded = False

    # -- loading ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        if not self._loaded:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Reload products, feedback and owed news (called when shown or after changes)."""
        self._loaded = True
        self._fill_product_filter()
        self.reload()

    def _fill_product_filter(self) -> None:
        self.filters.fill_products(self.products.all())

    def current_filter(self) -> FeedbackFilter:
        return self.filters.current_filter()

    def reload(self, select_ids: Sequence[int] | None = None) -> None:
        """Show the feedback the filters let through, keeping the chosen items chosen."""
        keep = list(select_ids) if select_ids is not None else self.selected_feedback_ids()
        query = self.current_filter()
        rows = self.feedback.list(query)
        self.table.show_rows(rows)
        self.select_feedback(keep)
        owed = self.feedback.owed_news()
        self.owed_group.show_rows(owed, today=self.services.clock().date())
        self._show_summary(query, len(rows))
        filtered = query != FeedbackFilter()
        self.empty_label.setText(
            self.tr("Nothing matches these filters.") if filtered else
            self.tr("No feedback yet.\n\nWhen a customer has an idea, a complaint or praise, "
                    "note it with \u201cAdd feedback…\u201d; when it is done, the app reminds "
                    "you to tell them."))
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        self._update_actions()

    def _show_summary(self, query: FeedbackFilter, shown: int) -> None:
        per_status: dict[str, int] = {}
        for count in self.feedback.counts(query):
            per_status[count.status] = per_status.get(count.status, 0) + count.count
        labels = status_labels()
        parts = [self.tr("{0} {1}").format(f"{per_status[s.value]:,}", labels[s].lower())
                 for s in labels if per_status.get(s.value)]
        total = self.tr("1 piece of feedback") if shown == 1 else \
            self.tr("{0} pieces of feedback").format(f"{shown:,}")
        self.summary_label.setText(total + (": " + " · ".join(parts) if parts else "")
                                   if shown else "")

    # -- selection --------------------------------------------------------------------------

    def selected_feedback_ids(self) -> list[int]:
        """The chosen items; a chosen product or status row stands for everything in it."""
        return self.table.selected_feedback_ids()

    def selected_rows(self) -> list[FeedbackRow]:
        ids = set(self.selected_feedback_ids())
        return [row for row in self.model.rows() if row.id in ids]

    def select_feedback(self, feedback_ids: Sequence[int]) -> None:
        self.table.select_feedback(feedback_ids)

    def selected_owed_ids(self) -> list[int]:
        return self.owed_group.selected_ids()

    def select_owed(self, feedback_ids: Sequence[int]) -> None:
        self.owed_group.select(feedback_ids)

    def _update_actions(self, *_args: object) -> None:
        statuses = {row.status for row in self.selected_rows()}
        self.move_button.setEnabled(bool(statuses))
        for target, action in self.move_actions.items():
            action.setEnabled(bool(statuses) and statuses != {target}
                              and all(can_move(s, target) for s in statuses))
        self.owed_group.update_buttons()

    # -- moving along -----------------------------------------------------------------------

    def move_selected_to(self, status: str, tell_them: bool | None = None) -> list[int]:
        """Move the chosen feedback to `status`. Moving to done or declined offers "tell them"
        follow-ups: `tell_them` None asks the owner; True or False answers for them.
        Returns the ids of the follow-ups created."""
        return self.move_to(self.selected_feedback_ids(), status, tell_them)

    def move_to(self, feedback_ids: Sequence[int], status: str,
                tell_them: bool | None = None) -> list[int]:
        ids = list(feedback_ids)
        self._clear_messages()
        if not ids:
            return []
        label = status_labels().get(FeedbackStatus(status), status)
        try:
            moved = self.feedback.set_status(ids, status)
        except (ValidationError, NotFoundError) as exc:
            self._show_error(exc)
            self.reload(select_ids=ids)
            return []
        created: list[int] = []
        if FeedbackStatus(status).is_closed:
            chosen = set(ids)
            waiting = [r for r in self.feedback.owed_news()
                       if r.id in chosen and r.tell_them_due_on is None]
            if waiting:
                customers = len({r.customer_id for r in waiting})
                if tell_them is None:
                    tell_them = self.ask_tell_them(customers)
                if tell_them:
                    created = self._create_tell_them([r.id for r in waiting])
        self.reload(select_ids=ids)
        parts = [self.tr("Moved 1 item to {0}.").format(label) if moved == 1 else
                 self.tr("Moved {0} items to {1}.").format(moved, label)]
        if created:
            parts.append(self.owed_group.created_text(len(created)))
        self.message_label.setText(" ".join(parts))
        if moved or created:
            self.data_changed.emit()
        return created

    def ask_tell_them(self, customers: int) -> bool:
        """Ask whether to add "tell them" follow-ups; True for yes."""
        return ask_tell_them(self, customers)

    def _create_tell_them(self, feedback_ids: Sequence[int]) -> list[int]:
        try:
            return self.feedback.create_tell_them(feedback_ids)
        except NotFoundError as exc:
            self._show_error(exc)
            return []

    # -- owed news --------------------------------------------------------------------------

    def mark_selected_told(self) -> int:
        """The chosen owed items' customers have heard: record it; returns how many."""
        ids = self.selected_owed_ids()
        self._clear_messages()
        if not ids:
            return 0
        try:
            told = self.feedback.mark_told(ids)
        except (ValidationError, NotFoundError) as exc:
            self._show_error(exc)
            self.reload()
            return 0
        self.reload()
        self.message_label.setText(self.tr("Marked 1 item as told.") if told == 1 else
                                   self.tr("Marked {0} items as told.").format(told))
        self.data_changed.emit()
        return told

    def tell_them_for_selected_owed(self) -> list[int]:
        """Add "tell them" follow-ups for the chosen owed items that have none."""
        ids = self.selected_owed_ids()
        self._clear_messages()
        created = self._create_tell_them(ids) if ids else []
        self.reload()
        self.select_owed(ids)
        if created:
            self.message_label.setText(self.owed_group.created_text(len(created)))
            self.data_changed.emit()
        return created

    def _open_owed_customer(self) -> None:
        customer_id = self.owed_group.selected_customer_id()
        if customer_id is not None:
            self.open_customer.emit(customer_id)

    # -- other actions ----------------------------------------------------------------------

    def add_feedback(self) -> FeedbackDialog:
        """Open the feedback form (customer picked by name); the page reloads after saving."""
        dialog = FeedbackDialog(self.services, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._after_add(dialog))
        dialog.finished.connect(lambda _result: self._after_products_changed(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _after_add(self, dialog: FeedbackDialog) -> None:
        saved = dialog.saved
        if saved is not None:
            self._clear_messages()
            self.refresh()
            self.select_feedback([saved.id])
            self.message_label.setText(self.tr("Added feedback from {0}.").format(
                saved.customer_name))
            self.data_changed.emit()

    def _after_products_changed(self, dialog: FeedbackDialog) -> None:
        if dialog.created_products and dialog.saved is None:
            self.refresh()
        self._dialog = None

    def manage_products(self) -> ProductsDialog:
        dialog = ProductsDialog(self.services, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._on_products_changed)
        self._products_dialog = dialog
        dialog.open()
        return dialog

    def _on_products_changed(self) -> None:
        self.refresh()
        self.data_changed.emit()

    def delete_selected(self, confirmed: bool | None = None) -> int:
        """Delete the chosen feedback (entered by mistake); asks first unless `confirmed`."""
        ids = self.selected_feedback_ids()
        self._clear_messages()
        if not ids:
            return 0
        if confirmed is None:
            question = (self.tr("Delete this piece of feedback?") if len(ids) == 1 else
                        self.tr("Delete these {0} pieces of feedback?").format(len(ids)))
            confirmed = QMessageBox.question(
                self, self.tr("Delete feedback"), question,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) == QMessageBox.StandardButton.Yes
        if not confirmed:
            return 0
        try:
            deleted = self.feedback.delete(ids)
        except NotFoundError as exc:
            self._show_error(exc)
            deleted = 0
        self.refresh()
        if deleted:
            self.data_changed.emit()
        return deleted

    def _on_double_clicked(self, index: QModelIndex) -> None:
        customer_id = index.data(CUSTOMER_ID_ROLE)
        if customer_id is not None:
            self.open_customer.emit(int(customer_id))

    def _on_context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        menu = QMenu(self)
        customer_id = index.data(CUSTOMER_ID_ROLE)
        if customer_id is not None:
            open_action = menu.addAction(self.tr("Open customer"))
            open_action.triggered.connect(lambda: self.open_customer.emit(int(customer_id)))
        menu.addMenu(self.move_menu).setText(self.tr("Move to status"))
        menu.addSeparator()
        delete_action = menu.addAction(self.tr("Delete…"))
        delete_action.triggered.connect(lambda: self.delete_selected())
        menu.exec(self.table.viewport().mapToGlobal(point))

    # -- messages ---------------------------------------------------------------------------

    def _clear_messages(self) -> None:
        self.message_label.clear()
        self.error_label.clear()
        self.error_label.hide()

    def _show_error(self, exc: Exception) -> None:
        message = user_message(exc)
        if message is None:
            raise exc
        self.error_label.setText(message)
        self.error_label.show()
