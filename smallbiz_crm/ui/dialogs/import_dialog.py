"""Importing contacts from a CSV file: check every row first, then add them all or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.tasks import TaskRunner

MAX_LISTED = 30


def tr(text: str) -> str:
    return QCoreApplication.translate("import", text)


def describe_problems(plan: Any) -> str:
    lines = [str(problem) for problem in plan.problems[:MAX_LISTED]]
    more = len(plan.problems) - MAX_LISTED
    if more > 0:
        lines.append(tr("…and {0:,} more.").format(more))
    return "\n".join(lines)


def run_csv_import(parent: QWidget, services: Services, tasks: TaskRunner, log_file: Path,
                   after: Callable[[], None], path: Path | None = None,
                   confirm: bool = True) -> None:
    """Ask for a file (unless given), check it off the UI thread, then import on confirmation."""
    from smallbiz_crm.services.importing import apply_import, plan_import, read_csv

    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            parent, tr("Import contacts"), str(Path.home()),
            tr("Spreadsheet files (*.csv *.txt);;All files (*)"))
        if not chosen:
            return
        path = Path(chosen)
    source = path

    def failed(exc: BaseException) -> None:
        show_error(parent, exc, log_file)

    def check(_progress: Any, cancelled: Any) -> Any:
        return plan_import(services.db, read_csv(source), cancelled=cancelled)

    def checked(plan: Any) -> None:
        if plan.problems:
            QMessageBox.warning(parent, tr("Nothing imported"), tr(
                "{0} has rows with problems, so nothing was imported. Fix these lines and "
                "try again:\n\n{1}").format(source.name, describe_problems(plan)))
            return
        if not plan.customers:
            QMessageBox.information(parent, tr("Nothing to import"),
                                    tr("{0} holds no customers.").format(source.name))
            return
        duplicates = ""
        if plan.duplicates:
            duplicates = tr("\n\n{0:,} look like customers you already have (same email or "
                            "phone); they are imported too, and Customer → Find duplicates "
                            "can merge them.").format(len(plan.duplicates))
        if confirm and QMessageBox.question(
                parent, tr("Import contacts"),
                tr("Import {0:,} customers from {1}?{2}").format(
                    len(plan.customers), source.name, duplicates)
        ) != QMessageBox.StandardButton.Yes:
            return

        def write(progress: Any, cancelled: Any) -> Any:
            return apply_import(services.db, plan, source.name, services.clock,
                                progress=progress, cancelled=cancelled)

        def written(result: Any) -> None:
            after()
            if parent.isVisible():
                QMessageBox.information(parent, tr("Import finished"), tr(
                    "Imported {0:,} customers from {1}.").format(result.imported, source.name))

        tasks.run_with_progress(parent, tr("Importing contacts…"), write, written, failed)

    tasks.run_with_progress(parent, tr("Checking {0}…").format(source.name), check, checked,
                            failed)
