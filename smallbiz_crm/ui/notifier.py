"""Tray notifications when a follow-up or a concern deadline comes due, where a tray exists."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from smallbiz_crm import APP_NAME
from smallbiz_crm.domain.records.today import Alert
from smallbiz_crm.logs import log
from smallbiz_crm.paths import resource
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.today_alerts import ALERT_LIMIT, summary_words
from smallbiz_crm.ui.tasks import TaskRunner

CHECK_MS = 60_000
# The first check waits until the window is up: start-up stays as fast as it was.
FIRST_CHECK_MS = 5_000
MESSAGE_MS = 10_000
# More alerts than this in one check become one notification naming the customers:
# a busy morning should not bury the screen in bubbles.
MAX_SEPARATE = 3
# Alerts already shown are remembered this long after they came due, then forgotten.
REMEMBER = timedelta(days=3)


class Notifier(Protocol):
    def notify(self, title: str, message: str) -> None: ...


class NullNotifier:
    """Where there is no tray: nothing pops up; the Today page shows it all anyway."""

    def notify(self, title: str, message: str) -> None:
        log.debug("no tray for a notification")  # its title names a customer


def app_icon() -> QIcon:
    return QIcon(str(resource("icons", "app", "smallbiz-crm-64.png")))


class TrayNotifier(QObject):
    """A tray icon that shows notifications; `message_clicked` and `activated` let the
    window come forward when the owner clicks."""

    message_clicked = Signal()
    activated = Signal()

    def __init__(self, parent: QObject | None = None, icon: QIcon | None = None) -> None:
        super().__init__(parent)
        self.tray = QSystemTrayIcon(icon or app_icon(), self)
        self.tray.setToolTip(APP_NAME)
        self.tray.messageClicked.connect(self.message_clicked)
        self.tray.activated.connect(lambda _reason: self.activated.emit())
        self.tray.show()

    def notify(self, title: str, message: str) -> None:
        self.tray.showMessage(title, message, self.tray.icon(), MESSAGE_MS)

    def hide(self) -> None:
        self.tray.hide()


def make_notifier(parent: QObject | None = None) -> TrayNotifier | NullNotifier:
    """A tray notifier where the desktop has a tray, else one that shows nothing."""
    if QSystemTrayIcon.isSystemTrayAvailable():
        return TrayNotifier(parent)
    return NullNotifier()


class DueWatcher(QObject):
    """Every minute, asks which follow-ups and concern deadlines came due since the last
    look and notifies each one once.

    The first look covers today from midnight, so starting the app at noon still announces
    today's follow-ups. Give `tasks` to run the query off the UI thread (it takes about a
    millisecond for a minute's window, but the first look of a very busy day takes longer).
    """

    alerted = Signal(object)  # the list of Alerts one check notified

    def __init__(self, services: Services, notifier: Notifier, parent: QObject | None = None,
                 since: datetime | None = None, tasks: TaskRunner | None = None,
                 interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self.services = services
        self.notifier = notifier
        self.tasks = tasks
        self.today = services.today
        now = services.clock()
        self.since = since if since is not None else datetime.combine(now.date(), time.min)
        self._seen: dict[tuple[str, int, datetime], datetime] = {}
        self._busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def start(self, first_check_ms: int = FIRST_CHECK_MS) -> None:
        self.timer.start()
        QTimer.singleShot(first_check_ms, self._tick)

    def stop(self) -> None:
        self.timer.stop()

    def check(self, now: datetime | None = None) -> list[Alert]:
        """Look now, on this thread; returns the alerts it notified."""
        now = now or self.services.clock()
        try:
            alerts = self.today.due_alerts(now, self.since)
        except Exception:  # noqa: BLE001 - a notification is an extra; never break the app
            log.warning("checking for due follow-ups failed", exc_info=True)
            return []
        return self._deliver(alerts, now)

    def _tick(self) -> None:
        if self.tasks is None:
            self.check()
            return
        if self._busy:
            return
        self._busy = True
        now = self.services.clock()
        since = self.since

        def done(alerts: Any) -> None:
            self._busy = False
            self._deliver(alerts, now)

        def failed(exc: BaseException) -> None:
            self._busy = False
            log.warning("checking for due follow-ups failed: %s", exc)

        self.tasks.run(lambda _progress, _cancelled: self.today.due_alerts(now, since),
                       done, failed)

    def _deliver(self, alerts: list[Alert], now: datetime) -> list[Alert]:
        # The clock may step back (daylight saving); never look at the same window twice.
        self.since = max(self.since, now)
        fresh = [alert for alert in alerts if alert.key not in self._seen]
        for alert in fresh:
            self._seen[alert.key] = alert.due_at
        self._forget(now)
        if not fresh:
            return []
        try:
            if len(fresh) <= MAX_SEPARATE:
                for alert in fresh:
                    self.notifier.notify(alert.title, alert.message)
            else:
                self.notifier.notify(*summary_words(fresh, capped=len(alerts) >= ALERT_LIMIT))
        except Exception:  # noqa: BLE001 - a broken tray must not stop the next check
            log.warning("showing a notification failed", exc_info=True)
        self.alerted.emit(fresh)
        return fresh

    def _forget(self, now: datetime) -> None:
        old = now - REMEMBER
        for key in [key for key, due in self._seen.items() if due < old]:
            del self._seen[key]
