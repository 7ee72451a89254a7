"""What else the shop knows of the customer: their tags, who referred whom, personal notes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from smallbiz_crm.domain.records.timeline import ProfileData
from smallbiz_crm.ui.profile.profile_parts import (
    customer_links,
    link_label,
    plain_label,
    section_column,
)
from smallbiz_crm.ui.widgets.flow_layout import FlowLayout


class TagsSection(QWidget):
    """The customer's tags as chips that wrap like words; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagsSection")
        column = section_column(self, self.tr("Tags"))
        self.tags_box = QWidget(objectName="profileTags")
        self.tags_flow = FlowLayout(self.tags_box)
        self._chips: list[QLabel] = []
        # Set once on the box: a style sheet per chip would re-polish on every customer shown.
        self.tags_box.setStyleSheet(
            "QLabel#tagChip { border: 1px solid palette(mid); border-radius: 9px;"
            " padding: 1px 8px; background: palette(alternate-base); }")
        column.addWidget(self.tags_box)

    def fill(self, tags: tuple[str, ...]) -> None:
        # Chips are reused from customer to customer, like the journey's history rows.
        while len(self._chips) < len(tags):
            chip = plain_label("tagChip", wrap=False)
            chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.tags_flow.addWidget(chip)
            self._chips.append(chip)
        for i, chip in enumerate(self._chips):
            chip.setText(tags[i] if i < len(tags) else "")
            chip.setVisible(i < len(tags))
        self.tags_flow.invalidate()
        self.setVisible(bool(tags))


class ReferralsSection(QWidget):
    """Who referred the customer and whom they referred, each name a link to their profile."""

    open_customer = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralsSection")
        column = section_column(self, self.tr("Referrals"))
        self.referred_by_label = link_label("referredBy")
        self.referrals_label = link_label("referrals")
        for label in (self.referred_by_label, self.referrals_label):
            label.linkActivated.connect(self._on_link)
            column.addWidget(label)

    def fill(self, data: ProfileData) -> None:
        c = data.customer
        if c.referred_by_id is not None:
            self.referred_by_label.setText(self.tr("Referred by {0}").format(
                customer_links([(c.referred_by_id, c.referred_by_name)])))
        self.referred_by_label.setVisible(c.referred_by_id is not None)
        if data.referrals:
            self.referrals_label.setText(self.tr("Referred {0}").format(
                customer_links([(r.id, r.name) for r in data.referrals])))
        self.referrals_label.setVisible(bool(data.referrals))
        self.setVisible(c.referred_by_id is not None or bool(data.referrals))

    def _on_link(self, href: str) -> None:
        if href.isdigit():
            self.open_customer.emit(int(href))


class NotesSection(QWidget):
    """The shop's personal notes about the customer, as written; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesSection")
        column = section_column(self, self.tr("Personal notes"))
        self.notes_label = plain_label("profileNotes")
        column.addWidget(self.notes_label)

    def fill(self, notes: str) -> None:
        self.notes_label.setText(notes)
        self.setVisible(bool(notes))
