"""How the manage dialogs lay out a list and its editor: forms, button rows, the splitter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.ui.widgets.qt_helpers import named


def editor_form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def button_row(buttons: Sequence[QPushButton], stretch_first: bool = False) -> QHBoxLayout:
    """Buttons side by side, kept to the left (or, with `stretch_first`, to the right)."""
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    if not stretch_first:
        row.addStretch(1)
    return row


def heading_label(object_name: str) -> QLabel:
    """The editor's title line: the record's name and how many customers it concerns."""
    heading = named(QLabel(), object_name)
    font = QFont(heading.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    heading.setFont(font)
    return heading


def intro_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def side_by_side(list_widget: QWidget, list_buttons: Sequence[QPushButton],
                 editor: Sequence[QWidget | QLayout], save_button: QPushButton) -> QSplitter:
    """The list over its buttons on the left; the editor's parts over Save on the right.

    The right side gives its spare height to the editor's layouts (the form), not to labels.
    """
    left = QWidget()
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    left_layout.addWidget(list_widget, 1)
    left_layout.addLayout(button_row(list_buttons))
    right = QWidget()
    right_layout = QVBoxLayout(right)
    right_layout.setContentsMargins(0, 0, 0, 0)
    for part in editor:
        if isinstance(part, QLayout):
            right_layout.addLayout(part, 1)
        else:
            right_layout.addWidget(part)
    right_layout.addLayout(button_row([save_button], stretch_first=True))
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setStretchFactor(1, 1)
    splitter.setChildrenCollapsible(False)
    return splitter
