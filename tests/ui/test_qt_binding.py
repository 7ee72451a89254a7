"""Guards against a broken Qt binding: PySide6 6.12.0 on Python 3.11 leaked None references."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_drop_references_to_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(10_000):
        label.setText("x")
    # A leak of one reference per call would lose 10,000 and abort the app at exit.
    assert sys.getrefcount(None) - before > -100
