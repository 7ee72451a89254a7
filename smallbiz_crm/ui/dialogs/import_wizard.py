"""File → Import: choose a CSV or vCard file, match its columns, check every row, import it all
at once (or nothing), and undo it if it was a mistake."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from smallbiz_crm.services.import_reading import (
    MERGE,
    NEW,
    SKIP,
    SOURCE_VCARD,
    ImportCancelled,
    ImportDuplicate,
    ImportPlan,
    ImportProblem,
    ImportResult,
    RawTable,
    UndoResult,
)
from smallbiz_crm.services.importing import (
    default_choices,
    read_file,
    with_choices,
)
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.tasks import Task, TaskRunner
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.form import make_error_label
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen
from smallbiz_crm.user_errors import user_message

PREVIEW_ROWS = 10
# The combo item for "the detected columns, in order": the first filled one wins.
AUTO = -1
MAX_LISTED_COLUMNS = 12
# Up to this many likely duplicates get a choice box drawn in every row; beyond, a click opens it.
PERSISTENT_EDITORS = 200
Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("ImportWizard", text)


def _flat(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def field_labels() -> dict[str, str]:
    """The customer details a column can feed, as the owner reads them."""
    return {
        "name": tr("Full name"), "first_name": tr("First name"),
        "middle_name": tr("Middle name"), "last_name": tr("Last name"),
        "kind": tr("Person or business"), "company": tr("Company"), "email": tr("Email"),
        "phone": tr("Phone"), "address": tr("Full address"), "street": tr("Street"),
        "city": tr("City"), "region": tr("State / region"), "postal_code": tr("Postal code"),
        "country": tr("Country"), "birthday": tr("Birthday"), "notes": tr("Notes"),
        "tags": tr("Tags"), "stage": tr("Journey stage"),
    }


FIELD_GROUPS = (
    ("Who", ("name", "first_name", "middle_name", "last_name", "kind")),
    ("How to reach them", ("company", "email", "phone")),
    ("Address", ("address", "street", "city", "region", "postal_code", "country")),
    ("More", ("birthday", "notes", "tags", "stage")),
)


def choice_labels() -> dict[str, str]:
    return {SKIP: tr("Skip this row"), MERGE: tr("Merge into the existing customer"),
            NEW: tr("Import as a new customer")}


# -- models ---------------------------------------------------------------------------------


class PreviewModel(QAbstractTableModel):
    """The first rows of the file, as read (before any checking)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header: tuple[str, ...] = ()
        self._rows: list[tuple[str, ...]] = []
        self._lines: list[int] = []

    def set_table(self, raw: RawTable | None) -> None:
        self.beginResetModel()
        if raw is None:
            self._header, self._rows, self._lines = (), [], []
        else:
            self._header = tuple(raw.column_label(i) for i in range(len(raw.header)))
            shown = list(raw.rows[:PREVIEW_ROWS])
            self._rows = [row.cells if not row.error else (row.error,) for row in shown]
            self._lines = [row.line for row in shown]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        cells = self._rows[index.row()]
        text = cells[index.column()] if index.column() < len(cells) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return _flat(text)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        if 0 <= section < len(self._lines):
            return tr("Line {0}").format(self._lines[section])
        return None


COL_LINE, COL_FIELD, COL_MESSAGE = range(3)


class ProblemModel(QAbstractTableModel):
    """Bad rows (or notes about rows): line, which detail, what is wrong."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[ImportProblem] = []
        self._headers = (tr("Line"), tr("Detail"), tr("What is wrong"))
        self._labels = field_labels()
        self._labels.update({"name": tr("Name"), "row": tr("Row"), "card": tr("Card"),
                             "file": tr("File")})

    def set_items(self, items: Sequence[ImportProblem], headers: tuple[str, str, str] | None
                  = None) -> None:
        self.beginResetModel()
        self._items = list(items)
        if headers is not None:
            self._headers = headers
        self.endResetModel()

    def items(self) -> list[ImportProblem]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == COL_LINE:
                return f"{item.line:,}" if role == Qt.ItemDataRole.DisplayRole else None
            if index.column() == COL_FIELD:
                return self._labels.get(item.field, item.field)
            return item.message
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < 3 else None
        return None


COL_DUP_LINE, COL_DUP_NAME, COL_DUP_MATCH, COL_DUP_WHY, COL_DUP_CHOICE = range(5)
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1


class DuplicateModel(QAbstractTableModel):
    """Rows that look like customers already there, each with what to do about it."""

    choice_changed = Signal(int, str)  # line, choice

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[ImportDuplicate] = []
        self._choices: dict[int, str] = {}
        self._rows: dict[int, int] = {}
        self._labels = choice_labels()
        self._headers = (tr("Line"), tr("In the file"), tr("Looks like"), tr("Why"),
                         tr("What to do"))

    def set_items(self, items: Sequence[ImportDuplicate], choices: Mapping[int, str]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._choices = {d.line: choices.get(d.line, NEW) for d in self._items}
        self._rows = {d.line: row for row, d in enumerate(self._items)}
        self.endResetModel()

    def choices(self) -> dict[int, str]:
        return dict(self._choices)

    @staticmethod
    def allowed(item: ImportDuplicate) -> tuple[str, ...]:
        # A row repeating an earlier row of the file has no customer to merge into yet.
        return (SKIP, MERGE, NEW) if item.existing_customer_id is not None else (SKIP, NEW)

    def set_choice(self, line: int, choice: str) -> bool:
        row = self._rows.get(line)
        if row is None or choice not in self.allowed(self._items[row]):
            return False
        if self._choices[line] != choice:
            self._choices[line] = choice
            index = self.index(row, COL_DUP_CHOICE)
            self.dataChanged.emit(index, index)
            self.choice_changed.emit(line, choice)
        return True

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == COL_DUP_CHOICE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_DUP_LINE:
                return f"{item.line:,}"
            if column == COL_DUP_NAME:
                return item.name
            if column == COL_DUP_MATCH:
                if item.existing_customer_id is None:
                    return tr("Line {0} of the file").format(item.other_line)
                return item.existing_name
            if column == COL_DUP_WHY:
                return tr("Same email") if item.match == "email" else tr("Same phone")
            return self._labels[self._choices[item.line]]
        if role == Qt.ItemDataRole.EditRole and column == COL_DUP_CHOICE:
            return self._choices[item.line]
        if role == CHOICES_ROLE:
            return self.allowed(item)
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL_DUP_MATCH, COL_DUP_WHY):
            return item.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_DUP_LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or index.column() != COL_DUP_CHOICE or not 0 <= index.row() < len(self._items)):
            return False
        return self.set_choice(self._items[index.row()].line, str(value))

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < 5 else None
        return None


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of skip / merge / import as new in the "What to do" column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("duplicateChoiceCombo")
        labels = choice_labels()
        for choice in index.data(CHOICES_ROLE) or (SKIP, MERGE, NEW):
            combo.addItem(labels[choice], choice)
        # Commit at once: the choice counts even if the owner never leaves the cell.
        combo.currentIndexChanged.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            if position >= 0 and position != editor.currentIndex():
                editor.blockSignals(True)
                editor.setCurrentIndex(position)
                editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def _table_view(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    # Fitting columns looks at this many rows, not at all 100,000 of a big file's list.
    view.horizontalHeader().setResizeContentsPrecision(200)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setHighlightSections(False)
    return view


# -- pages ----------------------------------------------------------------------------------


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setObjectName("importFilePage")
        self.setTitle(tr("Choose a file"))
        self.setSubTitle(tr(
            "A CSV file from a spreadsheet, Google Contacts or Outlook, or a vCard (.vcf) file "
            "from a phone or Apple Contacts. Nothing is added until the last step."))
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPathEdit")
        self.path_edit.setPlaceholderText(tr("The file to import"))
        self.path_edit.returnPressed.connect(self._path_typed)
        self.browse_button = QPushButton(tr("Choose…"))
        self.browse_button.setObjectName("importBrowseButton")
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        self.info = QLabel()
        self.info.setObjectName("importFileInfo")
        self.info.setWordWrap(True)
        self.error = make_error_label("importFileError")
        self.region_combo = QComboBox()
        self.region_combo.setObjectName("phoneRegionCombo")
        self.region_combo.setToolTip(tr(
            "Where numbers like 030 901820 are dialled, and whether 03/04/1985 is the 3rd of "
            "April or March 4th. Numbers with +country and ISO dates are read the same "
            "anywhere."))
        for code, name in regions():
            self.region_combo.addItem(name, code)
        self.region_combo.currentIndexChanged.connect(
            lambda _i: self.owner.set_region(self.region_combo.currentData()))
        region_row = QHBoxLayout()
        region_row.addWidget(QLabel(tr("Phone numbers without +country, and dates, are from:")))
        region_row.addWidget(self.region_combo)
        region_row.addStretch(1)
        self.preview_model = PreviewModel(self)
        self.preview = _table_view(self.preview_model, "importPreviewTable")
        self.preview.verticalHeader().show()
        self.preview.horizontalHeader().setDefaultSectionSize(140)
        self.preview_caption = QLabel(tr("The first rows, as read from the file:"))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addLayout(region_row)
        layout.addWidget(self.preview_caption)
        layout.addWidget(self.preview, 1)
        self.preview_caption.hide()

    def browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self, tr("Import contacts"), start,
            tr("Contacts (*.csv *.txt *.tsv *.vcf *.vcard);;All files (*)"))
        if chosen:
            self.owner.load(Path(chosen))

    def _path_typed(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.owner.load(Path(text).expanduser())

    def show_loading(self, path: Path) -> None:
        self.path_edit.setText(str(path))
        self.error.hide()
        self.info.setText(tr("Reading {0}…").format(path.name))
        self.preview_model.set_table(None)
        self.preview_caption.hide()

    def show_table(self, raw: RawTable) -> None:
        self.error.hide()
        rows = len(raw.rows)
        if raw.source == SOURCE_VCARD:
            versions = ", ".join(raw.versions) or "?"
            self.info.setText(tr("vCard {0} file, {1}; {2}.").format(
                versions, encoding_name(raw.encoding), count_text(rows, "contact", "contacts")))
        else:
            self.info.setText(tr("Read as {0}, {1}; {2} under the title line.").format(
                encoding_name(raw.encoding), delimiter_name(raw.delimiter),
                count_text(rows, "row", "rows")))
        self.preview_model.set_table(raw)
        self.preview_caption.show()
        self.preview.resizeColumnsToContents()
        header = self.preview.horizontalHeader()
        for column in range(self.preview_model.columnCount()):
            header.resizeSection(column, min(max(header.sectionSize(column), 70), 220))

    def show_error(self, message: str) -> None:
        self.info.clear()
        self.preview_model.set_table(None)
        self.preview_caption.hide()
        self.error.setText(message)
        self.error.show()

    def isComplete(self) -> bool:
        return self.owner.raw is not None and not self.owner.is_busy()

    def nextId(self) -> int:
        raw = self.owner.raw
        if raw is not None and raw.source == SOURCE_VCARD:
            return ImportWizard.PAGE_CHECK  # a vCard's fields are known: nothing to match
        return ImportWizard.PAGE_MAPPING


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setObjectName("importMappingPage")
        self.setTitle(tr("Match the columns"))
        self.setSubTitle(tr(
            "Each customer detail is taken from the column chosen here; the columns found by "
            "their titles are already chosen. Details set to \u201cnot imported\u201d are "
            "left empty."))
        self.combos: dict[str, QComboBox] = {}
        labels = field_labels()
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        group_titles = {"Who": tr("Who"), "How to reach them": tr("How to reach them"),
                        "Address": tr("Address"), "More": tr("More")}
        for number, (title, fields) in enumerate(FIELD_GROUPS):
            box = QGroupBox(group_titles[title])
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in fields:
                combo = QComboBox()
                combo.setObjectName(f"mapping_{name}")
                combo.setMinimumContentsLength(18)
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.currentIndexChanged.connect(
                    lambda _i, field=name: self._combo_changed(field))
                self.combos[name] = combo
                form.addRow(labels[name], combo)
            grid.addWidget(box, number // 2, number % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(holder)
        self.hint = make_error_label("mappingHint")
        self.hint.setText(tr("Choose the column with the customers' names: the full name, "
                             "or first and last name, or the company."))
        self.ignored = QLabel()
        self.ignored.setObjectName("ignoredColumns")
        self.ignored.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.ignored)
        layout.addWidget(self.hint)
        self._filling = False

    def fill(self, raw: RawTable, selection: Mapping[str, int | None]) -> None:
        """One combo per field, every column of the file in it, the detected one chosen."""
        self._filling = True
        try:
            samples = _samples(raw)
            for name, combo in self.combos.items():
                combo.clear()
                combo.addItem(tr("(not imported)"), None)
                detected = raw.detected.get(name, ())
                if len(detected) > 1:
                    titles = [raw.column_label(i) for i in detected]
                    combo.addItem(tr("{0}, then {1}").format(titles[0], ", ".join(titles[1:])),
                                  AUTO)
                    combo.setItemData(combo.count() - 1, tr(
                        "The first of these columns that is filled in; for emails and phones "
                        "the others go into the notes."), Qt.ItemDataRole.ToolTipRole)
                for index in range(len(raw.header)):
                    label = raw.column_label(index)
                    sample = samples.get(index, "")
                    combo.addItem(tr("{0} \u2014 e.g. {1}").format(label, sample) if sample
                                  else label, index)
                    combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
                self.select(name, selection.get(name))
        finally:
            self._filling = False
        self.refresh()

    def select(self, name: str, column: int | None) -> None:
        combo = self.combos[name]
        position = combo.findData(column) if column is not None else 0
        combo.setCurrentIndex(max(position, 0))

    def _combo_changed(self, name: str) -> None:
        if self._filling:
            return
        self.owner.selection[name] = self.combos[name].currentData()
        self.owner.mapping_changed()
        self.refresh()

    def refresh(self) -> None:
        self.hint.setVisible(not self.owner.has_name())
        raw = self.owner.raw
        if raw is None:
            self.ignored.clear()
            return
        used = {i for indexes in self.owner.columns().values() for i in indexes}
        unused = [raw.column_label(i) for i in range(len(raw.header))
                  if i not in used and raw.header[i].strip()]
        shown = ", ".join(unused[:MAX_LISTED_COLUMNS])
        if len(unused) > MAX_LISTED_COLUMNS:
            shown = tr("{0} and {1} more").format(shown, len(unused) - MAX_LISTED_COLUMNS)
        self.ignored.setText(tr("Columns not imported: {0}.").format(shown) if unused
                             else tr("Every column is imported."))
        self.ignored.setToolTip(", ".join(unused))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.owner.raw is not None and self.owner.has_name()


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setObjectName("importCheckPage")
        self.setTitle(tr("Check the rows"))
        self.setSubTitle(tr("Every row is checked before anything is added. Rows with a "
                            "problem stop the import; fix them in the file and check again."))
        # Import is the step that cannot be taken back with Back (Undo does that).
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setObjectName("checkSummary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("checkProgressBar")
        self.error = make_error_label("checkError")
        self.problem_model = ProblemModel(self)
        self.problems = _table_view(self.problem_model, "importProblemsTable")
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.notice_model = ProblemModel(self)
        self.notice_model.set_items([], (tr("Line"), tr("Detail"), tr("What was done")))
        self.notices = _table_view(self.notice_model, "importNoticesTable")
        self.notices.horizontalHeader().setStretchLastSection(True)
        self.duplicate_model = DuplicateModel(self)
        self.duplicate_model.choice_changed.connect(self.owner.choice_changed)
        self.duplicates = _table_view(self.duplicate_model, "importDuplicatesTable")
        self.duplicates.setItemDelegateForColumn(COL_DUP_CHOICE, ChoiceDelegate(self.duplicates))
        self.duplicates.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.duplicates.horizontalHeader().setStretchLastSection(True)
        self.copy_button = QPushButton(tr("Copy the list"))
        self.copy_button.setObjectName("copyProblemsButton")
        self.copy_button.clicked.connect(self.copy_problems)
        self.recheck_button = QPushButton(tr("Read the file again and check"))
        self.recheck_button.setObjectName("recheckButton")
        self.recheck_button.setToolTip(tr("After fixing the file and saving it"))
        self.recheck_button.clicked.connect(self.owner.recheck)
        problems_tab = QWidget()
        problems_layout = QVBoxLayout(problems_tab)
        problems_layout.addWidget(self.problems, 1)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        copy_row.addWidget(self.recheck_button)
        problems_layout.addLayout(copy_row)
        duplicates_tab = QWidget()
        duplicates_layout = QVBoxLayout(duplicates_tab)
        bulk = QHBoxLayout()
        bulk.addWidget(QLabel(tr("For all of them:")))
        for choice, text, name in ((SKIP, tr("Skip"), "skipAllButton"),
                                   (MERGE, tr("Merge"), "mergeAllButton"),
                                   (NEW, tr("Import as new"), "newAllButton")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(lambda _c=False, c=choice: self.owner.set_all_choices(c))
            bulk.addWidget(button)
        bulk.addStretch(1)
        duplicates_layout.addLayout(bulk)
        duplicates_layout.addWidget(self.duplicates, 1)
        merge_help = QLabel(tr("Merge fills in the existing customer's empty details, adds the "
                               "tags and appends the notes; nothing they have is replaced."))
        merge_help.setWordWrap(True)
        duplicates_layout.addWidget(merge_help)
        notices_tab = QWidget()
        notices_layout = QVBoxLayout(notices_tab)
        notices_layout.addWidget(self.notices, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("checkTabs")
        self.problems_tab, self.duplicates_tab, self.notices_tab = (
            problems_tab, duplicates_tab, notices_tab)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1000)
        layout.addStretch(1)  # keeps the summary at the top when there is no list to show

    def initializePage(self) -> None:
        plan = self.owner.plan
        if plan is None:
            self.owner.run_dry_run()
        else:  # back and forth without changing the columns: the check still stands
            self.show_plan(plan, self.owner.choices)

    def cleanupPage(self) -> None:
        self.owner.cancel_work()

    def show_checking(self) -> None:
        self.error.hide()
        self.summary.setText(tr("Checking every row…"))
        self.progress.setRange(0, 0)
        self.progress.show()
        self.tabs.hide()
        self.problem_model.set_items([])
        self.notice_model.set_items([])
        self.duplicate_model.set_items([], {})

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.summary.setText(tr("Checking row {0:,} of {1:,}…").format(done, total))

    def show_plan(self, plan: ImportPlan, choices: Mapping[int, str]) -> None:
        self.progress.hide()
        self.problem_model.set_items(plan.problems)
        self.notice_model.set_items(plan.notices)
        self.duplicate_model.set_items(plan.duplicates, choices)
        self.tabs.clear()
        if plan.problems:
            lines = len({p.line for p in plan.problems})
            self.tabs.addTab(self.problems_tab, tr("Problems ({0:,} rows)").format(lines))
        if plan.duplicates:
            self.tabs.addTab(self.duplicates_tab, tr("Look like customers you have ({0:,})")
                             .format(len(plan.duplicates)))
            if len(plan.duplicates) <= PERSISTENT_EDITORS:
                for row in range(len(plan.duplicates)):
                    self.duplicates.openPersistentEditor(
                        self.duplicate_model.index(row, COL_DUP_CHOICE))
        if plan.notices:
            self.tabs.addTab(self.notices_tab, tr("Good to know ({0:,})").format(
                len(plan.notices)))
        self.tabs.setVisible(self.tabs.count() > 0)
        for view in (self.problems, self.duplicates, self.notices):
            view.resizeColumnsToContents()
        self.duplicates.horizontalHeader().resizeSection(
            COL_DUP_CHOICE, max(self.duplicates.horizontalHeader().sectionSize(COL_DUP_CHOICE),
                                260))
        self.update_summary()

    def update_summary(self) -> None:
        plan = self.owner.plan
        if plan is None:
            return
        if plan.problems:
            lines = len({p.line for p in plan.problems})
            text = tr("{0} of {1} has a problem") if lines == 1 else tr(
                "{0} of {1} have a problem")
            self.summary.setText(text.format(count_text(lines, "row", "rows"),
                                             f"{plan.row_count:,}") + tr(
                ", so nothing can be imported yet. Fix the file (the list says where and "
                "what), save it, then read it again."))
        else:
            choices = self.owner.choices
            merged = sum(1 for line, c in choices.items() if c == MERGE)
            skipped = sum(1 for line, c in choices.items() if c == SKIP)
            new = len(plan.candidates) - merged - skipped
            parts = [tr("{0} will be added").format(count_text(new))]
            if merged:
                parts.append(tr("{0} merged into customers you have").format(f"{merged:,}"))
            if skipped:
                parts.append(tr("{0} skipped").format(count_text(skipped, "row", "rows")))
            self.summary.setText(tr("All {0} rows are good: {1}.").format(
                f"{plan.row_count:,}", ", ".join(parts)) if new + merged else tr(
                "Every row is skipped: there is nothing to import."))
        self.completeChanged.emit()

    def show_error(self, message: str) -> None:
        self.progress.hide()
        self.summary.clear()
        self.tabs.hide()
        self.error.setText(message)
        self.error.show()

    def copy_problems(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(
            str(p) for p in self.problem_model.items()))

    def isComplete(self) -> bool:
        return self.owner.can_import()


class ProgressPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setObjectName("importProgressPage")
        self.setTitle(tr("Importing"))
        self.setSubTitle(tr("Everything goes in as one step: if it is cancelled or anything "
                            "goes wrong, nothing is added."))
        self.label = QLabel()
        self.label.setObjectName("importProgressLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgressBar")
        self.error = make_error_label("importError")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.owner.run_import()

    def show_started(self, total: int) -> None:
        self.error.hide()
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(0)
        self.label.setText(tr("Adding {0}…").format(count_text(total)))

    def show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        self.label.setText(tr("{0:,} of {1:,} done…").format(done, total))

    def show_error(self, message: str) -> None:
        self.label.setText(tr("Nothing was imported."))
        self.error.setText(message)
        self.error.show()

    def isComplete(self) -> bool:
        return self.owner.import_result is not None and not self.owner.is_busy()


class DonePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setObjectName("importDonePage")
        self.setTitle(tr("Done"))
        self.setSubTitle(tr("The customers are in your list."))
        self.summary = QLabel()
        self.summary.setObjectName("doneSummary")
        self.summary.setWordWrap(True)
        font = QFont(self.summary.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.summary.setFont(font)
        self.details = QLabel()
        self.details.setObjectName("doneDetails")
        self.details.setWordWrap(True)
        self.undo_button = QPushButton(tr("Undo this import"))
        self.undo_button.setObjectName("undoImportButton")
        self.undo_button.clicked.connect(self.owner.undo)
        self.undo_status = QLabel()
        self.undo_status.setObjectName("undoStatus")
        self.undo_status.setWordWrap(True)
        self.error = make_error_label("undoError")
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addWidget(self.undo_status)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        result = self.owner.import_result
        if result is None:
            return
        self.summary.setText(tr("{0} added from {1}.").format(
            count_text(result.imported), result.file_name))
        lines = []
        if result.merged:
            lines.append(tr("{0} you already had got the details they were missing.").format(
                count_text(result.merged)))
        if result.skipped:
            lines.append(tr("{0} skipped.").format(count_text(result.skipped, "row", "rows")))
        if result.tags_created:
            lines.append(tr("New tags: {0}.").format(", ".join(result.tags_created)))
        if result.notices:
            lines.append(tr("{0} had a birthday without a year or that was not a date; it "
                            "is in their notes.").format(count_text(len(result.notices))))
        lines.append(tr("If this was the wrong file, undo it now or later with File → Undo "
                        "last import."))
        self.details.setText("\n".join(lines))
        self.undo_button.setEnabled(result.batch_id is not None)
        self.undo_status.clear()
        self.error.hide()

    def show_undone(self, undone: UndoResult) -> None:
        self.setSubTitle(tr("The import was undone."))
        self.undo_button.setEnabled(False)
        text = tr("The import was undone: {0} removed.").format(count_text(undone.removed))
        if undone.restored:
            text += " " + tr("{0} are back as they were.").format(count_text(undone.restored))
        self.undo_status.setText(text)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


# -- the wizard -----------------------------------------------------------------------------


def encoding_name(encoding: str) -> str:
    names = {"utf-8": "UTF-8", "utf-8-sig": tr("UTF-8 with a byte order mark"),
             "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16",
             "utf-32": "UTF-32", "cp1252": tr("Windows Western (1252)"),
             "latin-1": tr("Latin-1")}
    return names.get(encoding, encoding)


def delimiter_name(delimiter: str) -> str:
    names = {",": tr("commas between cells"), ";": tr("semicolons between cells"),
             "\t": tr("tabs between cells"), "|": tr("bars (|) between cells")}
    return names.get(delimiter, repr(delimiter))


def regions() -> list[tuple[str, str]]:
    """(code, country name) of every region phone numbers can be read for, by name."""
    import phonenumbers
    from PySide6.QtCore import QLocale

    named = []
    for code in phonenumbers.SUPPORTED_REGIONS:
        territory = QLocale.codeToTerritory(code)
        known = territory != QLocale.Country.AnyCountry
        named.append((code, (QLocale.territoryToString(territory) if known else "") or code))
    return sorted(named, key=lambda pair: pair[1].casefold())


def _samples(raw: RawTable) -> dict[int, str]:
    """A first non-empty value per column, to tell columns apart in the drop-downs."""
    samples: dict[int, str] = {}
    for row in raw.rows[:50]:
        for index, cell in enumerate(row.cells[:len(raw.header)]):
            if index not in samples and cell.strip():
                samples[index] = _flat(cell, 28)
        if len(samples) == len(raw.header):
            break
    return samples


class ImportWizard(QWizard):
    """Import customers from a CSV or vCard file.

    Tests and callers can drive it without clicking: load(path), set_mapping(field, column),
    run_dry_run(), set_duplicate_choice(line, choice), run_import(), undo(); each slow step
    runs in the background and is_busy() is true until it has finished (work_done is emitted
    then, with the step's name).
    """

    PAGE_FILE, PAGE_MAPPING, PAGE_CHECK, PAGE_IMPORT, PAGE_DONE = range(5)

    data_changed = Signal()
    imported = Signal(int)  # the import batch id
    work_done = Signal(str)  # "load", "check", "import", "undo" (or "failed")

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None,
                 path: Path | str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(tr("Import contacts"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("Import"))
        self.services = services
        self.tasks = tasks
        self.path: Path | None = None
        self.raw: RawTable | None = None
        self.selection: dict[str, int | None] = {}
        self.plan: ImportPlan | None = None
        self.choices: dict[int, str] = {}
        self.import_result: ImportResult | None = None
        self.undone: UndoResult | None = None
        self.last_error = ""
        self.region = services.settings.phone_region().upper()
        self._task: Task | None = None
        self._step = ""
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.progress_page = ProgressPage(self)
        self.done_page = DonePage(self)
        for page_id, page in ((self.PAGE_FILE, self.file_page),
                              (self.PAGE_MAPPING, self.mapping_page),
                              (self.PAGE_CHECK, self.check_page),
                              (self.PAGE_IMPORT, self.progress_page),
                              (self.PAGE_DONE, self.done_page)):
            self.setPage(page_id, page)
        self.setStartId(self.PAGE_FILE)
        self.select_region(self.region)
        fit_to_screen(self, 960, 680)
        if path is not None:
            self.load(Path(path))

    # -- background work --------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._task is not None

    def _start(self, step: str, op: Callable[[Any, Any], Any],
               done: Callable[[Any], None], failed: Callable[[BaseException], None],
               progress: Callable[[int, int], None] | None = None) -> None:
        self.cancel_work()
        self._step = step
        self.last_error = ""

        def finish(handler: Callable[[Any], None], task_box: list[Task]) -> Callable[[Any], None]:
            def run(value: Any) -> None:
                if task_box and self._task is not task_box[0] and (
                        self._task is not None or step not in ("import", "undo")):
                    # Superseded by newer work (another file chosen meanwhile), or cancelled;
                    # but a write that got through before the cancel is still reported.
                    return
                self._task = None
                handler(value)
                self._refresh_buttons()
                self.work_done.emit(step if not isinstance(value, BaseException) else "failed")
            return run

        box: list[Task] = []
        task = self.tasks.run(op, finish(done, box), finish(failed, box), progress)
        box.append(task)
        self._task = task
        self._refresh_buttons()

    def cancel_work(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
            self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        for page in (self.file_page, self.mapping_page, self.check_page, self.progress_page):
            page.completeChanged.emit()
        busy = self.is_busy()
        back = self.button(QWizard.WizardButton.BackButton)
        back.setEnabled(not busy and self.currentId() not in (self.PAGE_IMPORT,
                                                                self.PAGE_DONE))

    def _message(self, exc: BaseException) -> str:
        message = user_message(exc)
        if message is None:
            message = tr("Something went wrong that the app did not expect ({0}); nothing was "
                         "changed. The details are in the log file.").format(type(exc).__name__)
        self.last_error = message
        return message

    # -- steps ------------------------------------------------------------------------------

    def load(self, path: Path | str, then: Callable[[], None] | None = None) -> None:
        """Read the file in the background; then show how it was read and its first rows."""
        path = Path(path)
        self.path = path
        self.raw = None
        self.plan = None
        self.import_result = None
        self.choices = {}
        self.file_page.show_loading(path)

        def op(_progress: Any, _cancelled: Any) -> RawTable:
            return read_file(path, require_name=False)

        def done(raw: RawTable) -> None:
            self.raw = raw
            self.selection = {name: (AUTO if len(indexes) > 1 else indexes[0])
                              for name, indexes in raw.detected.items() if indexes}
            self.mapping_page.fill(raw, self.selection)
            self.file_page.show_table(raw)
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            message = self._message(exc)
            self.file_page.show_error(message)
            if then is not None:
                self.check_page.show_error(message)

        self._start("load", op, done, failed)

    def recheck(self) -> None:
        """Read the file again (fixed and saved meanwhile) and check it, same columns."""
        if self.path is None:
            return
        header = self.raw.header if self.raw is not None else None
        kept = dict(self.selection)

        def check() -> None:
            if self.raw is not None and self.raw.header == header:
                self.selection = kept
                self.mapping_page.fill(self.raw, kept)
            self.run_dry_run()

        self.check_page.show_checking()
        self.load(self.path, check)

    def set_region(self, region: str) -> None:
        """The country of numbers without +country and of dates like 03/04/1985."""
        region = (region or "US").upper()
        if region != self.region:
            self.region = region
            self.plan = None
            self.select_region(region)

    def select_region(self, region: str) -> None:
        combo = self.file_page.region_combo
        position = combo.findData(region)
        if position < 0:
            combo.addItem(region, region)
            position = combo.count() - 1
        if combo.currentIndex() != position:
            combo.setCurrentIndex(position)

    def has_name(self) -> bool:
        return any(self.selection.get(name) is not None
                   for name in ("name", "first_name", "middle_name", "last_name", "company"))

    def mapping(self) -> dict[str, int | None]:
        """The owner's changes to the detected columns, for plan_import.

        A field left on its detected column keeps the detected fallbacks too (Outlook's
        Business Phone when Mobile Phone is empty).
        """
        if self.raw is None:
            return {}
        changes: dict[str, int | None] = {}
        for name in field_labels():
            detected = self.raw.detected.get(name, ())
            chosen = self.selection.get(name)
            if chosen == AUTO or (chosen is None and not detected):
                continue
            if chosen is None or tuple(detected) != (chosen,):
                changes[name] = chosen
        return changes

    def columns(self) -> dict[str, tuple[int, ...]]:
        """Field → the columns it will be read from, as chosen now."""
        return self.raw.resolve(self.mapping()) if self.raw is not None else {}

    def set_mapping(self, field: str, column: str | int | None) -> None:
        """Take `field` from the column with this title (or index), or None: not at all."""
        if self.raw is None:
            raise RuntimeError("load a file first")
        if field not in self.mapping_page.combos:
            raise KeyError(field)
        index: int | None
        if column is None or isinstance(column, int):
            index = column
        else:
            index = self.raw.resolve({field: column})[field][0]
        self.mapping_page.select(field, index)  # the combo's signal updates the selection
        self.selection[field] = index
        self.mapping_changed()
        self.mapping_page.refresh()

    def mapping_changed(self) -> None:
        self.plan = None

    def run_dry_run(self) -> None:
        """Check every row with the chosen columns; nothing is written."""
        raw = self.raw
        if raw is None:
            return
        mapping = self.mapping()
        services = self.services
        region = self.region
        self.plan = None
        self.check_page.show_checking()

        def op(progress: Any, cancelled: Any) -> ImportPlan:
            return services.imports.plan(raw, mapping, default_region=region,
                                         progress=progress, cancelled=cancelled)

        def done(plan: ImportPlan) -> None:
            self.plan = plan
            self.choices = default_choices(plan)
            self.check_page.show_plan(plan, self.choices)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, ImportCancelled):
                self.check_page.show_error(self._message(exc))

        self._start("check", op, done, failed, self.check_page.show_progress)

    def set_duplicate_choice(self, line: int, choice: str) -> None:
        """What to do with the likely duplicate on `line`: "skip", "merge" or "new"."""
        if not self.check_page.duplicate_model.set_choice(line, choice):
            known = line in self.choices
            raise ValueError(f"Line {line} cannot be set to '{choice}'" if known
                             else f"Line {line} is not a likely duplicate")

    def set_all_choices(self, choice: str) -> None:
        model = self.check_page.duplicate_model
        for line in list(self.choices):
            model.set_choice(line, choice)  # a row repeating the file cannot merge: it stays

    def choice_changed(self, line: int, choice: str) -> None:
        # From the table (its drop-downs) or set_duplicate_choice: the model tells.
        self.choices[line] = choice
        self.check_page.update_summary()

    def can_import(self) -> bool:
        plan = self.plan
        if plan is None or self.is_busy() or plan.problems:
            return False
        skipped = sum(1 for c in self.choices.values() if c == SKIP)
        return len(plan.candidates) - skipped > 0

    def run_import(self) -> None:
        """Add the checked rows with the chosen duplicates' treatment, all in one go."""
        plan = self.plan
        if plan is None or self.import_result is not None:
            return
        choices = dict(self.choices)
        services = self.services
        file_name = self.path.name if self.path is not None else plan.file_name
        skipped = sum(1 for c in choices.values() if c == SKIP)
        self.progress_page.show_started(len(plan.candidates) - skipped)

        def op(progress: Any, cancelled: Any) -> ImportResult:

            chosen = with_choices(plan, choices)  # 100,000 rows: not on the UI thread
            return services.imports.apply(chosen, file_name, progress=progress,
                                          cancelled=cancelled)

        def done(result: ImportResult) -> None:
            self.import_result = result
            self.data_changed.emit()
            if result.batch_id is not None:
                self.imported.emit(result.batch_id)
            if self.currentId() == self.PAGE_IMPORT:
                self.next()

        def failed(exc: BaseException) -> None:
            self.progress_page.show_error(self._message(exc))

        self._start("import", op, done, failed, self.progress_page.show_progress)

    def undo(self) -> None:
        """Take this import back: its customers removed, its merges reversed."""
        result = self.import_result
        if result is None or result.batch_id is None or self.undone is not None:
            return
        batch_id = result.batch_id
        services = self.services
        self.done_page.undo_button.setEnabled(False)

        def op(_progress: Any, _cancelled: Any) -> UndoResult:
            return services.imports.undo(batch_id)

        def done(undone: UndoResult) -> None:
            self.undone = undone
            self.done_page.show_undone(undone)
            self.data_changed.emit()

        def failed(exc: BaseException) -> None:
            self.done_page.undo_button.setEnabled(True)
            self.done_page.show_error(self._message(exc))

        self._start("undo", op, done, failed)

    def reject(self) -> None:
        # Cancel asks the running step to stop; an import in progress then rolls back.
        self.cancel_work()
        super().reject()


# -- File → Undo last import ----------------------------------------------------------------


def undo_last_import(parent: QWidget | None, services: Services,
                     tasks: TaskRunner | None = None, confirm: bool = True,
                     after: Callable[[], None] | None = None) -> UndoResult | None:
    """Undo the newest import not undone yet, after asking (unless confirm=False, which also
    shows no message: for scripts and tests).

    With a TaskRunner the work runs in the background behind a progress dialog and the
    result comes to `after` only; without one it runs here and is returned.
    """
    batch = services.imports.last_undoable()
    title = tr("Undo last import")
    if batch is None:
        if confirm:
            QMessageBox.information(parent, title, tr("There is no import to undo."))
        return None
    added, merged = services.imports.counts(batch.id)
    if confirm:
        question = tr("Undo the import of {0} from {1:%Y-%m-%d %H:%M}?\n\nThis removes the {2} "
                      "it added, with anything recorded about them since.").format(
            batch.file_name or tr("a file"), batch.imported_at, count_text(added))
        if merged:
            question += " " + tr("{0} you already had lose the details it filled in.").format(
                count_text(merged))
        answer = QMessageBox.question(parent, title, question,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return None

    def op(_progress: Any, _cancelled: Any) -> UndoResult:
        return services.imports.undo(batch.id)

    def done(undone: UndoResult) -> None:
        if after is not None:
            after()
        if confirm:
            QMessageBox.information(parent, title, tr("The import was undone: {0} removed.")
                                    .format(count_text(undone.removed)))

    def failed(exc: BaseException) -> None:
        if confirm:
            QMessageBox.warning(parent, title, user_message(exc) or tr(
                "The import could not be undone ({0}); nothing was changed.").format(
                type(exc).__name__))
        else:
            raise exc

    if tasks is not None and parent is not None:
        tasks.run_with_progress(parent, tr("Undoing the import"), op, done, failed)
        return None
    try:
        undone = op(None, None)
    except Exception as exc:  # noqa: BLE001 - shown to the owner, or re-raised unasked
        failed(exc)
        return None
    done(undone)
    return undone
