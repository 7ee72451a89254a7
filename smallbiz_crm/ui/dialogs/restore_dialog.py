"""File → Restore: the backups with their counts and soundness, "Back up now", the backup
folder; and the offer to restore a backup after a damaged file was set aside at start."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.backups import BackupInfo, BackupService
from smallbiz_crm.ui.models.backup_table import (
    BackupTableModel,
    backup_summary,
    fallback_text,
)
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.widgets.form import make_error_label
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named
from smallbiz_crm.user_errors import user_message


class RestoreDialog(QDialog):
    """The backups with date, size, counts and whether each is sound; restore one, take one
    now, or choose where they go.

    Restoring replaces the open database, which only the window can close and reopen: the
    dialog emits `restore_requested(Path)` and closes; the window then closes its database,
    calls BackupService.restore(path) and opens the file again.
    """

    restore_requested = Signal(object)  # the backup's Path
    backed_up = Signal(object)  # the BackupInfo of a "Back up now"

    def __init__(self, backups: BackupService, parent: QWidget | None = None, *,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(self.tr("Restore a backup"))
        self.backups = backups
        self.runner = runner
        self._stopped = False
        self._checking: Path | None = None
        self._cache: dict[Path, BackupInfo] = {}
        self._busy = False

        intro = QLabel(self.tr(
            "Every day the app keeps a checked copy of your data. Restoring one replaces your "
            "current data with it; the current data is backed up first, so you can come "
            "back to it."))
        intro.setWordWrap(True)
        self.folder_label = named(QLabel(), "folderLabel")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_warning = make_error_label("folderWarning")
        self.folder_error = make_error_label("folderError")
        self.choose_button = named(QPushButton(self.tr("Choose backup folder…")),
                                   "chooseFolderButton")
        self.standard_button = named(QPushButton(self.tr("Use the standard folder")),
                                     "standardFolderButton")
        self.choose_button.clicked.connect(self.choose_folder)
        self.standard_button.clicked.connect(lambda: self.use_folder(None))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.standard_button)

        self.model = BackupTableModel(self)
        self.table = named(QTableView(), "backupTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())

        self.status_label = named(QLabel(), "statusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.backup_button = named(QPushButton(self.tr("Back up now")), "backUpNowButton")
        self.restore_button = named(QPushButton(self.tr("Restore…")), "restoreButton")
        self.close_button = named(QPushButton(self.tr("Close")), "closeButton")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(folder_row)
        layout.addWidget(self.folder_warning)
        layout.addWidget(self.folder_error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        fit_to_screen(self, 760, 460)
        self.reload()

    # -- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        """List the backups at once (their counts read in milliseconds), then check each, in
        the background when there is a runner: a full check of a big file takes seconds."""
        selected = self.selected()
        self._show_folder()
        # A backup checked earlier in this dialog is not read again (seconds at 100,000).
        listed = []
        for info in self.backups.list_backups(verify=False):
            cached = self._cache.get(info.path)
            same = cached is not None and (cached.size, cached.created_at) == (
                info.size, info.created_at)
            listed.append(cached if same and cached is not None else info)
        self.model.set_backups(listed)
        row = self.model.row_of(selected.path) if selected is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        if not self.model.rowCount():
            self.status_label.setText(self.tr("There are no backups yet."))
        self._update_buttons()
        self._check_next()

    def _check_next(self) -> None:
        if self._stopped or self._checking is not None:
            return
        waiting = [info for info in self.model.backups() if not info.checked]
        if not waiting:
            if self.model.rowCount() and not self._busy:
                self.status_label.setText(self.tr("Every backup was checked."))
            return
        done = self.model.rowCount() - len(waiting)
        self.status_label.setText(self.tr("Checking the backups… ({0} of {1})").format(
            done + 1, self.model.rowCount()))
        waiting_info = waiting[0]
        self._checking = waiting_info.path

        def unreadable(exc: BaseException) -> None:
            # Removed or unreadable while being checked: shown as damaged, never offered.
            self._checked(replace(waiting_info, ok=False, checked=True,
                                  problem=user_message(exc) or str(exc)))

        if self.runner is None:
            try:
                info = self.backups.check(waiting_info.path)
            except Exception as exc:  # noqa: BLE001 - shown in the list
                unreadable(exc)
            else:
                self._checked(info)
            return
        self.runner.run(lambda _progress, _cancelled: self.backups.check(waiting_info.path),
                        self._checked, unreadable)

    def _checked(self, info: BackupInfo) -> None:
        self._checking = None
        if self._stopped:
            return
        self._cache[info.path] = info
        self.model.replace(info)
        self._update_buttons()
        self._check_next()

    def _show_folder(self) -> None:
        chosen = self.backups.chosen_folder()
        folders = self.backups.folders()
        where = folders[-1] if chosen is not None and len(folders) > 1 else (
            self.backups.default_dir)
        self.folder_label.setText(self.tr("Backups are saved in: {0}").format(str(where)))
        self.standard_button.setEnabled(chosen is not None)
        if chosen is not None and not chosen.is_dir():
            self.folder_warning.setText(self.tr(
                "Your backup folder {0} is not available (is the USB stick plugged in?). "
                "Backups go to {1} until it is back.").format(str(chosen),
                                                               str(self.backups.default_dir)))
            self.folder_warning.show()
        else:
            self.folder_warning.hide()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.info(rows[0].row()) if rows else None

    def select_path(self, path: Path) -> bool:
        row = self.model.row_of(path)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _update_buttons(self) -> None:
        info = self.selected()
        usable = info is not None and (info.ok or not info.checked)
        self.restore_button.setEnabled(usable and not self._busy)
        self.backup_button.setEnabled(not self._busy)
        if info is not None and info.checked and not info.ok:
            self.restore_button.setToolTip(self.tr("This backup is damaged: choose another."))
        else:
            self.restore_button.setToolTip("")

    # -- actions ------------------------------------------------------------------------------

    def restore_selected(self, confirm: bool = True) -> bool:
        """Ask, then hand the chosen backup to the window (restore_requested) and close."""
        info = self.selected()
        if info is None or not self.restore_button.isEnabled():
            return False
        if confirm and QMessageBox.question(
                self, self.tr("Restore a backup"),
                self.tr("Restore {0}?\n\nThe current data is backed up first, so you can come "
                        "back to it.").format(backup_summary(info)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return False
        self.restore_requested.emit(info.path)
        self.accept()
        return True

    def back_up_now(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._update_buttons()
        self.status_label.setText(self.tr("Backing up…"))
        if self.runner is None:
            try:
                info = self.backups.backup_now()
            except Exception as exc:  # noqa: BLE001 - shown next to the button
                self._backup_failed(exc)
            else:
                self._backed_up(info)
            return
        self.runner.run(lambda _progress, _cancelled: self.backups.backup_now(),
                        self._backed_up, self._backup_failed)

    def _backed_up(self, info: BackupInfo) -> None:
        self._busy = False
        if self._stopped:
            return
        self.reload()
        self.select_path(info.path)
        message = fallback_text(info) or self.tr("Backed up to {0}.").format(str(info.path))
        self.status_label.setText(message)
        self._update_buttons()
        self.backed_up.emit(info)

    def _backup_failed(self, exc: BaseException) -> None:
        self._busy = False
        if self._stopped:
            return
        self.status_label.setText(self.tr("The backup failed: {0}").format(
            user_message(exc) or f"{type(exc).__name__}: {exc}"))
        self._update_buttons()

    def choose_folder(self) -> None:
        start = self.backups.chosen_folder() or self.backups.default_dir
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a backup folder"),
                                                  str(start))
        if folder:
            self.use_folder(Path(folder))

    def use_folder(self, folder: Path | None) -> bool:
        """Send backups to `folder` (None: the standard folder); a problem shows in red."""
        self.folder_error.hide()
        try:
            self.backups.set_chosen_folder(folder)
        except ValidationError as exc:
            self.folder_error.setText("\n".join(exc.fields.values()))
            self.folder_error.show()
            return False
        self.reload()
        return True

    def done(self, result: int) -> None:
        # Checks still running report to nobody once the dialog is closed.
        self._stopped = True
        super().done(result)
