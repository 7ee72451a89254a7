"""The window's pages by number, what each shows and what each page's own actions change:
the change channel refreshes a page only when a change touches what it shows."""

from __future__ import annotations

from smallbiz_crm.domain.records.changes import Area, Changes

PAGE_TODAY, PAGE_CUSTOMERS, PAGE_FOLLOW_UPS, PAGE_GESTURES, PAGE_FEEDBACK, PAGE_INSIGHTS = (
    range(6))

_PEOPLE = (Area.CUSTOMERS, Area.CUSTOMER_SET)
# What each page shows, so that it refreshes when a change touches it (and only then).
PAGE_AREAS: dict[int, frozenset[Area]] = {
    PAGE_TODAY: frozenset({*_PEOPLE, Area.INTERACTIONS, Area.FOLLOW_UPS, Area.CONCERNS,
                           Area.CALENDAR}),
    PAGE_FOLLOW_UPS: frozenset({*_PEOPLE, Area.FOLLOW_UPS, Area.CADENCES, Area.CALENDAR}),
    PAGE_GESTURES: frozenset({*_PEOPLE, Area.GESTURES, Area.INTERACTIONS, Area.STAGES}),
    PAGE_FEEDBACK: frozenset({*_PEOPLE, Area.FEEDBACK, Area.PRODUCTS, Area.FOLLOW_UPS}),
    PAGE_INSIGHTS: frozenset(Area),
}
# What a page's own actions (mark done, answer, close the loop…) change.
PAGE_WRITES: dict[int, Changes] = {
    PAGE_TODAY: Changes.of(Area.FOLLOW_UPS, Area.CONCERNS, Area.INTERACTIONS, customers=None),
    PAGE_FOLLOW_UPS: Changes.of(Area.FOLLOW_UPS, Area.INTERACTIONS, customers=None),
    PAGE_GESTURES: Changes.of(Area.GESTURES, customers=None),
    PAGE_FEEDBACK: Changes.of(Area.FEEDBACK, Area.FOLLOW_UPS, customers=None),
}
