"""Table models of the gesture ledger: the gestures with what followed, and spend per kind/month."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape
from typing import Any, Generic, TypeVar

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
from PySide6.QtGui import QPalette

from smallbiz_crm.domain.kinds import GestureKind
from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.records.gestures import (
    Followed,
    GestureRecord,
    GestureRow,
    KindSpend,
    KindSummary,
    MonthSpend,
)
from smallbiz_crm.ui.models.timeline_table import kind_icon
from smallbiz_crm.ui.text import day_text

# What followed sits right after the cost: the two read together, and it stays in view.
(COL_DATE, COL_CUSTOMER, COL_KIND, COL_DESCRIPTION, COL_COST, COL_FOLLOWED, COL_OCCASION,
 COL_OUTCOME) = range(8)
GESTURE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a value that sorts right (dates, cents, counts)
FOLLOWED_ROLE = Qt.ItemDataRole.UserRole + 4  # the Followed record, or None while loading

Index = QModelIndex | QPersistentModelIndex
AnyGesture = GestureRow | GestureRecord
_ALIGN_NUMBER = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _tr(text: str) -> str:
    return QCoreApplication.translate("GestureLedger", text)


# -- wording ----------------------------------------------------------------------------------

def gesture_kind_labels() -> dict[str, str]:
    return {
        GestureKind.FREEBIE.value: _tr("Freebie"),
        GestureKind.INVITATION.value: _tr("Invitation"),
        GestureKind.GIFT.value: _tr("Gift"),
        GestureKind.THANK_YOU.value: _tr("Thank-you note"),
        GestureKind.KINDNESS.value: _tr("Act of kindness"),
        GestureKind.UPGRADE.value: _tr("Upgrade"),
    }


def gesture_kind_plurals() -> dict[str, str]:
    return {
        GestureKind.FREEBIE.value: _tr("Freebies"),
        GestureKind.INVITATION.value: _tr("Invitations"),
        GestureKind.GIFT.value: _tr("Gifts"),
        GestureKind.THANK_YOU.value: _tr("Thank-you notes"),
        GestureKind.KINDNESS.value: _tr("Acts of kindness"),
        GestureKind.UPGRADE.value: _tr("Upgrades"),
    }


def kind_label(kind: str, plural: bool = False) -> str:
    labels = gesture_kind_plurals() if plural else gesture_kind_labels()
    return labels.get(kind, kind.replace("_", " ").capitalize())


def _count(count: int, one: str, many: str, *more: str) -> str:
    """`one` or `many` by the count, with the count as {0} and `more` as {1}…"""
    return (one if count == 1 else many).format(f"{count:,}", *more)


def followed_text(followed: Followed | None) -> str:
    """'2 purchases · 150.00 · 1 referral · moved up'; '' when nothing followed."""
    if followed is None:
        return ""
    parts = []
    if followed.purchases:
        parts.append(_count(followed.purchases, _tr("{0} purchase"), _tr("{0} purchases")))
        parts.append(format_cents(followed.purchase_cents))
    if followed.referrals:
        parts.append(_count(followed.referrals, _tr("{0} referral"), _tr("{0} referrals")))
    if followed.moved_up:
        parts.append(_tr("moved up") if followed.moved_up == 1
                     else _tr("moved up {0} stages").format(followed.moved_up))
    return " · ".join(parts)


def kind_summary_text(summary: KindSummary) -> str:
    """'Invitations: 14 given, cost 420.00, followed by 9 purchases worth 3,150.00 and
    3 referrals' (the translated twin of KindSummary.describe())."""
    head = _tr("{0}: {1} given, cost {2}").format(
        kind_label(summary.kind, plural=True), f"{summary.given:,}",
        format_cents(summary.cost_cents))
    parts = []
    if summary.purchases:
        parts.append(_count(summary.purchases, _tr("{0} purchase worth {1}"),
                            _tr("{0} purchases worth {1}"), format_cents(summary.purchase_cents)))
    if summary.referrals:
        parts.append(_count(summary.referrals, _tr("{0} referral"), _tr("{0} referrals")))
    if summary.moved_up:
        parts.append(_count(summary.moved_up, _tr("{0} move up the journey"),
                            _tr("{0} moves up the journey")))
    if not parts:
        return _tr("{0}, nothing followed yet").format(head)
    joined = parts[0] if len(parts) == 1 else _tr("{0} and {1}").format(
        ", ".join(parts[:-1]), parts[-1])
    return _tr("{0}, followed by {1}").format(head, joined)


def ledger_total_text(count: int, total_cents: int) -> str:
    """'4 gestures, total cost 85.00'."""
    if count == 0:
        return _tr("No gestures yet")
    return _count(count, _tr("{0} gesture, total cost {1}"), _tr("{0} gestures, total cost {1}"),
                  format_cents(total_cents))


def month_text(month: date) -> str:
    return QLocale().toString(QDate(month.year, month.month, 1), "MMM yyyy")


# -- the gesture list -------------------------------------------------------------------------

class GestureTableModel(QAbstractTableModel):
    """The gestures shown (a few thousand at most: the service limits the list) and, once it
    is computed, what followed each one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AnyGesture] = []
        self._followed: dict[int, Followed] = {}
        self._labels = gesture_kind_labels()
        self._headers = (self.tr("Date"), self.tr("Customer"), self.tr("Kind"),
                         self.tr("Description"), self.tr("Cost"), self.tr("What followed"),
                         self.tr("Occasion"), self.tr("Outcome"))

    def set_rows(self, rows: Sequence[AnyGesture],
                 followed: Mapping[int, Followed] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._followed = dict(followed or {})
        self.endResetModel()

    def set_followed(self, followed: Mapping[int, Followed]) -> None:
        self._followed = dict(followed)
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_FOLLOWED),
                                  self.index(len(self._rows) - 1, COL_FOLLOWED))

    def rows(self) -> list[AnyGesture]:
        return list(self._rows)

    def gesture(self, row: int) -> AnyGesture | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def followed(self, gesture_id: int) -> Followed | None:
        return self._followed.get(gesture_id)

    def row_of(self, gesture_id: int) -> int:
        return next((i for i, row in enumerate(self._rows) if row.id == gesture_id), -1)

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._headers)

    def _display(self, item: AnyGesture, column: int) -> str | None:
        if column == COL_DATE:
            return day_text(item.given_on)
        if column == COL_CUSTOMER:
            return item.customer_name if isinstance(item, GestureRow) else ""
        if column == COL_KIND:
            return self._labels.get(item.kind, item.kind)
        if column == COL_DESCRIPTION:
            return " ".join(item.description.split())
        if column == COL_COST:
            return format_cents(item.cost_cents)
        if column == COL_OCCASION:
            return item.occasion
        if column == COL_OUTCOME:
            return " ".join(item.outcome.split())
        if column == COL_FOLLOWED:
            followed = self._followed.get(item.id)
            if followed is None:
                return ""
            return followed_text(followed) or "—"
        return None

    def _sort_key(self, item: AnyGesture, column: int) -> Any:
        if column == COL_DATE:
            return (item.given_on.toordinal(), item.id)
        if column == COL_COST:
            return item.cost_cents
        if column == COL_FOLLOWED:
            followed = self._followed.get(item.id) or Followed()
            return (followed.purchase_cents, followed.purchases, followed.referrals,
                    followed.moved_up)
        return (self._display(item, column) or "").casefold()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.gesture(index.row())
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_COST:
            return int(_ALIGN_NUMBER.value)
        if role == Qt.ItemDataRole.DecorationRole and column == COL_KIND:
            return kind_icon("gesture")
        if (role == Qt.ItemDataRole.ForegroundRole and column == COL_FOLLOWED
                and (self._followed.get(item.id) or Followed()).is_empty):
            return QPalette().brush(QPalette.ColorRole.PlaceholderText)
        if role == GESTURE_ID_ROLE:
            return item.id
        if role == CUSTOMER_ID_ROLE:
            return item.customer_id
        if role == SORT_ROLE:
            return self._sort_key(item, column)
        if role == FOLLOWED_ROLE:
            return self._followed.get(item.id)
        return None

    def _tooltip(self, item: AnyGesture, column: int) -> str | None:
        if column in (COL_DESCRIPTION, COL_OUTCOME, COL_OCCASION):
            value = {COL_DESCRIPTION: item.description, COL_OUTCOME: item.outcome,
                     COL_OCCASION: item.occasion}[column]
            # Escaped: a tooltip renders markup; <qt> makes Qt wrap long text.
            return "<qt>" + escape(value).replace("\n", "<br>") + "</qt>" if value else None
        if column == COL_FOLLOWED and item.id in self._followed:
            return self.tr("Purchases, referrals and moves up the journey after the gesture "
                           "day, within the chosen window")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == COL_COST:
            return int(_ALIGN_NUMBER.value)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorts the rows shown (the service caps them, so this stays quick)."""
        if not 0 <= column < len(self._headers):
            return
        self.layoutAboutToBeChanged.emit()
        old = {row.id: i for i, row in enumerate(self._rows)}
        self._rows.sort(key=lambda item: self._sort_key(item, column),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        moved_from = [self.index(old[row.id], c) for row in self._rows
                      for c in range(len(self._headers))]
        moved_to = [self.index(i, c) for i in range(len(self._rows))
                    for c in range(len(self._headers))]
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()


# -- the small totals tables ------------------------------------------------------------------

_Item = TypeVar("_Item")


class _SmallTable(QAbstractTableModel, Generic[_Item]):
    """A short read-only table over a list of records, one getter per column."""

    def __init__(self, headers: Sequence[str], cells: Sequence[Callable[[_Item], str]],
                 numeric: Sequence[int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[_Item] = []
        self._headers = tuple(headers)
        self._cells = tuple(cells)
        self._numeric = frozenset(numeric)

    def set_items(self, items: Sequence[_Item]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[_Item]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        if not 0 <= index.column() < len(self._cells):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.column()](self._items[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._numeric:
            return int(_ALIGN_NUMBER.value)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self._numeric:
            return int(_ALIGN_NUMBER.value)
        return None


class KindSpendModel(_SmallTable[KindSpend]):
    """Spend per gesture kind: Kind | Given | Cost."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            (_tr("Kind"), _tr("Given"), _tr("Cost")),
            (lambda s: kind_label(s.kind, plural=True), lambda s: f"{s.given:,}",
             lambda s: format_cents(s.cost_cents)),
            (1, 2), parent)


class MonthSpendModel(_SmallTable[MonthSpend]):
    """Spend per month, newest first: Month | Given | Cost."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            (_tr("Month"), _tr("Given"), _tr("Cost")),
            (lambda m: month_text(m.month), lambda m: f"{m.given:,}",
             lambda m: format_cents(m.cost_cents)),
            (1, 2), parent)
