"""The Edit menu's shop lists and settings: personas, tags, journey stages, cadences, products
and the business calendar; each dialog's saves are published as a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMenu

from smallbiz_crm.domain.records.changes import Area, Changes
from smallbiz_crm.ui.pages.customer_actions import menu_action

if TYPE_CHECKING:
    from smallbiz_crm.ui.context import WindowContext


class ShopActions(QObject):
    def __init__(self, ctx: WindowContext) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx

    def fill_menu(self, menu: QMenu) -> None:
        add = menu_action
        add(self, menu, self.tr("&Personas…"), self.manage_personas)
        add(self, menu, self.tr("&Tags…"), self.manage_tags)
        add(self, menu, self.tr("Journey &stages…"), self.manage_stages)
        add(self, menu, self.tr("&Cadences…"), self.cadences)
        add(self, menu, self.tr("P&roducts…"), self.products)
        add(self, menu, self.tr("Business &calendar…"), self.calendar_settings,
            name="calendarAction")

    def _run(self, make: Callable[[], QDialog], *areas: Area) -> None:
        dialog = make()
        dialog.exec()
        dialog.deleteLater()
        # These dialogs save as the owner goes (and may be closed after several saves):
        # what they touch is published once they close.
        self.ctx.ops.announce(Changes.of(*areas, customers=None))

    def manage_personas(self) -> None:
        from smallbiz_crm.ui.dialogs.personas_dialog import PersonasDialog

        self._run(lambda: PersonasDialog(self.ctx.services, self.ctx.window), Area.PERSONAS)

    def manage_tags(self) -> None:
        from smallbiz_crm.ui.dialogs.tags_dialog import TagsDialog

        self._run(lambda: TagsDialog(self.ctx.services, self.ctx.window), Area.TAGS)

    def manage_stages(self) -> None:
        from smallbiz_crm.ui.dialogs.stages_dialog import StagesDialog

        self._run(lambda: StagesDialog(self.ctx.services, self.ctx.window), Area.STAGES)

    def cadences(self) -> None:
        from smallbiz_crm.ui.dialogs.cadences_dialog import CadencesDialog

        self._run(lambda: CadencesDialog(self.ctx.services, self.ctx.window), Area.CADENCES,
                  Area.FOLLOW_UPS)

    def products(self) -> None:
        from smallbiz_crm.ui.dialogs.products_dialog import ProductsDialog

        self._run(lambda: ProductsDialog(self.ctx.services, self.ctx.window), Area.PRODUCTS,
                  Area.FEEDBACK)

    def calendar_settings(self) -> None:
        from smallbiz_crm.ui.dialogs.calendar_dialog import CalendarDialog

        self._run(lambda: CalendarDialog(self.ctx.services, self.ctx.window), Area.CALENDAR,
                  Area.CONCERNS, Area.FOLLOW_UPS)
