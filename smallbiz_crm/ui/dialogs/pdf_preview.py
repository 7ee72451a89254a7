"""Showing a PDF the app made: page through it, zoom, print it or save a copy.

`build_and_preview` builds a report on a background worker with a progress bar and opens the
preview when it is ready; `preview_summary` and `preview_checklist` are the two uses.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPainter, QResizeEvent, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.tasks import Progress, Task, TaskRunner
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named

ZOOM_STEP = 1.25
MIN_ZOOM = 0.25
MAX_ZOOM = 4.0
# Pages are rendered to images for the printer; past this resolution the images only grow
# (an A4 page at 1200 dpi is over 500 MB), the print does not get any sharper to the eye.
MAX_PRINT_DPI = 300

BuildFn = Callable[[Progress, Callable[[], bool]], Path | None]


def tr(text: str) -> str:
    return QCoreApplication.translate("pdf_preview", text)


def temporary_pdf(prefix: str) -> Path:
    """A new, empty, private file for a PDF that is only previewed (removed on close)."""
    handle, name = tempfile.mkstemp(prefix=f"smallbiz-{prefix}-", suffix=".pdf")
    os.close(handle)
    return Path(name)


def file_name_for(title: str) -> str:
    """'Summary: Zoë O'Brien' → 'Summary Zoë OBrien.pdf': safe on every file system."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\']+', " ", title)
    cleaned = " ".join(cleaned.split()).strip(" .")[:80]
    return f"{cleaned or 'report'}.pdf"


class PdfPreviewDialog(QDialog):
    """A PDF with page navigation, zoom, Print… and Save as…."""

    def __init__(self, pdf_path: str | os.PathLike[str], parent: QWidget | None = None,
                 title: str = "", temporary: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreviewDialog")
        self.pdf_path = Path(pdf_path)
        self.temporary = temporary
        self.title = title or self.pdf_path.stem
        self.setWindowTitle(self.title)
        fit_to_screen(self, 860, 980)

        self.document = QPdfDocument(self)
        self.view = named(QPdfView(self), "pdfView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        self.previous_button = named(QToolButton(), "previousPageButton")
        self.previous_button.setText(self.tr("◀"))
        self.previous_button.setToolTip(self.tr("Previous page (Page Up)"))
        self.page_spin = named(QSpinBox(), "pageSpin")
        self.page_spin.setMinimum(1)
        self.page_spin.setKeyboardTracking(False)
        self.page_count_label = named(QLabel(), "pageCountLabel")
        self.next_button = named(QToolButton(), "nextPageButton")
        self.next_button.setText(self.tr("▶"))
        self.next_button.setToolTip(self.tr("Next page (Page Down)"))
        self.zoom_out_button = named(QToolButton(), "zoomOutButton")
        self.zoom_out_button.setText(self.tr("−"))
        self.zoom_out_button.setToolTip(self.tr("Zoom out (Ctrl+-)"))
        self.zoom_label = named(QLabel(), "zoomLabel")
        self.zoom_label.setMinimumWidth(70)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = named(QToolButton(), "zoomInButton")
        self.zoom_in_button.setText(self.tr("+"))
        self.zoom_in_button.setToolTip(self.tr("Zoom in (Ctrl++)"))
        self.fit_width_button = named(QToolButton(), "fitWidthButton")
        self.fit_width_button.setText(self.tr("Fit width"))
        self.fit_page_button = named(QToolButton(), "fitPageButton")
        self.fit_page_button.setText(self.tr("Whole page"))
        for fit in (self.fit_width_button, self.fit_page_button):
            fit.setCheckable(True)
        self.print_button = named(QPushButton(self.tr("&Print…")), "printButton")
        self.save_button = named(QPushButton(self.tr("&Save as…")), "saveButton")
        self.close_button = named(QPushButton(self.tr("Close")), "closeButton")
        for button in (self.print_button, self.save_button, self.close_button):
            button.setAutoDefault(False)

        bar = QHBoxLayout()
        for widget in (self.previous_button, self.page_spin, self.page_count_label,
                       self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(18)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button,
                       self.fit_width_button, self.fit_page_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self._show_page_number)
        self.view.zoomFactorChanged.connect(self._show_zoom)
        self.view.zoomModeChanged.connect(self._show_zoom)
        self.page_spin.valueChanged.connect(lambda value: self.go_to_page(value - 1))
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.zoom_in_button.clicked.connect(lambda: self.zoom_by(ZOOM_STEP))
        self.zoom_out_button.clicked.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.fit_width_button.clicked.connect(
            lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page_button.clicked.connect(
            lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        for keys, slot in (
                (QKeySequence.StandardKey.ZoomIn, lambda: self.zoom_by(ZOOM_STEP)),
                (QKeySequence.StandardKey.ZoomOut, lambda: self.zoom_by(1 / ZOOM_STEP)),
                (QKeySequence.StandardKey.Print, self.print_document),
                (QKeySequence.StandardKey.Save, self.save_as),
                (QKeySequence(Qt.Key.Key_PageDown),
                 lambda: self.go_to_page(self.current_page() + 1)),
                (QKeySequence(Qt.Key.Key_PageUp),
                 lambda: self.go_to_page(self.current_page() - 1))):
            QShortcut(QKeySequence(keys), self, slot)
        self.finished.connect(self._release)

        self.document.load(str(self.pdf_path))
        pages = self.page_count()
        self.page_spin.setMaximum(max(pages, 1))
        self.page_count_label.setText(self.tr("of {0}").format(pages))
        self._show_page_number(0)
        self._show_zoom()
        if self.document.status() != QPdfDocument.Status.Ready:
            self.page_count_label.setText(self.tr("cannot be shown"))
            self.print_button.setEnabled(False)

    # -- pages and zoom ---------------------------------------------------------------------

    def page_count(self) -> int:
        return int(self.document.pageCount())

    def current_page(self) -> int:
        """The page on screen, counted from 0."""
        return int(self.view.pageNavigator().currentPage())

    def go_to_page(self, page: int) -> None:
        if self.page_count() == 0:
            return
        page = max(0, min(page, self.page_count() - 1))
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._show_page_number(page)

    def zoom_by(self, factor: float) -> None:
        current = self.view.zoomFactor()
        if self.view.zoomMode() != QPdfView.ZoomMode.Custom:
            current = self._effective_zoom()
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(MIN_ZOOM, min(MAX_ZOOM, current * factor)))

    def _effective_zoom(self) -> float:
        """The zoom a fit mode shows: how the page at 100 % compares with the viewport."""
        if self.page_count() == 0:
            return 1.0
        points = self.document.pagePointSize(self.current_page())
        pixels_per_point = self.logicalDpiX() / 72
        margins = self.view.documentMargins()
        viewport = self.view.viewport()
        width = viewport.width() - margins.left() - margins.right()
        height = viewport.height() - margins.top() - margins.bottom()
        zoom = width / max(points.width() * pixels_per_point, 1.0)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitInView:
            zoom = min(zoom, height / max(points.height() * pixels_per_point, 1.0))
        return max(MIN_ZOOM, zoom)

    def _show_page_number(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < self.page_count())

    def _show_zoom(self, *_args: Any) -> None:
        mode = self.view.zoomMode()
        custom = mode == QPdfView.ZoomMode.Custom
        zoom = self.view.zoomFactor() if custom else self._effective_zoom()
        self.zoom_label.setText(f"{zoom:.0%}")
        self.fit_width_button.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(mode == QPdfView.ZoomMode.FitInView)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # After the layout has given the view its new size.
        QTimer.singleShot(0, self._show_zoom)

    # -- print and save ---------------------------------------------------------------------

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print {0}").format(self.title))
        dialog.setMinMax(1, max(self.page_count(), 1))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Paint the chosen pages (all unless a range was picked) on `printer`; returns how
        many were printed. Each page is rendered at up to MAX_PRINT_DPI and scaled to fit."""
        count = self.page_count()
        first, last = printer.fromPage(), printer.toPage()
        if first <= 0 or last <= 0:
            first, last = 1, count
        pages = range(max(first, 1) - 1, min(last, count))
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(self.tr("The printer could not be started."))
        try:
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            scale = printer.resolution() / dpi
            for index, page in enumerate(pages):
                if index:
                    printer.newPage()
                area = painter.viewport()
                points = self.document.pagePointSize(page)
                size = QSize(max(1, round(points.width() / 72 * dpi)),
                             max(1, round(points.height() / 72 * dpi)))
                image: QImage = self.document.render(page, size)
                # Fit the page into the printable area, keeping its proportions.
                fit = min(area.width() / (size.width() * scale),
                          area.height() / (size.height() * scale), 1.0)
                width = round(size.width() * scale * fit)
                height = round(size.height() * scale * fit)
                painter.drawImage(QRect(area.x(), area.y(), width, height), image)
        finally:
            painter.end()
        return len(pages)

    def save_as(self) -> None:
        start = Path.home() / file_name_for(self.title)
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the PDF"), str(start), self.tr("PDF files (*.pdf)"))
        if not chosen:
            return
        try:
            self.save_to(chosen)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Not saved"), self.tr(
                "The PDF could not be saved to {0}: {1}").format(chosen, exc.strerror or exc))

    def save_to(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        if target.resolve() != self.pdf_path.resolve():
            shutil.copyfile(self.pdf_path, target)
        return target

    def _release(self) -> None:
        self.document.close()
        if self.temporary:
            with contextlib.suppress(OSError):
                self.pdf_path.unlink()


def build_and_preview(parent: QWidget, tasks: TaskRunner, build_fn: BuildFn, title: str,
                      log_file: Path | None = None,
                      on_built: Callable[[Path], None] | None = None) -> Task:
    """Run build_fn(progress, cancelled) -> PDF path (None when cancelled) on a worker with a
    progress bar, then open the preview (the file is removed when the preview closes)."""
    def done(path: Path | None) -> None:
        if path is None:
            return
        if on_built is not None:
            on_built(path)
        dialog = PdfPreviewDialog(path, parent, title, temporary=True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def failed(exc: BaseException) -> None:
        if log_file is not None:
            show_error(parent, exc, log_file)
            return
        from smallbiz_crm.paths import resolve

        show_error(parent, exc, resolve().log_file)

    return tasks.run_with_progress(parent, tr("Preparing the PDF…"), build_fn, done, failed)


def preview_summary(parent: QWidget, services: Services, tasks: TaskRunner, customer_id: int,
                    log_file: Path | None = None) -> Task:
    """Build one customer's relationship summary and show it."""

    name = services.customers.get(customer_id).name

    def build(_progress: Progress, _cancelled: Callable[[], bool]) -> Path:
        path = temporary_pdf("summary")
        try:
            return services.printing.write_summary(customer_id, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    return build_and_preview(parent, tasks, build, tr("Summary: {0}").format(name), log_file)


def preview_checklist(parent: QWidget, services: Services, tasks: TaskRunner,
                      date_from: date | None = None, date_to: date | None = None,
                      log_file: Path | None = None) -> Task:
    """Build the follow-up checklist (default: overdue plus the next seven days) and show it;
    its numbering is kept for Enter checklist results."""

    def build(progress: Progress, cancelled: Callable[[], bool]) -> Path | None:
        path = temporary_pdf("checklist")
        try:
            data = services.printing.write_checklist(date_from, date_to, path, progress,
                                                     cancelled)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if data is None:
            path.unlink(missing_ok=True)
            return None
        return path

    return build_and_preview(parent, tasks, build, tr("Follow-up checklist"), log_file)
