"""Forms that show each validation message right under its field and keep what was typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from smallbiz_crm.domain.validation import ValidationError


class FieldErrors:
    """Error labels keyed by the service's field names (e.g. "email"), hidden until needed.

    Fields the service may name that have no widget of their own show in a general label.
    """

    def __init__(self, general: QLabel | None = None) -> None:
        self._labels: dict[str, QLabel] = {}
        self._inputs: dict[str, QWidget] = {}
        self.general = general or make_error_label("formError")

    def add_row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> QLabel:
        """Add `widget` to the form with an (initially hidden) error label under it."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = make_error_label(f"{field}Error")
        column.addWidget(error)
        form.addRow(label, box)
        self._labels[field] = error
        self._inputs[field] = widget
        return error

    def label(self, field: str) -> QLabel:
        return self._labels[field]

    def clear(self) -> None:
        for label in (*self._labels.values(), self.general):
            label.clear()
            label.hide()

    def show(self, error: ValidationError) -> None:
        """Show every message; focus the first field that has one."""
        self.clear()
        leftovers = []
        first: QWidget | None = None
        for field, message in error.fields.items():
            label = self._labels.get(field)
            if label is None:
                leftovers.append(message)
                continue
            label.setText(message)
            label.show()
            if first is None:
                first = self._inputs.get(field)
        if leftovers:
            self.general.setText("\n".join(leftovers))
            self.general.show()
        if first is not None:
            first.setFocus()

    def show_message(self, text: str) -> None:
        """A message about the form as a whole (a conflict, a missing record)."""
        self.general.setText(text)
        self.general.show()

    def message(self, field: str) -> str:
        label = self._labels.get(field)
        return label.text() if label is not None and not label.isHidden() else ""


def make_error_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    palette = label.palette()
    # The theme's "error" colour is not a palette role; a strong red reads in light and dark.
    palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.red)
    label.setPalette(palette)
    label.hide()
    return label
