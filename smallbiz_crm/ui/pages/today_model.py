"""What a Today list shows: one item per line, built from the service's rows, and its model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon

from smallbiz_crm.domain.records.follow_ups import FollowUpRow
from smallbiz_crm.domain.records.today import BirthdayRow, LosingTouchRow
from smallbiz_crm.ui.models.follow_up_table import follow_up_icon, kind_label, row_tooltip
from smallbiz_crm.ui.models.timeline_table import kind_icon

Index = QModelIndex | QPersistentModelIndex

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
RED_ROLE = Qt.ItemDataRole.UserRole + 2


def _tr(text: str) -> str:
    # The page's words, translated in the page's context wherever they are put together.
    return QCoreApplication.translate("TodayPage", text)


def with_phone(tooltip: str, phone: str) -> str:
    """The row's tooltip with the phone number, which the row shows only where it fits."""
    if not phone:
        return tooltip
    line = _tr("Phone: {0}").format(phone)
    if tooltip.endswith("</qt>"):
        return tooltip[:-len("</qt>")] + "<br>" + escape(line) + "</qt>"
    return f"{tooltip}\n{line}"


def short_day(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "ddd d MMM")


@dataclass(frozen=True, slots=True)
class TodayItem:
    """One line of a Today list, as shown: two lines of text and what it refers to."""

    ref_id: int  # the follow-up's id, or the customer's for birthdays and losing touch
    customer_id: int
    title: str
    phone: str
    detail: str
    when: str
    red: bool
    icon: str  # a follow-up kind or a timeline kind, for its icon
    tooltip: str
    strong: bool = False  # "when" in bold (a birthday today)
    subtitle: str = ""  # after the name, when there is room: the kind, the stage


class TodayListModel(QAbstractListModel):
    """A thin adapter over TodayItems."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[TodayItem] = []
        self._icons: dict[str, QIcon] = {}

    def set_items(self, items: Sequence[TodayItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[TodayItem]:
        return list(self._items)

    def item(self, row: int) -> TodayItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, ref_id: int) -> int:
        return next((n for n, item in enumerate(self._items) if item.ref_id == ref_id), -1)

    def remove(self, ref_id: int) -> bool:
        row = self.row_of(ref_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()
        return True

    def icon(self, name: str) -> QIcon:
        icon = self._icons.get(name)
        if icon is None:
            icon = kind_icon(name) if ":" in name or name in ("gesture", "stage") else (
                follow_up_icon(name))
            self._icons[name] = icon
        return icon

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icon(item.icon)
        if role == ITEM_ROLE:
            return item
        if role == RED_ROLE:
            return item.red
        return None


# --- the line of each kind of row -----------------------------------------------------------

def follow_up_item(row: FollowUpRow, today: date) -> TodayItem:
    reason = " ".join(row.reason.split())
    if row.overdue:
        days = (today - row.due_on).days
        when = _tr("1 day late") if days == 1 else _tr("{0} days late").format(f"{days:,}")
    else:
        when = _tr("today")
    return TodayItem(ref_id=row.id, customer_id=row.customer_id, title=row.customer_name,
                     phone=row.phone, detail=reason or kind_label(row.kind), when=when,
                     red=row.overdue, subtitle=kind_label(row.kind),
                     icon=row.kind, tooltip=with_phone(row_tooltip(row), row.phone))


def birthday_item(row: BirthdayRow) -> TodayItem:
    if row.days_away == 0:
        when = _tr("today")
    elif row.days_away == 1:
        when = _tr("tomorrow")
    else:
        when = short_day(row.on)
    detail = _tr("Turns {0}").format(row.turns) if row.turns > 0 else _tr("Born this year")
    tooltip = _tr("{0}: born {1}, turns {2} on {3}").format(
        row.name, row.born_on.isoformat(), row.turns, short_day(row.on))
    return TodayItem(ref_id=row.customer_id, customer_id=row.customer_id, title=row.name,
                     phone=row.phone, detail=detail, when=when, red=False,
                     icon="gesture", tooltip=with_phone(tooltip, row.phone),
                     strong=row.days_away == 0)


def losing_item(row: LosingTouchRow) -> TodayItem:
    days = row.days_since_contact
    when = _tr("{0} days ago").format(f"{days:,}")
    detail = _tr("{0} · every {1} days").format(row.stage, row.rhythm_days)
    tooltip = _tr("{0}: last contact {1} days ago; {2} customers hear from you every "
                  "{3} days.").format(row.name, f"{days:,}", row.stage, row.rhythm_days)
    return TodayItem(ref_id=row.customer_id, customer_id=row.customer_id, title=row.name,
                     phone=row.phone, detail=detail, when=when, red=False,
                     icon="interaction:call", tooltip=with_phone(tooltip, row.phone))
