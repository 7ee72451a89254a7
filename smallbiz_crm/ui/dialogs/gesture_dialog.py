"""Logging a trust-building gesture for one customer or many at once, and noting how it landed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.kinds import GestureKind
from smallbiz_crm.domain.money import parse_cents
from smallbiz_crm.domain.records.gestures import GestureDraft, GestureRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.gesture_table import gesture_kind_labels, kind_label
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import named

NAMES_SHOWN = 4  # "For 20 customers: Ann, Bob, Carl, Dana and 16 more"

# Words in a persona's gesture idea that say which kind of gesture it is.
_IDEA_WORDS = (
    (("invitation", "invite", "event"), GestureKind.INVITATION),
    (("thank-you", "thank you"), GestureKind.THANK_YOU),
    (("upgrade",), GestureKind.UPGRADE),
    (("freebie", "free", "sample", "treat", "trial", "demo", "workshop"), GestureKind.FREEBIE),
    (("gift", "present"), GestureKind.GIFT),
)


def guess_kind(idea: str) -> GestureKind | None:
    """The gesture kind an idea reads as ("A hand-written thank-you note" → thank_you)."""
    lowered = idea.casefold()
    for words, kind in _IDEA_WORDS:
        if any(word in lowered for word in words):
            return kind
    return None


def _text_height(widget: QWidget, lines: int) -> int:
    return widget.fontMetrics().lineSpacing() * lines + 12


class GestureDialog(QDialog):
    """Log one gesture for the customers given; `logged` holds the records (one each)."""

    def __init__(self, services: Services, customer_ids: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gestureDialog")
        self.services = services
        self.gestures = services.gestures
        self.customer_ids = list(dict.fromkeys(customer_ids))
        self.logged: list[GestureRecord] = []
        self.ideas: tuple[str, ...] = ()
        self._names = [row.name for row in services.customers.rows(self.customer_ids)]
        self._build()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.errors = FieldErrors()
        count = len(self.customer_ids)
        if count == 1 and self._names:
            self.setWindowTitle(self.tr("Log gesture — {0}").format(self._names[0]))
        else:
            self.setWindowTitle(self.tr("Log gesture for {0} customers").format(f"{count:,}"))

        self.for_label = named(QLabel(), "gestureFor")
        self.for_label.setTextFormat(Qt.TextFormat.PlainText)
        self.for_label.setWordWrap(True)
        bold = QFont(self.for_label.font())
        bold.setBold(True)
        self.for_label.setFont(bold)
        self.for_label.setText(self.for_text())
        self.names_label = named(QLabel(), "gestureForNames")
        self.names_label.setTextFormat(Qt.TextFormat.PlainText)
        self.names_label.setWordWrap(True)
        self.names_label.setText(self.names_text())
        self.names_label.setVisible(count > 1)
        self.names_label.setToolTip("\n".join(self._names[:40]))

        self.kind_combo = named(QComboBox(), "kindCombo")
        for value, label in gesture_kind_labels().items():
            self.kind_combo.addItem(label, value)
        self.given_on_edit = named(QDateEdit(), "givenOnEdit")
        self.given_on_edit.setCalendarPopup(True)
        self.given_on_edit.setDisplayFormat("yyyy-MM-dd")
        today = self.services.clock().date()
        self.given_on_edit.setDate(QDate(today.year, today.month, today.day))
        self.description_edit = named(QLineEdit(), "descriptionEdit")
        self.description_edit.setPlaceholderText(
            self.tr("What you gave or did, e.g. a hand-written thank-you card"))
        self.cost_edit = named(QLineEdit(), "costEdit")
        self.cost_edit.setPlaceholderText(self.tr("e.g. 4.50 — leave empty if it cost nothing"))
        self.occasion_edit = named(QLineEdit(), "occasionEdit")
        self.occasion_edit.setPlaceholderText(self.tr("e.g. spring reading evening, birthday"))
        self.occasion_completer = QCompleter(self.gestures.recent_occasions(), self)
        self.occasion_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.occasion_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.occasion_edit.setCompleter(self.occasion_completer)
        self.outcome_edit = named(QPlainTextEdit(), "outcomeEdit")
        self.outcome_edit.setTabChangesFocus(True)
        self.outcome_edit.setPlaceholderText(
            self.tr("How they reacted — you can add this later"))
        self.outcome_edit.setFixedHeight(_text_height(self, 3))

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors.add_row(self.form, self.tr("Kind"), "kind", self.kind_combo)
        self.errors.add_row(self.form, self.tr("Date"), "given_on", self.given_on_edit)
        self.errors.add_row(self.form, self.tr("Description"), "description",
                            self.description_edit)
        self.errors.add_row(self.form, self.tr("Cost"), "cost", self.cost_edit)
        self.errors.add_row(self.form, self.tr("Occasion"), "occasion", self.occasion_edit)
        self.errors.add_row(self.form, self.tr("Outcome"), "outcome", self.outcome_edit)

        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("Log gesture")), "saveButton")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.for_label)
        layout.addWidget(self.names_label)
        ideas = self._build_ideas()
        if ideas is not None:
            layout.addWidget(ideas)
            layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.description_edit.setFocus()

    def _build_ideas(self) -> QWidget | None:
        """For one customer with a persona: its gesture ideas, each a click away."""
        if len(self.customer_ids) != 1:
            return None
        try:
            customer = self.services.customers.get(self.customer_ids[0])
            if customer.persona_id is None:
                return None
            persona = self.services.personas.get(customer.persona_id)
        except NotFoundError:
            return None
        self.ideas = persona.gesture_ideas
        if not self.ideas:
            return None
        box = named(QWidget(), "gestureIdeas")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 4)
        column.setSpacing(2)
        heading = QLabel(self.tr("Ideas for {0} customers — click one to use it:").format(
            persona.name))
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        column.addWidget(heading)
        self.idea_buttons: list[QPushButton] = []
        for number, idea in enumerate(self.ideas):
            button = named(QPushButton(idea), "ideaButton")
            button.setToolTip(self.tr("Use this idea as the description"))
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, n=number: self.use_idea(n))
            self.idea_buttons.append(button)
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            column.addLayout(row)
        return box

    # -- wording ----------------------------------------------------------------------------

    def for_text(self) -> str:
        count = len(self.customer_ids)
        if count == 1 and self._names:
            return self.tr("For {0}").format(self._names[0])
        return self.tr("For {0} customers").format(f"{count:,}")

    def names_text(self) -> str:
        """'Ann, Bob, Carl, Dana and 16 more'."""
        names = self._names
        if len(names) <= NAMES_SHOWN:
            if len(names) <= 1:
                return "".join(names)
            return self.tr("{0} and {1}").format(", ".join(names[:-1]), names[-1])
        return self.tr("{0} and {1} more").format(", ".join(names[:NAMES_SHOWN]),
                                                  f"{len(names) - NAMES_SHOWN:,}")

    # -- acting -----------------------------------------------------------------------------

    def use_idea(self, number: int) -> None:
        """Fill the description with a persona idea (and pick the kind it reads as)."""
        if not 0 <= number < len(self.ideas):
            return
        idea = self.ideas[number]
        self.description_edit.setText(idea)
        kind = guess_kind(idea)
        if kind is not None:
            index = self.kind_combo.findData(kind.value)
            if index >= 0:
                self.kind_combo.setCurrentIndex(index)
        self.description_edit.setFocus()

    def given_on(self) -> date:
        value = self.given_on_edit.date().toPython()
        assert isinstance(value, date)
        return value

    def draft(self, cost_cents: int | None) -> GestureDraft:
        return GestureDraft(
            customer_ids=tuple(self.customer_ids), kind=str(self.kind_combo.currentData()),
            given_on=self.given_on(), description=self.description_edit.text(),
            cost_cents=cost_cents, occasion=self.occasion_edit.text(),
            outcome=self.outcome_edit.toPlainText())

    def save(self) -> bool:
        """Log the gesture; on a problem show it next to its field and keep what was typed."""
        self.errors.clear()
        problems: dict[str, str] = {}
        cost: int | None = 0
        cost_text = self.cost_edit.text().strip()
        if cost_text:
            try:
                cost = parse_cents(cost_text)
            except ValueError as exc:
                problems["cost"] = str(exc)
        try:
            if problems:
                # Show the other fields' problems too, not one at a time.
                try:
                    self.gestures.validate(self.draft(0))
                except ValidationError as exc:
                    problems = {**exc.fields, **problems}
                raise ValidationError(problems)
            self.logged = self.gestures.log(self.draft(cost))
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except NotFoundError as exc:
            self.errors.show_message(str(exc))
            return False
        self.accept()
        return True


class OutcomeDialog(QDialog):
    """Note how one or several gestures landed (who came to the event); `saved` is the count."""

    def __init__(self, services: Services, gesture_ids: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeDialog")
        self.gestures = services.gestures
        self.gesture_ids = list(dict.fromkeys(gesture_ids))
        self.saved = 0
        self.errors = FieldErrors()

        first = self.gestures.get(self.gesture_ids[0]) if len(self.gesture_ids) == 1 else None
        if first is not None:
            name = services.customers.get(first.customer_id).name
            self.setWindowTitle(self.tr("Outcome — {0}").format(name))
            about = self.tr("{0} for {1}, {2}:\n{3}").format(
                kind_label(first.kind), name, first.given_on.isoformat(), first.description)
        else:
            self.setWindowTitle(self.tr("Outcome of {0} gestures").format(
                f"{len(self.gesture_ids):,}"))
            about = self.tr("The same outcome is noted on each of the {0} gestures.").format(
                f"{len(self.gesture_ids):,}")
        self.about_label = named(QLabel(about), "outcomeAbout")
        self.about_label.setTextFormat(Qt.TextFormat.PlainText)
        self.about_label.setWordWrap(True)
        self.outcome_edit = named(QPlainTextEdit(), "outcomeEdit")
        self.outcome_edit.setTabChangesFocus(True)
        self.outcome_edit.setPlaceholderText(
            self.tr("How they reacted, e.g. came back the next week and bought two books"))
        self.outcome_edit.setMinimumHeight(_text_height(self, 4))
        if first is not None:
            self.outcome_edit.setPlainText(first.outcome)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, self.tr("Outcome"), "outcome", self.outcome_edit)
        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("Save")), "saveButton")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.about_label)
        layout.addSpacing(4)
        layout.addLayout(form, 1)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        self.outcome_edit.setFocus()

    def save(self) -> bool:
        self.errors.clear()
        try:
            self.saved = self.gestures.set_outcomes(self.gesture_ids,
                                                    self.outcome_edit.toPlainText())
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except NotFoundError as exc:
            self.errors.show_message(str(exc))
            return False
        self.accept()
        return True
