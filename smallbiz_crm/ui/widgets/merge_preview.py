"""One side of the duplicates comparison: the details a merge keeps, and the history it carries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from smallbiz_crm.domain.records.customers import CustomerRecord
from smallbiz_crm.domain.records.duplicates import HistoryCounts
from smallbiz_crm.ui.text import count_text, day_text
from smallbiz_crm.ui.widgets.qt_helpers import named


class CustomerPreview(QGroupBox):
    """One side of the comparison: the details a merge keeps or fills in, and the history."""

    FIELDS = ("name", "company", "email", "phone", "address", "birthday", "stage", "persona",
              "tags", "source", "added", "last_contact", "history", "notes")
    # Where the two differ the merge keeps one value, so the owner should look twice; tags,
    # notes and history are combined instead, and the dates are facts, not choices.
    CHOICES = ("name", "company", "email", "phone", "address", "birthday", "stage", "persona",
               "source")

    def __init__(self, side: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName(f"{side}Preview")
        titles = {
            "name": self.tr("Name"), "company": self.tr("Company"), "email": self.tr("Email"),
            "phone": self.tr("Phone"), "address": self.tr("Address"),
            "birthday": self.tr("Birthday"), "stage": self.tr("Stage"),
            "persona": self.tr("Persona"), "tags": self.tr("Tags"),
            "source": self.tr("Source"), "added": self.tr("Added"),
            "last_contact": self.tr("Last contact"), "history": self.tr("History"),
            "notes": self.tr("Notes"),
        }
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for field in self.FIELDS:
            label = named(QLabel(), f"{side}{field.title().replace('_', '')}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow(titles[field], label)
            self.values[field] = label
        self._plain_font = QFont(self.font())
        self._bold_font = QFont(self.font())
        self._bold_font.setBold(True)

    def texts(self, record: CustomerRecord, counts: HistoryCounts) -> dict[str, str]:
        notes = record.notes if len(record.notes) <= 240 else record.notes[:240] + "…"
        return {
            "name": record.name, "company": record.company, "email": record.email,
            "phone": record.phone, "address": record.address,
            "birthday": day_text(record.birthday), "stage": record.stage_name,
            "persona": record.persona_name, "tags": ", ".join(record.tags),
            "source": record.source, "added": day_text(record.created_at),
            "last_contact": day_text(record.last_contact_at),
            "history": self.history_text(counts), "notes": notes,
        }

    def history_text(self, counts: HistoryCounts) -> str:
        parts = [(counts.interactions, self.tr("interaction"), self.tr("interactions")),
                 (counts.gestures, self.tr("gesture"), self.tr("gestures")),
                 (counts.follow_ups, self.tr("follow-up"), self.tr("follow-ups")),
                 (counts.concerns, self.tr("concern"), self.tr("concerns")),
                 (counts.feedback, self.tr("feedback note"), self.tr("feedback notes")),
                 (counts.referrals, self.tr("referral"), self.tr("referrals"))]
        shown = [count_text(n, one, many) for n, one, many in parts if n]
        return ", ".join(shown) if shown else self.tr("Nothing recorded yet")

    def show_texts(self, mine: dict[str, str], theirs: dict[str, str]) -> None:
        """Bold where both have a value and they differ: what the owner must choose between."""
        for field, label in self.values.items():
            text = mine.get(field, "")
            differs = bool(field in self.CHOICES and text and theirs.get(field)
                           and text != theirs.get(field))
            label.setText(text or "—")
            label.setFont(self._bold_font if differs else self._plain_font)
            label.setForegroundRole(QPalette.ColorRole.WindowText if text
                                    else QPalette.ColorRole.PlaceholderText)

    def clear(self) -> None:
        for label in self.values.values():
            label.clear()
