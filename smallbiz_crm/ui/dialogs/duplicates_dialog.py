"""Possible duplicates: compare two customers side by side and merge one into the other."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import CustomerRecord
from smallbiz_crm.domain.records.duplicates import DuplicatePair
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.duplicate_pairs import (
    COL_LEFT_CONTACT,
    COL_LEFT_NAME,
    COL_REASON,
    COL_RIGHT_CONTACT,
    COL_RIGHT_NAME,
    DuplicatePairModel,
)
from smallbiz_crm.ui.tasks import Task, TaskRunner
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.merge_preview import CustomerPreview
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named
from smallbiz_crm.user_errors import user_message

# The list shows at most this many pairs, surest first; the owner searches again for more.
PAIR_LIMIT = 500


class DuplicatesDialog(QDialog):
    """Lists possible duplicates (found off the UI thread) and merges the chosen pair."""

    merged = Signal(int)  # the kept customer's id
    pairs_loaded = Signal(int)  # how many pairs the list shows

    def __init__(self, services: Services, parent: QWidget | None = None,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.duplicates = services.duplicates
        self.runner = runner if runner is not None else TaskRunner(self)
        # Pairs the owner said are different people: hidden until the dialog closes.
        self.hidden: set[frozenset[int]] = set()
        self.was_changed = False
        self._task: Task | None = None
        self._generation = 0
        self._closed = False
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle(self.tr("Possible duplicates"))
        fit_to_screen(self, 980, 700)

        intro = QLabel(self.tr(
            "These customers may have been entered twice. Choose a pair, compare the two, "
            "and merge into the record to keep: everything recorded about the other moves "
            "over, its details fill the gaps, and the other record is deleted."))
        intro.setWordWrap(True)
        self.status = named(QLabel(), "duplicatesStatus")

        self.model = DuplicatePairModel(self)
        self.table = named(QTableView(), "duplicatesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (COL_LEFT_NAME, COL_RIGHT_NAME, COL_LEFT_CONTACT, COL_RIGHT_CONTACT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.ResizeToContents)

        self.left_preview = CustomerPreview("left", self.tr("Left"))
        self.right_preview = CustomerPreview("right", self.tr("Right"))
        self.merge_left_button = named(QPushButton(self.tr("Merge into &left…")), "mergeLeft")
        self.merge_left_button.setToolTip(self.tr(
            "Keep the left customer; move everything from the right one to it."))
        self.merge_right_button = named(QPushButton(self.tr("Merge into &right…")),
                                        "mergeRight")
        self.merge_right_button.setToolTip(self.tr(
            "Keep the right customer; move everything from the left one to it."))
        self.not_duplicate_button = named(QPushButton(self.tr("&Not a duplicate")),
                                          "notDuplicate")
        self.not_duplicate_button.setToolTip(self.tr(
            "Hide this pair until this window is closed."))
        self.refresh_button = named(QPushButton(self.tr("&Search again")), "searchAgain")
        for button in (self.merge_left_button, self.merge_right_button,
                       self.not_duplicate_button, self.refresh_button):
            # Enter must never start a merge: only a deliberate click does.
            button.setAutoDefault(False)

        sides = QHBoxLayout()
        sides.addWidget(self.left_preview, 1)
        sides.addWidget(self.right_preview, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.merge_left_button)
        actions.addStretch(1)
        actions.addWidget(self.not_duplicate_button)
        actions.addStretch(1)
        actions.addWidget(self.merge_right_button)
        compare = QWidget()
        compare_layout = QVBoxLayout(compare)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        compare_layout.addLayout(sides, 1)
        compare_layout.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(compare)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 420])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.merge_left_button.clicked.connect(lambda: self._ask_merge(into_left=True))
        self.merge_right_button.clicked.connect(lambda: self._ask_merge(into_left=False))
        self.not_duplicate_button.clicked.connect(self.not_duplicate)
        self.refresh_button.clicked.connect(self.refresh)
        self._show_current()
        self.refresh()

    # -- finding, off the UI thread ---------------------------------------------------------

    def is_loading(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        """Search again in the background; a search still running is abandoned."""
        if self._task is not None:
            self._task.cancel()
        self._generation += 1
        generation = self._generation
        hidden = frozenset(self.hidden)
        finder = self.duplicates

        def op(_progress: Any, cancelled: Any) -> list[DuplicatePair]:
            return finder.find_pairs(PAIR_LIMIT, ignore=hidden, cancelled=cancelled)

        self.status.setText(self.tr("Looking for customers entered twice…"))
        self.refresh_button.setEnabled(False)
        self._task = self.runner.run(
            op, lambda pairs: self._on_found(generation, pairs),
            lambda exc: self._on_failed(generation, exc))
        self._update_buttons()

    def _on_found(self, generation: int, pairs: list[DuplicatePair]) -> None:
        if self._closed or generation != self._generation:
            return
        self._task = None
        self.refresh_button.setEnabled(True)
        current = self.current_pair()
        self.model.set_pairs([pair for pair in pairs if pair.ids not in self.hidden])
        self._update_status()
        if self.model.rowCount():
            rows = [p.ids for p in self.model.pairs()]
            row = rows.index(current.ids) if current and current.ids in rows else 0
            self.table.selectRow(row)
        self._show_current()
        self.pairs_loaded.emit(self.model.rowCount())

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if self._closed or generation != self._generation:
            return
        self._task = None
        self.refresh_button.setEnabled(True)
        message = user_message(exc)
        self.status.setText(self.tr("Could not look for duplicates: {0}").format(
            message or type(exc).__name__))
        self._update_buttons()
        if message is None:
            raise exc

    def _update_status(self) -> None:
        count = self.model.rowCount()
        if count == 0:
            self.status.setText(self.tr("No possible duplicates found."))
        elif count >= PAIR_LIMIT:
            self.status.setText(self.tr(
                "Showing the {0} likeliest pairs; merge or dismiss some, then search again "
                "for more.").format(f"{count:,}"))
        else:
            self.status.setText(count_text(count, self.tr("possible duplicate"),
                                           self.tr("possible duplicates")))

    # -- the chosen pair --------------------------------------------------------------------

    def current_pair(self) -> DuplicatePair | None:
        index = self.table.currentIndex()
        return self.model.pair(index.row()) if index.isValid() else None

    def select_pair(self, pair_ids: frozenset[int]) -> bool:
        for row, pair in enumerate(self.model.pairs()):
            if pair.ids == pair_ids:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        ready = self.current_pair() is not None
        for button in (self.merge_left_button, self.merge_right_button,
                       self.not_duplicate_button):
            button.setEnabled(ready)

    def _show_current(self, *_args: object) -> None:
        pair = self.current_pair()
        self._update_buttons()
        if pair is None:
            self.left_preview.clear()
            self.right_preview.clear()
            return
        try:
            left, right = self.duplicates.get_pair_sides(pair)
            left_counts = self.duplicates.history_counts(left.id)
            right_counts = self.duplicates.history_counts(right.id)
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            # Merged or deleted elsewhere since the search: the pair is stale.
            self.model.remove_rows_where(pair_ids=pair.ids)
            self.status.setText(message)
            return
        left_texts = self.left_preview.texts(left, left_counts)
        right_texts = self.right_preview.texts(right, right_counts)
        self.left_preview.show_texts(left_texts, right_texts)
        self.right_preview.show_texts(right_texts, left_texts)

    # -- actions ----------------------------------------------------------------------------

    def not_duplicate(self) -> None:
        """Hide the chosen pair for as long as this window is open."""
        pair = self.current_pair()
        if pair is None:
            return
        row = self.table.currentIndex().row()
        self.hidden.add(pair.ids)
        self.model.remove_rows_where(pair_ids=pair.ids)
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        self._update_status()
        self._show_current()

    def merge_question(self, keep: DuplicatePair, into_left: bool) -> str:
        keep_name, remove_name = ((keep.left_name, keep.right_name) if into_left
                                  else (keep.right_name, keep.left_name))
        return self.tr(
            "Merge “{1}” into “{0}”?\n\nEverything recorded about “{1}” moves to “{0}”; "
            "details “{0}” lacks are filled in from “{1}”. Then “{1}” is deleted.\n\n"
            "This cannot be undone.").format(keep_name, remove_name)

    def _ask_merge(self, into_left: bool) -> None:
        pair = self.current_pair()
        if pair is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Merge customers"), self.merge_question(pair, into_left),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.merge_selected(into_left)

    def merge_selected(self, into_left: bool) -> CustomerRecord | None:
        """Merge the chosen pair without asking (the buttons ask first); None if refused."""
        pair = self.current_pair()
        if pair is None:
            return None
        keep_id, remove_id = ((pair.left_id, pair.right_id) if into_left
                              else (pair.right_id, pair.left_id))
        try:
            kept = self.duplicates.merge(keep_id, remove_id)
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            QMessageBox.warning(self, self.tr("Merge customers"), message)
            self.refresh()
            return None
        self.was_changed = True
        row = self.table.currentIndex().row()
        # Drop what no longer holds at once; the search again brings what the merge made.
        self.model.remove_rows_where(involved={remove_id, keep_id})
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        self._show_current()
        self.status.setText(self.tr("Merged into {0}.").format(kept.name))
        self.merged.emit(kept.id)
        self.refresh()
        return kept

    # -- closing ----------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop()
        super().closeEvent(event)

    def _stop(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            self._task = None
