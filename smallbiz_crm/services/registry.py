"""Every service of an open database, built once by the assembly for the window or a command."""

from __future__ import annotations

from smallbiz_crm.services.cadences import CadenceService
from smallbiz_crm.services.calendar_settings import CalendarSettingsService
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.customers import CustomerService
from smallbiz_crm.services.duplicates import DuplicateService
from smallbiz_crm.services.feedback import FeedbackService
from smallbiz_crm.services.follow_ups import FollowUpService
from smallbiz_crm.services.gestures import GestureService
from smallbiz_crm.services.insights import InsightsService
from smallbiz_crm.services.interactions import InteractionService
from smallbiz_crm.services.journey import JourneyService
from smallbiz_crm.services.personas import PersonaService, TagService
from smallbiz_crm.services.printing import PrintingService
from smallbiz_crm.services.privacy import PrivacyService
from smallbiz_crm.services.products import ProductService
from smallbiz_crm.services.settings import SettingsService
from smallbiz_crm.services.snapshots import SnapshotService
from smallbiz_crm.services.timeline import TimelineService
from smallbiz_crm.services.today import TodayService
from smallbiz_crm.services.touch import StayingInTouchService
from smallbiz_crm.services.transfers import ExportService, ImportService
from smallbiz_crm.store.engine import Database


class Services:
    """Widgets take their services from here; none builds one from the store handle."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock
        self.customers = CustomerService(db, clock)
        self.interactions = InteractionService(db, clock)
        self.journey = JourneyService(db, clock)
        self.personas = PersonaService(db)
        self.tags = TagService(db)
        self.settings = SettingsService(db)
        self.timeline = TimelineService(db, clock)
        self.duplicates = DuplicateService(db, clock)
        self.concerns = ConcernService(db, clock)
        self.calendar = CalendarSettingsService(db, clock)
        self.products = ProductService(db)
        self.feedback = FeedbackService(db, clock)
        self.gestures = GestureService(db, clock)
        self.printing = PrintingService(db, clock)
        self.follow_ups = FollowUpService(db, clock)
        self.cadences = CadenceService(db, clock)
        self.touch = StayingInTouchService(db, clock)
        self.insights = InsightsService(db, clock)
        self.today = TodayService(db, clock)
        self.snapshots = SnapshotService(db)
        self.privacy = PrivacyService(db, clock)
        self.exports = ExportService(db, clock)
        self.imports = ImportService(db, clock)

    @property
    def location(self) -> str:
        """Where the data is, in words for a title bar or the About box (the file's path)."""
        return str(self.db.path)

    def close(self) -> None:
        self.db.close()
