"""The customer profile beside the list: who they are, how to talk to them, and their timeline."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QStackedLayout, QVBoxLayout, QWidget

from smallbiz_crm.domain.records.timeline import ProfileData
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.profile.profile_header import ContactSection, PersonaSection, ProfileHeader
from smallbiz_crm.ui.profile.profile_journey import JourneySection
from smallbiz_crm.ui.profile.profile_notes import NotesSection, ReferralsSection, TagsSection
from smallbiz_crm.ui.profile.profile_parts import MUTED, section_column
from smallbiz_crm.ui.profile.profile_timeline import TimelineSection


class ProfilePanel(QWidget):
    """Shows one customer; the window connects the buttons and link signals to its actions."""

    edit_requested = Signal(int)
    log_requested = Signal(int)
    open_customer = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerProfile")
        self.services = services
        self.timeline_service = services.timeline
        self._customer_id: int | None = None
        self.profile_data: ProfileData | None = None

        self.stack = QStackedLayout(self)
        self.empty_label = QLabel(self.tr("Select a customer to see their profile"),
                                  objectName="profileEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(MUTED)
        self.empty_label.setMargin(24)
        self.stack.addWidget(self.empty_label)

        self.scroll_area = QScrollArea(objectName="profileScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(objectName="profileContent")
        self.scroll_area.setWidget(content)
        self.stack.addWidget(self.scroll_area)
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(16, 14, 16, 16)
        self.body.setSpacing(4)

        self.header = ProfileHeader()
        self.header.edit_button.clicked.connect(self._on_edit)
        self.header.log_button.clicked.connect(self._on_log)
        self.contact = ContactSection()
        self.persona = PersonaSection()
        self.journey = JourneySection()
        self.tags = TagsSection()
        self.referrals = ReferralsSection()
        self.referrals.open_customer.connect(self.open_customer)
        self.notes = NotesSection()
        gestures = self._build_gestures()
        self.timeline_section = TimelineSection()
        self.timeline_model = self.timeline_section.model
        self.timeline = self.timeline_section.view
        for widget in (self.header, self.contact, self.persona, self.journey, self.tags,
                       self.referrals, self.notes, gestures, self.timeline_section):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self.show_customer(None)

    def _build_gestures(self) -> QWidget:
        from smallbiz_crm.ui.profile.gesture_ledger import GestureLedgerWidget

        section = QWidget(objectName="gesturesSection")
        column = section_column(section, self.tr("Gestures"))
        # The customer's own ledger with its total: log a gesture or its outcome right here.
        self.gesture_ledger = GestureLedgerWidget(self.services)
        self.gesture_ledger.data_changed.connect(self.refresh)
        column.addWidget(self.gesture_ledger)
        return section

    # -- showing a customer -----------------------------------------------------------------

    def customer_id(self) -> int | None:
        return self._customer_id

    def refresh(self) -> None:
        """Read the shown customer again (after an edit or a new interaction)."""
        self.show_customer(self._customer_id)

    def show_customer(self, customer_id: int | None) -> None:
        if customer_id is None:
            self._show_empty(self.tr("Select a customer to see their profile"))
            return
        try:
            data = self.timeline_service.profile(customer_id)
        except NotFoundError:
            self._show_empty(self.tr("This customer no longer exists."))
            return
        self._customer_id = customer_id
        self.profile_data = data
        self._fill(data)
        self.stack.setCurrentWidget(self.scroll_area)
        # Lay out now: otherwise the first paint can show the new customer spread over the
        # previous one's height, the scroll area resizing its content one event later.
        # One pass per level of nested layouts (the gesture ledger adds one).
        for _ in range(3):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _show_empty(self, message: str) -> None:
        self._customer_id = None
        self.profile_data = None
        self.empty_label.setText(message)
        self.timeline_model.set_entries([])
        self.stack.setCurrentWidget(self.empty_label)

    def _fill(self, data: ProfileData) -> None:
        c = data.customer
        self.header.fill(c)
        self.contact.fill(c, self.services.clock().date())
        self.persona.fill(data.persona)
        self.journey.fill(data.stage, data.history)
        self.tags.fill(c.tags)
        self.referrals.fill(data)
        self.notes.fill(c.notes)
        self.gesture_ledger.show_customer(c.id)
        self.timeline_section.fill(data.timeline)
        self.scroll_area.verticalScrollBar().setValue(0)

    # -- actions ----------------------------------------------------------------------------

    def _on_edit(self) -> None:
        if self._customer_id is not None:
            self.edit_requested.emit(self._customer_id)

    def _on_log(self) -> None:
        if self._customer_id is not None:
            self.log_requested.emit(self._customer_id)
