"""Sample gestures: small kindnesses per customer, and batches of invitations to shop events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from smallbiz_crm.domain.kinds import GestureKind, InteractionKind
from smallbiz_crm.services.demo.draft import Draft, Plan, Weighted, stamp
from smallbiz_crm.services.demo.history import interaction

_GESTURES: dict[str, tuple[tuple[int, int], tuple[str, ...], tuple[str, ...]]] = {
    # kind: (cost range in cents, descriptions, occasions)
    GestureKind.FREEBIE: ((150, 600), ("Free coffee with their first book",
                                       "Sample bag of the new roast", "Free bookmark and tote"),
                          ("First visit", "New roast launch", "Rainy Tuesday")),
    GestureKind.INVITATION: ((0, 600), ("Personal invitation to the book club",
                                        "Invited to the next author evening"),
                             ("Book club", "Author evening")),
    GestureKind.GIFT: ((800, 3500), ("Birthday book token", "Wrapped a small book for the kids",
                                     "Box of shortbread at Christmas"),
                       ("Birthday", "Christmas", "New baby in the family")),
    GestureKind.THANK_YOU: ((120, 350), ("Hand-written thank-you card",
                                         "Thank-you note tucked into the order"),
                            ("Third purchase", "Referral of a friend", "Big order")),
    GestureKind.KINDNESS: ((0, 300), ("Kept a copy aside for them", "Lent an umbrella in the rain",
                                      "Delivered their order on the way home"),
                           ("Out-of-stock title", "Storm", "Sprained ankle")),
    GestureKind.UPGRADE: ((300, 2500), ("Free upgrade to the hardback", "Gift-wrapped at no charge",
                                        "Free delivery on a large order"),
                          ("Apology for a late order", "Anniversary of first visit",
                           "Big order")),
}
_GESTURE_WEIGHTS = Weighted(((GestureKind.THANK_YOU, 30), (GestureKind.FREEBIE, 20),
                             (GestureKind.GIFT, 15), (GestureKind.KINDNESS, 15),
                             (GestureKind.UPGRADE, 10), (GestureKind.INVITATION, 10)))
_GESTURE_KINDS = tuple(GestureKind)
_GESTURE_OUTCOMES = ("Came back the next week and bought two books",
                     "Posted a photo on Instagram", "Referred a colleague",
                     "Thanked us in person", "Left a lovely review",
                     "No visible reaction", "Joined the book club", "Ordered the sequel")
_EVENT_OUTCOMES = ("Came along and bought two books", "Came with a friend",
                   "Came; signed up for the newsletter", "Came and stayed till closing")
_EVENTS = ("Spring poetry evening", "Summer garden reading", "Author signing night",
           "Autumn book swap", "Christmas late opening", "Children's story afternoon",
           "Coffee tasting morning", "Book club anniversary party")
_UPCOMING_EVENT = "Crime fiction night"
_EVENT_MOODS = ("delighted", "happy", "happy", "neutral")


class Event(NamedTuple):
    name: str
    day: int
    invited_on: int
    past: bool


def plan_events(draft: Draft) -> list[Event]:
    """A Thursday evening event every three months or so, and one coming up next week."""
    events = []
    for k, name in enumerate(_EVENTS):
        day = draft.today - 25 - 92 * k + draft.ri(-10, 10)
        day -= (date.fromordinal(day).weekday() - 3) % 7  # a Thursday evening
        events.append(Event(name, day, day - 12, True))
    upcoming = draft.today + 9
    upcoming += (3 - date.fromordinal(upcoming).weekday()) % 7
    events.append(Event(_UPCOMING_EVENT, upcoming, draft.today - 2, False))
    return events


def gestures(draft: Draft, plan: Plan, top: int) -> None:
    low, high = ((0, 1), (0, 2), (0, 2), (1, 3), (2, 4))[min(top, 4)]
    count = draft.ri(low, high)
    if top == 0 and draft.rnd() < 0.6:
        count = 0
    for index in range(count):
        # The first gesture of each customer takes the kinds in turn, so all show up.
        if index == 0:
            kind = _GESTURE_KINDS[draft.gesture_turn % len(_GESTURE_KINDS)]
            draft.gesture_turn += 1
        else:
            kind = draft.pick(_GESTURE_WEIGHTS)
        costs, descriptions, occasions = _GESTURES[kind]
        day = draft.ri(plan.created_day, plan.end_day)
        recent = draft.today - day < 14
        outcome = ("" if draft.rnd() < (0.7 if recent else 0.25)
                   else draft.ch(_GESTURE_OUTCOMES))
        _gesture(draft, plan, kind.value, day, draft.ch(descriptions),
                 draft.ri(*costs) // 10 * 10, draft.ch(occasions), outcome, None,
                 draft.moment(day))


def _gesture(draft: Draft, plan: Plan, kind: str, day: int, description: str, cost: int,
             occasion: str, outcome: str, batch_key: str | None, logged: datetime) -> None:
    given_on = date.fromordinal(day)
    draft.rows.gesture.append({
        "id": next(draft.id_of.gesture), "customer_id": plan.id, "kind": kind,
        "given_on": given_on.isoformat(), "description": description, "cost_cents": cost,
        "occasion": occasion, "outcome": outcome, "batch_key": batch_key,
        "created_at": stamp(min(logged, draft.now)), "version": 1})
    draft.touch(plan, datetime.combine(given_on, time.min))


def invite(draft: Draft, plans: list[Plan], event: Event) -> None:
    """One batch of invitations, logged together, to up to ~30 customers of the chunk."""
    rng = draft.rng
    eligible = [plan for plan in plans
                if plan.consent and not plan.quiet and plan.created_day < event.invited_on
                and (not plan.lapsed or event.invited_on <= plan.end_day)]
    if not eligible:
        return
    chosen = rng.sample(eligible, min(len(eligible), draft.ri(20, 30)))
    chosen.sort(key=lambda plan: plan.id)
    batch_key = f"{rng.getrandbits(128):032x}"
    logged = draft.moment(event.invited_on)
    when = f"{date.fromordinal(event.day):%b} {date.fromordinal(event.day).day}"
    cost = draft.ri(2, 8) * 50
    for plan in chosen:
        came = (event.past and draft.rnd() < 0.5
                and (not plan.lapsed or event.day <= plan.end_day))
        outcome = (draft.ch(_EVENT_OUTCOMES) if came else
                   "" if not event.past or draft.rnd() < 0.5 else "Couldn't make it")
        _gesture(draft, plan, GestureKind.INVITATION.value, event.invited_on,
                 f"Invited to the {event.name} on {when}", cost, event.name, outcome,
                 batch_key, logged)
        if came:
            occurred = datetime.fromordinal(event.day) + timedelta(
                hours=18, minutes=30 + draft.below(60))
            interaction(draft, plan, next(draft.id_of.interaction),
                        InteractionKind.EVENT.value, occurred,
                        f"Came to the {event.name}", draft.ch(_EVENT_MOODS), None)
