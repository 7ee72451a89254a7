"""Manage personas: how each kind of customer decides and how to talk to them."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTreeWidgetItem, QWidget

from smallbiz_crm.domain.records.customers import PersonaRecord
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.list_editor import COL_NAME, ListEditorDialog
from smallbiz_crm.ui.dialogs.list_editor_layout import editor_form, heading_label
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named


def text_box(object_name: str, placeholder: str, lines: int) -> QPlainTextEdit:
    box = named(QPlainTextEdit(), object_name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


class PersonasDialog(ListEditorDialog[PersonaRecord]):
    """Persona list (with how many customers have each) beside an editor for one persona."""

    UNSAVED_BOX = "unsavedPersonaBox"
    DELETE_BOX = "confirmDeletePersona"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setObjectName("personasDialog")
        self.setWindowTitle(self.tr("Personas"))
        fit_to_screen(self, 900, 560)

        self.persona_list = self.make_list("personaList",
                                           [self.tr("Persona"), self.tr("Customers")])
        new_button = self.make_new_button(self.tr("&New persona"), "newPersona")
        delete_button = self.make_delete_button("deletePersona")

        self.heading = heading_label("personaHeading")
        self.name_edit = named(QLineEdit(), "personaName")
        self.name_edit.setPlaceholderText(self.tr("e.g. Methodical"))
        self.decides_edit = named(QLineEdit(), "personaDecides")
        self.decides_edit.setPlaceholderText(self.tr("e.g. slowly, on logic"))
        self.asks_edit = named(QLineEdit(), "personaAsks")
        self.asks_edit.setPlaceholderText(self.tr("e.g. How exactly does it work?"))
        self.motivation_edit = text_box(
            "personaMotivation", self.tr("What they want to be sure of before buying"), 2)
        self.how_to_talk_edit = text_box(
            "personaHowToTalk",
            self.tr("How to bring them our one message: words, pace, what to show"), 2)
        self.ideas_edit = text_box(
            "personaGestureIdeas", self.tr("One idea per line, e.g. an in-depth demo"), 3)
        form = editor_form()
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        self.errors.add_row(form, self.tr("How they de&cide"), "decides", self.decides_edit)
        self.errors.add_row(form, self.tr("What they &ask"), "asks", self.asks_edit)
        self.errors.add_row(form, self.tr("What d&rives them"), "motivation",
                            self.motivation_edit)
        self.errors.add_row(form, self.tr("How to &talk to them"), "how_to_talk",
                            self.how_to_talk_edit)
        self.errors.add_row(form, self.tr("&Gesture ideas"), "gesture_ideas", self.ideas_edit)
        self.save_button = self.make_save_button(self.tr("&Save persona"), "savePersona")

        self.arrange_side_by_side(
            intro=self.tr(
                "A persona describes how a kind of customer decides, so you know how to bring "
                "them the same message in the way that reaches them."),
            list_buttons=[new_button, delete_button],
            editor=[self.heading, form], save_button=self.save_button,
            splitter_name="personasSplitter", sizes=(280, 620))
        self.watch(self.name_edit.textChanged, self.decides_edit.textChanged,
                   self.asks_edit.textChanged, self.motivation_edit.textChanged,
                   self.how_to_talk_edit.textChanged, self.ideas_edit.textChanged)
        self.open_first()

    # -- what the list and the editor show ---------------------------------------------------

    def fetch(self) -> list[PersonaRecord]:
        return self.services.personas.all()

    def row_texts(self, record: PersonaRecord, number: int) -> list[str]:
        return [record.name, f"{record.customer_count:,}"]

    def style_row(self, item: QTreeWidgetItem, record: PersonaRecord) -> None:
        item.setToolTip(COL_NAME, record.decides)

    def fill_editor(self, record: PersonaRecord | None) -> None:
        self.name_edit.setText(record.name if record else "")
        self.decides_edit.setText(record.decides if record else "")
        self.asks_edit.setText(record.asks if record else "")
        self.motivation_edit.setPlainText(record.motivation if record else "")
        self.how_to_talk_edit.setPlainText(record.how_to_talk if record else "")
        self.ideas_edit.setPlainText("\n".join(record.gesture_ideas) if record else "")
        if record is None:
            self.heading.setText(self.tr("New persona"))
        else:
            self.heading.setText(self.tr("{0} — {1}").format(
                record.name, count_text(record.customer_count)))

    def current_persona_id(self) -> int | None:
        """The persona in the editor; None while a new one is being written."""
        return self.current_id()

    def select_persona(self, persona_id: int) -> None:
        self.select(persona_id)

    # -- saving and deleting ----------------------------------------------------------------

    def write(self, record_id: int | None) -> PersonaRecord:
        return self.services.personas.save(
            record_id, self.name_edit.text(), decides=self.decides_edit.text(),
            asks=self.asks_edit.text(), motivation=self.motivation_edit.toPlainText(),
            how_to_talk=self.how_to_talk_edit.toPlainText(),
            gesture_ideas=tuple(self.ideas_edit.toPlainText().splitlines()))

    def unsaved_question(self) -> str:
        return self.tr("Save the changes to this persona?")

    def remove(self, record_id: int) -> None:
        # Customers keep everything else; they only lose the persona.
        self.services.personas.delete(record_id)

    def delete_title(self) -> str:
        return self.tr("Delete persona")

    def delete_question(self, record: PersonaRecord) -> str:
        if record.customer_count:
            return self.tr(
                "Delete the persona '{0}'?\n\n{1} will no longer have a persona; everything "
                "else about them stays.").format(record.name,
                                                 count_text(record.customer_count))
        return self.tr("Delete the persona '{0}'?\n\nNo customer has this persona.").format(
            record.name)
