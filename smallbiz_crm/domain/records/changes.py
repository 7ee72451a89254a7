"""What an action changed: which areas of the shop and which customers, so that each page
refreshes only what the change touches (a note in the profile does not reload 100k rows)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Area(StrEnum):
    # A customer's own fields: name, contact details, stage, tags, archived — the list's rows.
    CUSTOMERS = "customers"
    # Customers added or removed: the list's length and order, the welcome page.
    CUSTOMER_SET = "customer_set"
    INTERACTIONS = "interactions"
    FOLLOW_UPS = "follow_ups"
    CONCERNS = "concerns"
    GESTURES = "gestures"
    FEEDBACK = "feedback"
    STAGES = "stages"
    PERSONAS = "personas"
    TAGS = "tags"
    PRODUCTS = "products"
    CADENCES = "cadences"
    CALENDAR = "calendar"
    SETTINGS = "settings"


@dataclass(frozen=True, slots=True)
class Changes:
    """`customer_ids` None: any customer may be touched (an import, a bulk change of settings)."""

    areas: frozenset[Area]
    customer_ids: frozenset[int] | None = frozenset()

    @classmethod
    def of(cls, *areas: Area, customers: Iterable[int] | None = ()) -> Changes:
        return cls(frozenset(areas), None if customers is None else frozenset(customers))

    @classmethod
    def everything(cls) -> Changes:
        return cls(frozenset(Area), None)

    def touches(self, *areas: Area) -> bool:
        return not self.areas.isdisjoint(areas)

    def touches_customer(self, customer_id: int | None) -> bool:
        if customer_id is None:
            return False
        return self.customer_ids is None or customer_id in self.customer_ids

    def __or__(self, other: Changes) -> Changes:
        ids = (None if self.customer_ids is None or other.customer_ids is None
               else self.customer_ids | other.customer_ids)
        return Changes(self.areas | other.areas, ids)
