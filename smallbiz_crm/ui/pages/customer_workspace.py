"""The customer workspace: the welcome view for an empty shop, else the list beside the profile;
it listens to the change channel and refreshes only what a change touches."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget

from smallbiz_crm.domain.records.changes import Area, Changes
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.changes import ChangeChannel
from smallbiz_crm.ui.pages.customers import CustomersPage
from smallbiz_crm.ui.pages.welcome import WelcomePage
from smallbiz_crm.ui.profile.panel import ProfilePanel
from smallbiz_crm.ui.tasks import TaskRunner

# Changes that alter the choices of the filter combos.
_FILTER_AREAS = (Area.STAGES, Area.PERSONAS, Area.TAGS)
# What the profile shows beyond the customer's own fields.
_PROFILE_AREAS = (Area.CUSTOMERS, Area.INTERACTIONS, Area.FOLLOW_UPS, Area.CONCERNS,
                  Area.GESTURES, Area.FEEDBACK, Area.STAGES, Area.PERSONAS, Area.TAGS)

_DATE_SORTS = ("last_contact", "next_follow_up")


class CustomersWorkspace(QStackedWidget):
    def __init__(self, services: Services, tasks: TaskRunner, channel: ChangeChannel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customersStack")
        self.services = services
        self.page = CustomersPage(services, tasks)
        self.profile = ProfilePanel(services)
        self.page.splitter.addWidget(self.profile)
        self.page.splitter.setStretchFactor(0, 3)
        self.page.splitter.setStretchFactor(1, 2)
        self.welcome = WelcomePage()
        self.addWidget(self.welcome)
        self.addWidget(self.page)
        self.page.current_customer_changed.connect(self.profile.show_customer)
        channel.changed.connect(self.on_changes)
        # How many full list reloads the channel caused (the 100k-row list must not reload
        # for a note in one profile); read by tests and the workspace benchmark.
        self.list_reloads = 0

    def update_welcome(self) -> None:
        empty = not self.services.customers.any_exist()
        self.setCurrentWidget(self.welcome if empty else self.page)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(*_FILTER_AREAS):
            self.page.refresh_filters()
        if changes.touches(Area.CUSTOMER_SET, *_FILTER_AREAS) or self._list_may_change(changes):
            self.list_reloads += 1
            self.update_welcome()
            self.page.reload_now()
        elif changes.touches(Area.INTERACTIONS, Area.FOLLOW_UPS):
            # Only these customers' rows (last contact, stage) are read again.
            ids = None if changes.customer_ids is None else sorted(changes.customer_ids)
            self.page.model.refresh_rows(ids)
        current = self.page.current_customer_id()
        if changes.touches(*_PROFILE_AREAS) and changes.touches_customer(current):
            self.profile.show_customer(current)

    def _list_may_change(self, changes: Changes) -> bool:
        """A customer's own fields (name, stage, tags) decide who is listed and in what
        order; an interaction or follow-up only when the list is sorted by its dates.
        Otherwise the touched rows are read again in place."""
        if changes.touches(Area.CUSTOMERS):
            return True
        return (changes.touches(Area.INTERACTIONS, Area.FOLLOW_UPS)
                and self.page.query().sort in _DATE_SORTS)

    def show_customer(self, customer_id: int) -> None:
        """Bring one customer into view: clear the search, reload, select them."""
        self.update_welcome()
        search = self.page.search
        if search.text():
            search.blockSignals(True)
            search.clear()
            search.blockSignals(False)
        self.page.reload_now(customer_id)
        self.profile.show_customer(self.page.current_customer_id())
