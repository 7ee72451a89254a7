"""Manage personas: how each kind of customer decides and how to talk to them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import PersonaRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import (
    ask_save_changes,
    item_with_id,
    named,
    set_current,
    tree_items,
)
from smallbiz_crm.user_errors import user_message

COL_NAME = 0
COL_CUSTOMERS = 1
ID_ROLE = Qt.ItemDataRole.UserRole


def text_box(object_name: str, placeholder: str, lines: int) -> QPlainTextEdit:
    box = named(QPlainTextEdit(), object_name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


class PersonasDialog(QDialog):
    """Persona list (with how many customers have each) beside an editor for one persona."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.was_changed = False
        self._current_id: int | None = None
        self._dirty = False
        self.setObjectName("personasDialog")
        self.setWindowTitle(self.tr("Personas"))
        self.resize(900, 560)

        intro = QLabel(self.tr(
            "A persona describes how a kind of customer decides, so you know how to bring "
            "them the same message in the way that reaches them."))
        intro.setWordWrap(True)

        self.persona_list = named(QTreeWidget(), "personaList")
        self.persona_list.setHeaderLabels([self.tr("Persona"), self.tr("Customers")])
        self.persona_list.setRootIsDecorated(False)
        self.persona_list.setUniformRowHeights(True)
        self.persona_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.persona_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CUSTOMERS, QHeaderView.ResizeMode.ResizeToContents)
        self.new_button = named(QPushButton(self.tr("&New persona")), "newPersona")
        self.delete_button = named(QPushButton(self.tr("&Delete…")), "deletePersona")
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.new_button)
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.persona_list, 1)
        left_layout.addLayout(list_buttons)

        self.heading = named(QLabel(), "personaHeading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
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
        self.errors = FieldErrors()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        self.errors.add_row(form, self.tr("How they de&cide"), "decides", self.decides_edit)
        self.errors.add_row(form, self.tr("What they &ask"), "asks", self.asks_edit)
        self.errors.add_row(form, self.tr("What d&rives them"), "motivation",
                            self.motivation_edit)
        self.errors.add_row(form, self.tr("How to &talk to them"), "how_to_talk",
                            self.how_to_talk_edit)
        self.errors.add_row(form, self.tr("&Gesture ideas"), "gesture_ideas", self.ideas_edit)
        self.save_button = named(QPushButton(self.tr("&Save persona")), "savePersona")
        self.save_button.setDefault(True)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addLayout(form)
        right_layout.addWidget(self.errors.general)
        right_layout.addLayout(save_row)

        splitter = named(QSplitter(Qt.Orientation.Horizontal), "personasSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([280, 620])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        for line in (self.name_edit, self.decides_edit, self.asks_edit):
            line.textChanged.connect(self._mark_dirty)
        for box in (self.motivation_edit, self.how_to_talk_edit, self.ideas_edit):
            box.textChanged.connect(self._mark_dirty)
        self.persona_list.currentItemChanged.connect(self._on_current_changed)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.save_button.clicked.connect(self.save)

        self._personas: dict[int, PersonaRecord] = {}
        self.reload()
        if self.persona_list.topLevelItemCount():
            set_current(self.persona_list, tree_items(self.persona_list)[0])
        else:
            self.start_new()

    # -- the list ---------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        """Refill the list; the editor is left as it is."""
        self._personas = {p.id: p for p in self.services.personas.all()}
        self.persona_list.blockSignals(True)
        self.persona_list.clear()
        for persona in self._personas.values():
            item = QTreeWidgetItem([persona.name, f"{persona.customer_count:,}"])
            item.setData(COL_NAME, ID_ROLE, persona.id)
            item.setTextAlignment(COL_CUSTOMERS, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(COL_NAME, persona.decides)
            self.persona_list.addTopLevelItem(item)
            if persona.id == select_id:
                self.persona_list.setCurrentItem(item)
        self.persona_list.blockSignals(False)
        self.delete_button.setEnabled(self._current_id is not None)

    def item_for(self, persona_id: int) -> QTreeWidgetItem | None:
        return item_with_id(self.persona_list, persona_id, ID_ROLE)

    def current_persona_id(self) -> int | None:
        """The persona in the editor; None while a new one is being written."""
        return self._current_id

    def select_persona(self, persona_id: int) -> None:
        item = self.item_for(persona_id)
        if item is not None:
            self.persona_list.setCurrentItem(item)

    def _on_current_changed(self, current: QTreeWidgetItem | None,
                            previous: QTreeWidgetItem | None) -> None:
        if current is None:
            return
        persona_id = current.data(COL_NAME, ID_ROLE)
        if persona_id == self._current_id:
            return
        if not self._settle_unsaved():
            # Stay on the persona being edited: the owner cancelled, or saving failed.
            self.persona_list.blockSignals(True)
            set_current(self.persona_list, previous)
            self.persona_list.blockSignals(False)
            return
        self._load(self._personas[persona_id])
        # Saving refilled the list (selecting the saved persona): point it at the clicked one.
        self.persona_list.blockSignals(True)
        set_current(self.persona_list, self.item_for(persona_id))
        self.persona_list.blockSignals(False)

    # -- the editor -------------------------------------------------------------------------

    def _load(self, persona: PersonaRecord | None) -> None:
        self._current_id = persona.id if persona is not None else None
        self.name_edit.setText(persona.name if persona else "")
        self.decides_edit.setText(persona.decides if persona else "")
        self.asks_edit.setText(persona.asks if persona else "")
        self.motivation_edit.setPlainText(persona.motivation if persona else "")
        self.how_to_talk_edit.setPlainText(persona.how_to_talk if persona else "")
        self.ideas_edit.setPlainText("\n".join(persona.gesture_ideas) if persona else "")
        self.errors.clear()
        self._dirty = False
        self.delete_button.setEnabled(persona is not None)
        if persona is None:
            self.heading.setText(self.tr("New persona"))
        else:
            self.heading.setText(self.tr("{0} — {1}").format(
                persona.name, count_text(persona.customer_count)))

    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def start_new(self) -> None:
        """Empty the editor for a new persona (unsaved edits must be settled first)."""
        self.persona_list.blockSignals(True)
        set_current(self.persona_list, None)
        self.persona_list.blockSignals(False)
        self._load(None)
        self.name_edit.setFocus()

    def _on_new_clicked(self) -> None:
        if self._settle_unsaved():
            self.start_new()

    def save(self) -> bool:
        """Save the editor; on a mistake the messages show by the fields and the text stays."""
        ideas = tuple(self.ideas_edit.toPlainText().splitlines())
        try:
            persona = self.services.personas.save(
                self._current_id, self.name_edit.text(), decides=self.decides_edit.text(),
                asks=self.asks_edit.text(), motivation=self.motivation_edit.toPlainText(),
                how_to_talk=self.how_to_talk_edit.toPlainText(), gesture_ideas=ideas)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            self.errors.show_message(message)
            return False
        self._current_id = persona.id
        self.reload(select_id=persona.id)
        self._load(self._personas.get(persona.id, persona))
        self._note_changed()
        return True

    def _settle_unsaved(self) -> bool:
        """Ask about unsaved edits; True when it is fine to leave them (saved or discarded)."""
        if not self._dirty:
            return True
        answer = ask_save_changes(self, self.tr("Save the changes to this persona?"),
                                  "unsavedPersonaBox")
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._dirty = False
            return True
        return False

    # -- delete -----------------------------------------------------------------------------

    def delete_persona(self, persona_id: int) -> None:
        """Delete without asking (the button asks first); customers keep everything else."""
        self.services.personas.delete(persona_id)
        if persona_id == self._current_id:
            self._dirty = False
            self._current_id = None
        self.reload()
        self._note_changed()
        if self._current_id is None:
            if self.persona_list.topLevelItemCount():
                set_current(self.persona_list, tree_items(self.persona_list)[0])
            else:
                self.start_new()

    def delete_question(self, persona: PersonaRecord) -> str:
        if persona.customer_count:
            return self.tr(
                "Delete the persona '{0}'?\n\n{1} will no longer have a persona; everything "
                "else about them stays.").format(persona.name,
                                                 count_text(persona.customer_count))
        return self.tr("Delete the persona '{0}'?\n\nNo customer has this persona.").format(
            persona.name)

    def _on_delete_clicked(self) -> None:
        persona = (self._personas.get(self._current_id)
                   if self._current_id is not None else None)
        if persona is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete persona"),
                          self.delete_question(persona),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmDeletePersona")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Delete"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() == QMessageBox.StandardButton.Yes:
            self.delete_persona(persona.id)

    # -- closing ----------------------------------------------------------------------------

    def _note_changed(self) -> None:
        self.was_changed = True
        self.changed.emit()

    def reject(self) -> None:
        if self._settle_unsaved():
            super().reject()
