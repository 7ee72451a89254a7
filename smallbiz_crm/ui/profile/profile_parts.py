"""The profile's building blocks: labels that show user text safely, and its titled sections."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

MUTED = QPalette.ColorRole.PlaceholderText
# Owner-written guidance (playbook, how to talk) set off like a quotation; palette colours only.
# (The border needs resetting first, or Qt draws no left border at all.)
QUOTE_STYLE = ("QLabel { border: 0px; border-left: 3px solid palette(mid);"
               " padding: 1px 0 1px 8px; margin: 2px 0; }")


def plain_label(object_name: str = "", muted: bool = False, wrap: bool = True) -> QLabel:
    """A label that shows user text literally (never as markup), selectable for copying."""
    label: QLabel = QLabel(objectName=object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if muted:
        label.setForegroundRole(MUTED)
    return label


def bold_label(object_name: str) -> QLabel:
    """A plain label in bold (a stage or persona name)."""
    label = plain_label(object_name)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def link_label(object_name: str) -> QLabel:
    """A label of customer links ("<a href=id>name</a>", names escaped by the caller)."""
    label: QLabel = QLabel(objectName=object_name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def customer_links(links: list[tuple[int, str]]) -> str:
    return ", ".join(f'<a href="{cid}">{escape(name)}</a>' for cid, name in links)


def section_column(box: QWidget, title: str) -> QVBoxLayout:
    """Gives `box` a heading and a rule, and returns the column to fill below them.

    Each section is one box, so that a section with nothing to show hides as a whole.
    """
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 14, 0, 0)
    column.setSpacing(4)
    heading = QLabel(title, objectName=f"{box.objectName()}Heading")
    font = heading.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.08)
    heading.setFont(font)
    rule = QFrame()
    rule.setFrameShape(QFrame.Shape.HLine)
    rule.setFrameShadow(QFrame.Shadow.Plain)
    rule.setForegroundRole(QPalette.ColorRole.Mid)
    column.addWidget(heading)
    column.addWidget(rule)
    column.addSpacing(2)
    return column
