"""The business calendar settings: where the shop is, when it opens, when it is closed."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.calendar import (
    CLOSED_PREFIX,
    SHOP_CLOSURE,
    WEEKLY_DAY_OFF,
    subdivisions,
    supported_countries,
)
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.calendar_settings import (
    MAX_REASON_LENGTH,
    PREVIEW_DAYS,
    CalendarSettings,
)
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.form import FieldErrors, make_error_label
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named

DAY_ROLE = Qt.ItemDataRole.UserRole
# Adding a closure range longer than this is surely a mistyped year.
MAX_RANGE_DAYS = 366


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def day_label(day: date) -> str:
    return QLocale().toString(_qdate(day), "ddd d MMM yyyy")


class CalendarDialog(QDialog):
    """Edit the calendar deadlines are counted with; Save re-counts open concern deadlines."""

    saved = Signal(int)  # how many open deadlines moved

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarDialog")
        self.setWindowTitle(self.tr("Business calendar"))
        self.services = services
        self.service = services.calendar
        self.saved_count: int | None = None
        current = self.service.settings()
        self._country = ""
        self._loading = True

        self.errors = FieldErrors()
        # Country: searchable by any part of its name.
        self.country_combo = named(QComboBox(), "countryCombo")
        self.country_combo.setEditable(True)
        self.country_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.country_combo.setMaxVisibleItems(20)
        for code, name in supported_countries():
            self.country_combo.addItem(name, code)
        completer = QCompleter(self.country_combo.model(), self.country_combo)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.country_combo.setCompleter(completer)
        line = self.country_combo.lineEdit()
        assert line is not None  # editable combos have one
        line.setPlaceholderText(self.tr("Type to search"))
        self.region_combo = named(QComboBox(), "regionCombo")
        self.region_combo.setMaxVisibleItems(20)

        # Working weekdays, Monday first, named in the owner's language.
        self.weekday_checks: list[QCheckBox] = []
        weekdays_box = QWidget()
        weekdays_row = QHBoxLayout(weekdays_box)
        weekdays_row.setContentsMargins(0, 0, 0, 0)
        locale = QLocale()
        for weekday in range(7):
            check = named(QCheckBox(locale.standaloneDayName(weekday + 1,
                                                             QLocale.FormatType.ShortFormat)),
                          f"weekday{weekday}")
            check.setToolTip(locale.standaloneDayName(weekday + 1))
            self.weekday_checks.append(check)
            weekdays_row.addWidget(check)
        weekdays_row.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, self.tr("Country"), "country", self.country_combo)
        self.errors.add_row(form, self.tr("Region"), "subdivision", self.region_combo)
        self.errors.add_row(form, self.tr("Open on"), "working_weekdays", weekdays_box)

        # The shop's own closure days.
        self.closure_list = named(QListWidget(), "closureList")
        self.closure_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.closure_from = named(QDateEdit(), "closureDateEdit")
        self.closure_until = named(QDateEdit(), "closureUntilEdit")
        tomorrow = services.clock().date() + timedelta(days=1)
        for edit in (self.closure_from, self.closure_until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(_qdate(tomorrow))
        self.closure_reason = named(QLineEdit(), "closureReasonEdit")
        self.closure_reason.setMaxLength(MAX_REASON_LENGTH)
        self.closure_reason.setPlaceholderText(self.tr("Why, e.g. Stock-taking"))
        self.add_closure_button = named(QPushButton(self.tr("Add")), "addClosureButton")
        self.add_closure_button.setAutoDefault(False)
        self.remove_closure_button = named(QPushButton(self.tr("Remove")), "removeClosureButton")
        self.remove_closure_button.setAutoDefault(False)
        self.closure_error = make_error_label("closureAddError")

        closures_box = QGroupBox(self.tr("Closure days"))
        closures_grid = QGridLayout(closures_box)
        closures_grid.addWidget(self.closure_list, 0, 0, 1, 4)
        closures_grid.addWidget(QLabel(self.tr("From")), 1, 0)
        closures_grid.addWidget(self.closure_from, 1, 1)
        closures_grid.addWidget(QLabel(self.tr("to")), 1, 2, Qt.AlignmentFlag.AlignRight)
        closures_grid.addWidget(self.closure_until, 1, 3)
        closures_grid.addWidget(self.closure_reason, 2, 0, 1, 4)
        closure_buttons = QHBoxLayout()
        closure_buttons.addWidget(self.add_closure_button)
        closure_buttons.addStretch(1)
        closure_buttons.addWidget(self.remove_closure_button)
        closures_grid.addLayout(closure_buttons, 3, 0, 1, 4)
        closures_grid.addWidget(self.closure_error, 4, 0, 1, 4)
        # The service's "closures" messages have no single widget: they land in the general
        # label, which sits here, under the list they are about.
        closures_grid.addWidget(self.errors.general, 5, 0, 1, 4)
        closures_grid.setColumnStretch(1, 1)
        closures_grid.setColumnStretch(3, 1)

        # What these settings mean, before they are saved.
        self.preview_list = named(QListWidget(), "nonWorkingPreview")
        self.preview_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview_message = named(QLabel(), "previewMessage")
        self.preview_message.setWordWrap(True)
        self.preview_message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        preview_box = QGroupBox(self.tr("Next {0} days off").format(PREVIEW_DAYS))
        preview_column = QVBoxLayout(preview_box)
        preview_column.addWidget(self.preview_list, 1)
        preview_column.addWidget(self.preview_message)

        lists = QHBoxLayout()
        lists.addWidget(closures_box, 1)
        lists.addWidget(preview_box, 1)

        explain = QLabel(self.tr("Concerns must be answered by the end of the next business "
                                 "day: a day the shop is open that is not a public holiday "
                                 "or one of its closure days."))
        explain.setWordWrap(True)
        explain.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.status_label = named(QLabel(), "savedLabel")
        self.status_label.setWordWrap(True)
        self.status_label.hide()

        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("Save")), "saveButton")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.setObjectName("closeButton")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addLayout(lists, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        fit_to_screen(self, 740, 500)

        self._load(current)

        self.country_combo.currentIndexChanged.connect(self._country_changed)
        line.editingFinished.connect(self._country_changed)
        self.region_combo.currentIndexChanged.connect(self.update_preview)
        for check in self.weekday_checks:
            check.toggled.connect(self.update_preview)
        self.closure_from.dateChanged.connect(self._from_changed)
        self.add_closure_button.clicked.connect(self.add_closure)
        self.closure_reason.returnPressed.connect(self.add_closure)
        self.remove_closure_button.clicked.connect(self.remove_closures)
        self.closure_list.itemSelectionChanged.connect(self._update_buttons)
        self._loading = False
        self._update_buttons()
        self.update_preview()

    # --- loading and reading the widgets ---------------------------------------------------

    def _load(self, settings: CalendarSettings) -> None:
        index = self.country_combo.findData(settings.country)
        if index >= 0:
            self.country_combo.setCurrentIndex(index)
        else:
            self.country_combo.setEditText(settings.country)
        self._country = settings.country
        self._fill_regions(settings.country, settings.subdivision)
        for weekday, check in enumerate(self.weekday_checks):
            check.setChecked(weekday in settings.working_weekdays)
        for day, reason in settings.closures:
            self._put_closure(day, reason)

    def _fill_regions(self, country: str, selected: str | None = None) -> None:
        self.region_combo.blockSignals(True)
        try:
            self.region_combo.clear()
            self.region_combo.addItem(self.tr("Whole country"), None)
            try:
                regions = subdivisions(country)
            except ValueError:
                regions = []
            for code, name in regions:
                self.region_combo.addItem(name if name == code else f"{name} ({code})", code)
            self.region_combo.setEnabled(bool(regions))
            index = self.region_combo.findData(selected) if selected else 0
            if selected and index < 0:
                # A region the list does not name (an alias): keep it rather than lose it.
                self.region_combo.addItem(selected, selected)
                index = self.region_combo.count() - 1
            self.region_combo.setCurrentIndex(index)
        finally:
            self.region_combo.blockSignals(False)

    def current_country(self) -> str:
        """The chosen country's code; what was typed when it matches no country's name."""
        text = self.country_combo.currentText().strip()
        index = self.country_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.country_combo.itemData(index))
        upper = text.upper()
        index = self.country_combo.findData(upper)
        return str(self.country_combo.itemData(index)) if index >= 0 else text

    def current_settings(self) -> CalendarSettings:
        region = self.region_combo.currentData()
        return CalendarSettings(
            country=self.current_country(),
            subdivision=str(region) if region else None,
            working_weekdays=frozenset(
                weekday for weekday, check in enumerate(self.weekday_checks)
                if check.isChecked()),
            closures=tuple(self.closures()))

    def closures(self) -> list[tuple[date, str]]:
        items = (self.closure_list.item(row) for row in range(self.closure_list.count()))
        return [(item.data(DAY_ROLE), item.data(DAY_ROLE + 1)) for item in items]

    # --- reacting --------------------------------------------------------------------------

    def _country_changed(self) -> None:
        if self._loading:
            return
        code = self.current_country()
        if code == self._country:
            return
        self._country = code
        self._fill_regions(code)
        self.update_preview()

    def _from_changed(self, value: QDate) -> None:
        if self.closure_until.date() < value:
            self.closure_until.setDate(value)

    def _update_buttons(self) -> None:
        self.remove_closure_button.setEnabled(bool(self.closure_list.selectedItems()))

    def _put_closure(self, day: date, reason: str) -> None:
        """Insert in date order; a day already listed gets the new reason."""
        text = (self.tr("{0} — {1}").format(day_label(day), reason) if reason
                else day_label(day))
        for row in range(self.closure_list.count()):
            item = self.closure_list.item(row)
            listed: date = item.data(DAY_ROLE)
            if listed == day:
                item.setText(text)
                item.setData(DAY_ROLE + 1, reason)
                return
            if listed > day:
                break
        else:
            row = self.closure_list.count()
        item = QListWidgetItem(text)
        item.setData(DAY_ROLE, day)
        item.setData(DAY_ROLE + 1, reason)
        self.closure_list.insertItem(row, item)

    def add_closure(self) -> None:
        """Add every day from "From" to "to" with the reason typed."""
        self.closure_error.hide()
        first = _pydate(self.closure_from.date())
        last = _pydate(self.closure_until.date())
        if last < first:
            first, last = last, first
        if (last - first).days >= MAX_RANGE_DAYS:
            self.closure_error.setText(self.tr("That is more than a year of closure days; "
                                               "check the dates."))
            self.closure_error.show()
            return
        reason = " ".join(self.closure_reason.text().split())
        day = first
        while day <= last:
            self._put_closure(day, reason)
            day += timedelta(days=1)
        self.closure_reason.clear()
        self.update_preview()

    def remove_closures(self) -> None:
        for item in self.closure_list.selectedItems():
            self.closure_list.takeItem(self.closure_list.row(item))
        self._update_buttons()
        self.update_preview()

    def _reason_text(self, reason: str) -> str:
        if reason == WEEKLY_DAY_OFF:
            return self.tr("Weekly day off")
        if reason == SHOP_CLOSURE:
            return self.tr("Shop closure")
        if reason.startswith(CLOSED_PREFIX):
            return self.tr("Closed: {0}").format(reason[len(CLOSED_PREFIX):])
        return reason  # a public holiday's name

    def update_preview(self) -> None:
        """Show the next days off as the settings now stand, or why they cannot be used."""
        if self._loading:
            return
        self.errors.clear()
        self.status_label.hide()  # "Saved" no longer describes what is on screen
        self.preview_list.clear()
        self.preview_message.clear()
        try:
            days = self.service.preview(self.current_settings())
        except ValidationError as exc:
            self.errors.show(exc)
            self.preview_message.setText(self.tr("Fix the settings above to see the days off."))
            return
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for day, reason in days:
            item = QListWidgetItem(self.tr("{0} — {1}").format(day_label(day),
                                                               self._reason_text(reason)))
            item.setData(DAY_ROLE, day)
            item.setData(DAY_ROLE + 1, reason)
            if reason == WEEKLY_DAY_OFF:
                # Weekends are expected; holidays and closures are what the owner checks.
                item.setForeground(muted)
            self.preview_list.addItem(item)
        if not days:
            self.preview_message.setText(self.tr("The shop is open every day of the next ten "
                                                 "years."))

    # --- saving ----------------------------------------------------------------------------

    def save(self) -> bool:
        """Store the calendar and say how many waiting concerns got a new deadline."""
        self.errors.clear()
        self.status_label.hide()
        settings = self.current_settings()
        try:
            moved = self.service.save(settings.country, settings.subdivision,
                                      settings.working_weekdays, settings.closures)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        self.saved_count = moved
        if moved == 0:
            text = self.tr("Saved. No waiting concern's deadline changed.")
        elif moved == 1:
            text = self.tr("Saved. 1 waiting concern has a new deadline.")
        else:
            text = self.tr("Saved. {0} waiting concerns have new deadlines.").format(moved)
        self.status_label.setText(text)
        self.status_label.show()
        self.close_button.setText(self.tr("Close"))
        self.saved.emit(moved)
        return True

    def reject(self) -> None:
        # Closing after a save is not a cancel: callers that refresh on Accepted should.
        if self.saved_count is not None:
            self.accept()
        else:
            super().reject()
