"""The top of the profile: who the customer is, how to reach them, and how to talk to them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from smallbiz_crm.domain.records.customers import CustomerRecord, PersonaRecord
from smallbiz_crm.ui.profile.profile_parts import (
    MUTED,
    QUOTE_STYLE,
    bold_label,
    plain_label,
    section_column,
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProfilePanel", text)


def birthday_text(birthday: date, today: date) -> str:
    """'1984-05-12 · 42 years old · birthday in 173 days' (a 29 February birthday falls on the
    28th in other years)."""
    def on(year: int) -> date:
        try:
            return birthday.replace(year=year)
        except ValueError:
            return date(year, 2, 28)

    age = today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
    upcoming = on(today.year)
    if upcoming < today:
        upcoming = on(today.year + 1)
    days = (upcoming - today).days
    parts = [birthday.isoformat()]
    if age >= 0:
        parts.append(_tr("{0} years old").format(age))
    if days == 0:
        parts.append(_tr("birthday today!"))
    elif days == 1:
        parts.append(_tr("birthday tomorrow"))
    else:
        parts.append(_tr("birthday in {0} days").format(days))
    return " · ".join(parts)


class ProfileHeader(QWidget):
    """The name in large type, company and kind, consent, and the Edit and Log buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileHeader")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.name_label = plain_label("profileName")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name_label.setFont(font)
        self.subtitle_label = plain_label("profileSubtitle", muted=True)
        self.consent_label = plain_label("consentLabel")
        self.not_pursuing_label = plain_label("notPursuingLabel")
        font = self.not_pursuing_label.font()
        font.setItalic(True)
        self.not_pursuing_label.setFont(font)

        self.edit_button = QPushButton(self.tr("Edit…"), objectName="editButton")
        self.log_button = QPushButton(self.tr("Log interaction…"), objectName="logButton")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 8, 0, 0)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.log_button)
        buttons.addStretch(1)

        column.addWidget(self.name_label)
        column.addWidget(self.subtitle_label)
        column.addSpacing(4)
        column.addWidget(self.consent_label)
        column.addWidget(self.not_pursuing_label)
        column.addLayout(buttons)

    def fill(self, c: CustomerRecord) -> None:
        self.name_label.setText(c.name)
        kind = self.tr("Business") if c.kind == "business" else self.tr("Person")
        self.subtitle_label.setText(" · ".join(p for p in (c.company, kind) if p))
        self.consent_label.setText(
            "✓ " + self.tr("May be contacted") if c.consent_contact
            else "✕ " + self.tr("Has not agreed to be contacted"))
        self.consent_label.setForegroundRole(
            QPalette.ColorRole.WindowText if c.consent_contact else MUTED)
        self.not_pursuing_label.setVisible(c.not_pursuing)
        if c.not_pursuing:
            reason = c.not_pursuing_reason
            self.not_pursuing_label.setText(
                self.tr("Not pursuing: {0}").format(reason) if reason
                else self.tr("Not pursuing"))


class ContactSection(QWidget):
    """Email, phone, address, birthday and how they found us; only the rows that are known."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactSection")
        column = section_column(self, self.tr("Contact"))
        self.contact_form = QFormLayout()
        self.contact_form.setContentsMargins(0, 0, 0, 0)
        self.contact_form.setHorizontalSpacing(12)
        self.contact_form.setVerticalSpacing(4)
        self.contact_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.contact_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.contact_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.email_label = plain_label("profileEmail")
        self.phone_label = plain_label("profilePhone")
        self.address_label = plain_label("profileAddress")
        self.birthday_label = plain_label("profileBirthday")
        self.source_label = plain_label("profileSource")
        for caption, widget in ((self.tr("Email"), self.email_label),
                                (self.tr("Phone"), self.phone_label),
                                (self.tr("Address"), self.address_label),
                                (self.tr("Birthday"), self.birthday_label),
                                (self.tr("Found us"), self.source_label)):
            label = QLabel(caption)
            label.setForegroundRole(MUTED)
            # The row is as tall as its field (a two-line address): keep the caption at the top.
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.contact_form.addRow(label, widget)
        self._contact_rows: dict[int, bool] = {}
        self.no_contact_label = plain_label("noContact", muted=True)
        self.no_contact_label.setText(self.tr("No contact details yet."))
        column.addLayout(self.contact_form)
        column.addWidget(self.no_contact_label)

    def fill(self, c: CustomerRecord, today: date) -> None:
        rows = ((0, c.email), (1, c.phone), (2, c.address),
                (3, birthday_text(c.birthday, today) if c.birthday else ""), (4, c.source))
        for (row, value), label in zip(rows, (self.email_label, self.phone_label,
                                             self.address_label, self.birthday_label,
                                             self.source_label), strict=True):
            label.setText(value)
            # Only on change: each call re-lays the form out.
            if self._contact_rows.get(row) != bool(value):
                self.contact_form.setRowVisible(row, bool(value))
                self._contact_rows[row] = bool(value)
        self.no_contact_label.setVisible(not any(value for _, value in rows))


class PersonaSection(QWidget):
    """The customer's persona: how they decide, what they ask, and how to talk to them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personaSection")
        column = section_column(self, self.tr("Persona"))
        self.persona_name_label = bold_label("personaName")
        self.persona_traits_label = plain_label("personaTraits", muted=True)
        self.persona_talk_label = plain_label("personaTalk")
        self.persona_talk_label.setStyleSheet(QUOTE_STYLE)
        column.addWidget(self.persona_name_label)
        column.addWidget(self.persona_traits_label)
        column.addWidget(self.persona_talk_label)

    def fill(self, persona: PersonaRecord | None) -> None:
        if persona is None:
            self.persona_name_label.setText(self.tr("No persona chosen"))
            self.persona_name_label.setForegroundRole(MUTED)
            self.persona_traits_label.hide()
            self.persona_talk_label.hide()
            return
        self.persona_name_label.setText(persona.name)
        self.persona_name_label.setForegroundRole(QPalette.ColorRole.WindowText)
        traits = []
        if persona.decides:
            traits.append(self.tr("Decides {0}").format(persona.decides))
        if persona.asks:
            asks = persona.asks.strip()
            quoted = asks[:1] in "\"“'‘" if asks else False
            traits.append(self.tr("asks {0}").format(asks if quoted else f"“{asks}”"))
        self.persona_traits_label.setText(" · ".join(traits))
        self.persona_traits_label.setVisible(bool(traits))
        self.persona_talk_label.setText(
            self.tr("How to talk to them: {0}").format(persona.how_to_talk)
            if persona.how_to_talk else "")
        self.persona_talk_label.setVisible(bool(persona.how_to_talk))
