"""Every window fits the screen it opens on (a 768-pixel laptop; the offscreen screen here is
800×800): the main window, the PDF preview and the biggest dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from smallbiz_crm.app import build_main_window
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.duplicates_dialog import DuplicatesDialog
from smallbiz_crm.ui.dialogs.pdf_preview import PdfPreviewDialog


def room() -> tuple[int, int]:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    geometry = screen.availableGeometry()
    return geometry.width(), geometry.height()


def test_the_main_window_and_dialogs_fit_the_screen(qtbot: QtBot, tmp_path: Path,
                                                    services: Services) -> None:
    width, height = room()
    assert height < 980  # smaller than what the preview asked for before
    window = build_main_window(tmp_path / "shop.db")
    qtbot.addWidget(window)
    assert window.width() <= width and window.height() <= height

    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "one.pdf"
    canvas = Canvas(str(pdf))
    canvas.drawString(72, 720, "One page")
    canvas.save()
    preview = PdfPreviewDialog(pdf, window)
    qtbot.addWidget(preview)
    assert preview.width() <= width and preview.height() <= height

    duplicates = DuplicatesDialog(services, window)
    qtbot.addWidget(duplicates)
    assert duplicates.width() <= width and duplicates.height() <= height
