"""The follow-up list model: one row per follow-up, overdue ones in red."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from smallbiz_crm.domain.kinds import FollowUpKind, FollowUpStatus
from smallbiz_crm.domain.records.follow_ups import FollowUpRow
from smallbiz_crm.ui.models.timeline_table import kind_icon

COL_DUE, COL_CUSTOMER, COL_PHONE, COL_KIND, COL_REASON, COL_STATUS = range(6)
FOLLOW_UP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4  # a value that sorts the column the way it reads

# Error red, as in the form messages: strong enough on light and dark backgrounds.
OVERDUE_COLOUR = QColor(Qt.GlobalColor.red)

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("FollowUps", text)


def follow_up_kind_labels() -> dict[str, str]:
    return {
        FollowUpKind.CALL.value: _tr("Call"),
        FollowUpKind.EMAIL.value: _tr("Email"),
        FollowUpKind.VISIT.value: _tr("Visit"),
        FollowUpKind.MESSAGE.value: _tr("Message"),
        FollowUpKind.THANK_YOU.value: _tr("Thank-you"),
        FollowUpKind.CHECK_IN.value: _tr("Check-in"),
        FollowUpKind.REORDER.value: _tr("Reorder"),
        FollowUpKind.BIRTHDAY.value: _tr("Birthday"),
        # Telling a customer what became of their feedback.
        FollowUpKind.TELL_THEM.value: _tr("Feedback reply"),
    }


def kind_label(kind: str) -> str:
    return follow_up_kind_labels().get(kind, kind.replace("_", " ").capitalize())


def follow_up_icon(kind: str) -> QIcon:
    """The kind's own icon where there is one (call, email…), else the follow-up icon."""
    icon = kind_icon(f"follow_up:{kind}")
    return icon if not icon.isNull() else kind_icon("follow_up")


def due_text(day: date) -> str:
    """'Mon 2026-11-23': the weekday matters when planning calls."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "ddd yyyy-MM-dd")


def status_text(row: FollowUpRow, today: date) -> str:
    if row.status == FollowUpStatus.DONE.value:
        return _tr("Done")
    if row.status == FollowUpStatus.SKIPPED.value:
        return _tr("Skipped")
    if row.overdue:
        days = (today - row.due_on).days
        text = _tr("Overdue 1 day") if days == 1 else _tr("Overdue {0} days").format(days)
    elif row.due_on == today:
        text = _tr("Due today")
    else:
        text = _tr("Open")
    if row.snooze_count:
        text += " · " + _tr("snoozed {0}×").format(row.snooze_count)
    return text


def row_tooltip(row: FollowUpRow) -> str:
    """Everything about the row the columns cut short, escaped: a tooltip renders markup."""
    lines = [f"<b>{escape(row.customer_name)}</b> · {escape(row.stage_name)}"]
    if row.persona_name:
        hint = f"{escape(row.persona_name)}"
        if row.persona_hint:
            hint += f": <i>{escape(row.persona_hint)}</i>"
        lines.append(hint)
    lines.append(escape(row.reason).replace("\n", "<br>"))
    if row.outcome:
        lines.append(escape(_tr("Outcome: {0}").format(row.outcome)).replace("\n", "<br>"))
    return "<qt>" + "<br>".join(lines) + "</qt>"


class FollowUpTableModel(QAbstractTableModel):
    """A list of at most a page of follow-ups (the service limits it), sorted in memory."""

    def __init__(self, parent: QObject | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self._rows: list[FollowUpRow] = []
        self._today = today
        self._headers = (_tr("Due"), _tr("Customer"), _tr("Phone"), _tr("Kind"),
                         _tr("Reason"), _tr("Status"))
        self._bold: QFont | None = None

    # -- content ----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[FollowUpRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[FollowUpRow]:
        return list(self._rows)

    def row_record(self, row: int) -> FollowUpRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def follow_up_id(self, row: int) -> int | None:
        record = self.row_record(row)
        return record.id if record is not None else None

    def row_of(self, follow_up_id: int) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == follow_up_id), -1)

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(OVERDUE_COLOUR) if row.overdue else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row_tooltip(row)
        if role == Qt.ItemDataRole.DecorationRole and column == COL_KIND:
            return follow_up_icon(row.kind)
        if role == Qt.ItemDataRole.FontRole and column == COL_DUE and (
                row.overdue or row.due_on == self._today()) and (
                row.status == FollowUpStatus.OPEN.value):
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        if role == FOLLOW_UP_ID_ROLE:
            return row.id
        if role == CUSTOMER_ID_ROLE:
            return row.customer_id
        if role == OVERDUE_ROLE:
            return row.overdue
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        return None

    def _display(self, row: FollowUpRow, column: int) -> str | None:
        if column == COL_DUE:
            return due_text(row.due_on)
        if column == COL_CUSTOMER:
            return row.customer_name
        if column == COL_PHONE:
            return row.phone
        if column == COL_KIND:
            return kind_label(row.kind)
        if column == COL_REASON:
            # One line in the table; the tooltip holds all of it.
            return " ".join(row.reason.split())
        if column == COL_STATUS:
            return status_text(row, self._today())
        return None

    @staticmethod
    def _sort_key(row: FollowUpRow, column: int) -> Any:
        if column == COL_DUE:
            return (row.due_on.toordinal(), row.id)
        if column == COL_CUSTOMER:
            return (row.customer_name.casefold(), row.due_on.toordinal())
        if column == COL_PHONE:
            return (row.phone, row.due_on.toordinal())
        if column == COL_KIND:
            return (kind_label(row.kind).casefold(), row.due_on.toordinal())
        if column == COL_REASON:
            return (row.reason.casefold(), row.due_on.toordinal())
        if column == COL_STATUS:
            return (row.status, row.due_on.toordinal())
        return row.id

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """At most a page of rows is held, so sorting here is instant."""
        if not 0 <= column < len(self._headers):
            return
        self.layoutAboutToBeChanged.emit()
        old = {row.id: n for n, row in enumerate(self._rows)}
        persistent = self.persistentIndexList()
        self._rows.sort(key=lambda r: self._sort_key(r, column),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        new = {row.id: n for n, row in enumerate(self._rows)}
        moved_to = {old_row: new[fid] for fid, old_row in old.items()}
        self.changePersistentIndexList(
            persistent, [self.index(moved_to.get(i.row(), i.row()), i.column())
                         for i in persistent])
        self.layoutChanged.emit()
