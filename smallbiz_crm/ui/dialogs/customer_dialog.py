"""The customer form: create or edit one customer's contact details and relationship."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.kinds import CustomerKind
from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerRecord
from smallbiz_crm.domain.validation import (
    Collector,
    ValidationError,
    check_email,
    check_name,
    check_phone,
)
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.customer_picker import CustomerPicker
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named

_ModelIndex = QModelIndex | QPersistentModelIndex


class TagCompleter(QCompleter):
    """Completes the tag after the last comma, keeping the tags typed before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: _ModelIndex) -> str:
        # The prefix is what was typed; the line edit may already show a highlighted completion.
        typed = self.completionPrefix()
        done = [part.strip() for part in typed.split(",")[:-1] if part.strip()]
        return ", ".join([*done, str(index.data())]) + ", "


def parse_birthday(text: str) -> date | None:
    """'1985-04-23' → date; '' → None; anything else raises ValueError with a plain message."""
    cleaned = text.strip()
    if not cleaned:
        return None
    parts = cleaned.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts) or len(parts[0]) != 4:
        raise ValueError(f"'{cleaned}' is not a date: type it as year-month-day, "
                         "e.g. 1985-04-23.")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"There is no day {cleaned}; check the month and day.") from None


def split_tags(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class CustomerDialog(QDialog):
    """Create a customer (customer_id None) or edit one; `saved_customer` holds the result."""

    def __init__(self, services: Services, customer_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerDialog")
        self.services = services
        self.customer_id = customer_id
        self.record: CustomerRecord | None = (
            services.customers.get(customer_id) if customer_id is not None else None)
        self.saved_customer: CustomerRecord | None = None
        self._personas = {p.id: p for p in services.personas.all(with_counts=False)}

        self._build()
        if self.record is not None:
            self._fill(self.record)
            self.setWindowTitle(self.tr("Edit customer — {0}").format(self.record.name))
        else:
            self.setWindowTitle(self.tr("New customer"))
        self._on_persona_changed()
        self._on_not_pursuing_toggled(self.not_pursuing_check.isChecked())
        self.name_edit.setFocus()

    # -- building the form ------------------------------------------------------------------

    def _build(self) -> None:
        self.errors = FieldErrors()

        self.kind_combo = named(QComboBox(), "kindCombo")
        self.kind_combo.addItem(self.tr("Person"), CustomerKind.PERSON.value)
        self.kind_combo.addItem(self.tr("Business"), CustomerKind.BUSINESS.value)
        self.name_edit = named(QLineEdit(), "nameEdit")
        self.company_edit = named(QLineEdit(), "companyEdit")
        self.email_edit = named(QLineEdit(), "emailEdit")
        self.email_edit.setPlaceholderText(self.tr("name@example.com"))
        self.phone_edit = named(QLineEdit(), "phoneEdit")
        self.address_edit = named(QPlainTextEdit(), "addressEdit")
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.birthday_edit = named(QLineEdit(), "birthdayEdit")
        self.birthday_edit.setPlaceholderText(self.tr("YYYY-MM-DD, e.g. 1985-04-23"))
        self.birthday_edit.setToolTip(self.tr("Leave empty if you do not know it."))
        self.source_edit = named(QLineEdit(), "sourceEdit")
        self.source_edit.setPlaceholderText(self.tr("How they found the shop"))

        # The customer being edited cannot have referred themselves.
        self.referred_by_edit = named(
            CustomerPicker(self.services, excluded=self._not_this_customer),
            "referredByEdit")
        self.referred_by_edit.setPlaceholderText(self.tr("Type part of a customer's name…"))
        self.referrer_model = self.referred_by_edit.matches
        self.referrer_completer = self.referred_by_edit.completer_
        self.referrer_completer.setObjectName("referredByCompleter")

        self.persona_combo = named(QComboBox(), "personaCombo")
        self.persona_combo.addItem(self.tr("(not set)"), None)
        for persona in self._personas.values():
            self.persona_combo.addItem(persona.name, persona.id)
        self.persona_note = named(QLabel(), "personaNote")
        self.persona_note.setWordWrap(True)
        note_font = self.persona_note.font()
        note_font.setItalic(True)
        self.persona_note.setFont(note_font)
        persona_box = QWidget()
        persona_column = QVBoxLayout(persona_box)
        persona_column.setContentsMargins(0, 0, 0, 0)
        persona_column.setSpacing(2)
        persona_column.addWidget(self.persona_combo)
        persona_column.addWidget(self.persona_note)

        self.stage_combo = named(QComboBox(), "stageCombo")
        for stage in self.services.journey.stages(with_counts=False):
            self.stage_combo.addItem(stage.name, stage.id)

        self.tags_edit = named(QLineEdit(), "tagsEdit")
        self.tags_edit.setPlaceholderText(self.tr("Comma-separated, e.g. wholesale, newsletter"))
        tag_names = [t.name for t in self.services.tags.all(with_counts=False)]
        self.tag_completer = TagCompleter(tag_names, self)
        self.tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(self.tag_completer)

        self.consent_check = named(QCheckBox(self.tr("Agrees to be contacted")), "consentCheck")
        self.not_pursuing_check = named(QCheckBox(self.tr("Not pursuing this customer")),
                                        "notPursuingCheck")
        self.not_pursuing_reason_edit = named(QLineEdit(), "notPursuingReasonEdit")
        self.not_pursuing_reason_edit.setPlaceholderText(self.tr("Why, briefly"))
        self.notes_edit = named(QPlainTextEdit(), "notesEdit")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText(
            self.tr("What matters to the relationship, e.g. prefers phone after 6pm"))
        self.notes_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 5 + 12)

        contact = named(QGroupBox(self.tr("Contact")), "contactGroup")
        contact_form = self._form_in(contact)
        contact_form.addRow(self.tr("Kind"), self.kind_combo)
        self.errors.add_row(contact_form, self.tr("Name"), "name", self.name_edit)
        contact_form.addRow(self.tr("Company"), self.company_edit)
        self.errors.add_row(contact_form, self.tr("Email"), "email", self.email_edit)
        self.errors.add_row(contact_form, self.tr("Phone"), "phone", self.phone_edit)
        contact_form.addRow(self.tr("Address"), self.address_edit)
        self.errors.add_row(contact_form, self.tr("Birthday"), "birthday", self.birthday_edit)
        self.errors.add_row(contact_form, self.tr("Found us via"), "source", self.source_edit)
        self.errors.add_row(contact_form, self.tr("Referred by"), "referred_by",
                            self.referred_by_edit)

        relationship = named(QGroupBox(self.tr("Relationship")), "relationshipGroup")
        relation_form = self._form_in(relationship, stretch=False)
        self.errors.add_row(relation_form, self.tr("Persona"), "persona", persona_box)
        self.errors.add_row(relation_form, self.tr("Journey stage"), "stage", self.stage_combo)
        self.errors.add_row(relation_form, self.tr("Tags"), "tags", self.tags_edit)
        relation_form.addRow("", self.consent_check)
        relation_form.addRow("", self.not_pursuing_check)
        self.errors.add_row(relation_form, self.tr("Reason"), "not_pursuing_reason",
                            self.not_pursuing_reason_edit)
        self.errors.add_row(relation_form, self.tr("Personal notes"), "notes", self.notes_edit)

        self.errors.general.setObjectName("formError")
        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("Save")), "saveButton")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        columns = QHBoxLayout()
        columns.addWidget(contact, 1)
        columns.addWidget(relationship, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        fit_to_screen(self, 880, 500)

        self.persona_combo.currentIndexChanged.connect(self._on_persona_changed)
        self.not_pursuing_check.toggled.connect(self._on_not_pursuing_toggled)

    def _not_this_customer(self) -> tuple[int, ...]:
        return () if self.customer_id is None else (self.customer_id,)

    @classmethod
    def _form_in(cls, group: QGroupBox, stretch: bool = True) -> QFormLayout:
        """A form inside `group`; the stretch keeps its rows together at the top."""
        column = QVBoxLayout(group)
        form = QFormLayout()
        cls._tune(form)
        column.addLayout(form)
        if stretch:
            column.addStretch(1)
        return form

    @staticmethod
    def _tune(form: QFormLayout) -> None:
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

    def _fill(self, record: CustomerRecord) -> None:
        self._select_data(self.kind_combo, record.kind)
        self.name_edit.setText(record.name)
        self.company_edit.setText(record.company)
        self.email_edit.setText(record.email)
        self.phone_edit.setText(record.phone)
        self.address_edit.setPlainText(record.address)
        self.birthday_edit.setText(record.birthday.isoformat() if record.birthday else "")
        self.source_edit.setText(record.source)
        if record.referred_by_id is not None:
            self.referred_by_edit.choose(record.referred_by_id, record.referred_by_name)
        self._select_data(self.persona_combo, record.persona_id)
        self._select_data(self.stage_combo, record.stage_id)
        self.tags_edit.setText(", ".join(record.tags))
        self.consent_check.setChecked(record.consent_contact)
        self.not_pursuing_check.setChecked(record.not_pursuing)
        self.not_pursuing_reason_edit.setText(record.not_pursuing_reason)
        self.notes_edit.setPlainText(record.notes)

    @staticmethod
    def _select_data(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    # -- reacting to the owner --------------------------------------------------------------

    def _on_persona_changed(self) -> None:
        persona = self._personas.get(self.persona_combo.currentData())
        note = persona.how_to_talk if persona is not None else ""
        if note:
            self.persona_note.setText(self.tr("How to talk to them: {0}").format(note))
        self.persona_note.setVisible(bool(note))

    def _on_not_pursuing_toggled(self, checked: bool) -> None:
        self.not_pursuing_reason_edit.setEnabled(checked)

    @property
    def referred_by_id(self) -> int | None:
        return self.referred_by_edit.picked_id()

    # -- saving -----------------------------------------------------------------------------

    def _referrer_for_save(self, problems: dict[str, str]) -> int | None:
        # Typed a full name without picking from the list: accepted if exactly one matches.
        referrer = self.referred_by_edit.customer_id()
        if referrer is None and self.referred_by_edit.text().strip():
            problems["referred_by"] = self.referred_by_edit.problem(
                empty="", unpicked=self.tr("Pick the customer who referred them from the list "
                                           "that opens as you type."))
        return referrer

    def draft(self, problems: dict[str, str] | None = None) -> CustomerDraft:
        """What the form holds; messages for what cannot even be read go into `problems`."""
        problems = {} if problems is None else problems
        try:
            birthday = parse_birthday(self.birthday_edit.text())
        except ValueError as exc:
            problems["birthday"] = str(exc)
            birthday = None
        return CustomerDraft(
            name=self.name_edit.text(), kind=str(self.kind_combo.currentData()),
            company=self.company_edit.text(), email=self.email_edit.text(),
            phone=self.phone_edit.text(), address=self.address_edit.toPlainText(),
            birthday=birthday, source=self.source_edit.text(),
            referred_by_id=self._referrer_for_save(problems),
            persona_id=self.persona_combo.currentData(),
            stage_id=self.stage_combo.currentData(),
            consent_contact=self.consent_check.isChecked(),
            notes=self.notes_edit.toPlainText(),
            not_pursuing=self.not_pursuing_check.isChecked(),
            not_pursuing_reason=self.not_pursuing_reason_edit.text(),
            tags=split_tags(self.tags_edit.text()))

    def _with_basic_checks(self, draft: CustomerDraft, problems: dict[str, str]) -> dict[str, str]:
        """The form's own problems plus the quick checks, so the owner sees all at once."""
        errors = Collector()
        check_name(draft.name, errors)
        check_email(draft.email, errors)
        check_phone(draft.phone, errors, self.services.settings.phone_region())
        if draft.not_pursuing and not draft.not_pursuing_reason.strip():
            errors.add("not_pursuing_reason", "Say briefly why you are not pursuing them.")
        return {**errors.errors, **problems}

    def save(self) -> bool:
        """Validate and store; on a problem show it and keep the dialog open with the text."""
        self.errors.clear()
        problems: dict[str, str] = {}
        draft = self.draft(problems)
        try:
            if problems:
                raise ValidationError(self._with_basic_checks(draft, problems))
            if self.record is None:
                saved = self.services.customers.create(draft)
            else:
                saved = self.services.customers.update(
                    self.record.id, draft, expected_version=self.record.version)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except (ConflictError, NotFoundError) as exc:
            self.errors.show_message(str(exc))
            return False
        self.saved_customer = saved
        self.accept()
        return True
