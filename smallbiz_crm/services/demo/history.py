"""Each sample customer's calls, visits and purchases, and their walk along the journey."""

from __future__ import annotations

from datetime import datetime, timedelta

from smallbiz_crm.domain.kinds import InteractionKind, StageChangeReason
from smallbiz_crm.services.demo.draft import Draft, Plan, Stage, Weighted, stamp

_BUYS = ("two paperbacks and a latte", "the new Murakami", "a gift card for her sister",
         "a bag of house blend beans", "three picture books for the twins",
         "a reading light", "a signed first edition", "copies for the book club",
         "coffee and an almond croissant", "a cookbook and a tote bag",
         "a subscription box for a friend", "a stack of crime novels", "a poetry anthology")
_BUSINESS_BUYS = ("office order: notebooks and coffee beans", "catering order for a meeting",
                  "30 picture books for the library", "gift books for the team",
                  "monthly coffee delivery", "prize books for sports day")
_SUMMARIES: dict[str, tuple[str, ...]] = {
    InteractionKind.CALL: ("Called about a special order", "Rang to ask if the new titles are in",
                           "Returned their call about an order", "Quick call: reserved a copy",
                           "Called to say their order arrived"),
    InteractionKind.VISIT: ("Popped in and browsed the fiction table",
                            "Came in for coffee, stayed an hour", "Looked at gifts; will return",
                            "Dropped by with a friend", "Asked for a recommendation"),
    InteractionKind.EMAIL: ("Replied to the newsletter", "Asked for an invoice copy",
                            "Emailed a wish list for Christmas",
                            "Sent photos of their reading nook",
                            "Asked about opening hours"),
    InteractionKind.MESSAGE: ("WhatsApp: asked us to hold a copy", "Texted thanks for the tip",
                              "Messaged about the event date", "Instagram DM about a book",
                              "Asked if the café takes cards"),
    InteractionKind.MEETING: ("Planned the book club schedule", "Meeting about a bulk order",
                              "Talked through a school reading list",
                              "Agreed a monthly coffee order", "Planned a joint event"),
    InteractionKind.EVENT: ("Came to children's story hour", "Joined the Saturday book swap",
                            "Came to the coffee tasting", "Attended the author talk"),
}
# Plain strings, not enum members, in everything drawn per row: enum attribute access is slow
# at a million rows, and the database stores the values anyway.
_PERSON_KINDS = Weighted((("visit", 38), ("message", 18), ("call", 15), ("email", 14),
                          ("event", 8), ("meeting", 3)))
_BUSINESS_KINDS = Weighted((("email", 30), ("call", 25), ("meeting", 25), ("visit", 15),
                            ("message", 5)))
_SENTIMENTS = Weighted((("happy", 40), ("neutral", 28), ("delighted", 15), (None, 8),
                        ("unsure", 6), ("upset", 3)))
_PURCHASE_MOODS = ("happy", "happy", "delighted", "neutral")
_PURCHASE = InteractionKind.PURCHASE.value


def history(draft: Draft, plan: Plan, top: int, business: bool,
            age: int) -> tuple[int, datetime] | None:
    """Interactions and stage changes; returns the last purchase (id, when) if any."""
    rng = draft.rng
    purchases = (0 if top == 0 else 1 if top == 1 else draft.ri(2, 5) if top == 2
                 else draft.ri(3, 9))
    if plan.lapsed:
        count = draft.ri(4, 12)
    else:
        count = (draft.ri(1, 4), draft.ri(2, 7), draft.ri(6, 15),
                 draft.ri(10, 22), draft.ri(13, 28))[min(top, 4)]
        count = min(count, 1 + age // 4)
    count = max(count, purchases + draft.ri(0, 2), 1)
    times = [plan.created]
    for index in range(count - 1):
        day = plan.end_day if index == 0 else draft.ri(plan.created_day, plan.end_day)
        moment = draft.moment(day)
        if moment <= plan.created:
            moment = plan.created + timedelta(minutes=draft.ri(5, 240))
        times.append(moment)
    times.sort()
    bought = set(rng.sample(range(count), purchases))
    kinds = _BUSINESS_KINDS if business else _PERSON_KINDS
    buys = _BUSINESS_BUYS if business else _BUYS
    last_purchase = None
    purchase_times = []
    sentiment: str | None
    for index, occurred in enumerate(times):
        iid = next(draft.id_of.interaction)
        if index in bought:
            kind = _PURCHASE
            summary = f"Bought {draft.ch(buys)}"
            amount = int(rng.lognormvariate(9.6 if business else 7.8, 0.7))
            sentiment = draft.ch(_PURCHASE_MOODS)
            last_purchase = (iid, occurred)
            purchase_times.append(occurred)
        else:
            kind = draft.pick(kinds)
            summary = draft.ch(_SUMMARIES[kind])
            amount = None
            sentiment = draft.pick(_SENTIMENTS)
        interaction(draft, plan, iid, kind, occurred, summary, sentiment, amount)
    _walk(draft, plan, top, times[-1], purchase_times)
    return last_purchase


def interaction(draft: Draft, plan: Plan, iid: int, kind: str, occurred: datetime, summary: str,
                sentiment: str | None, amount: int | None) -> None:
    logged = min(occurred + timedelta(minutes=draft.ri(1, 180)), draft.now)
    draft.rows.interaction.append({
        "id": iid, "customer_id": plan.id, "kind": kind, "occurred_at": stamp(occurred),
        "summary": summary, "sentiment": sentiment, "amount_cents": amount,
        "created_at": stamp(max(logged, occurred)), "version": 1})
    draft.touch(plan, occurred)


def _walk(draft: Draft, plan: Plan, top: int, last_seen: datetime,
          purchase_times: list[datetime]) -> None:
    """Dated stage changes from the first stage up to `top` (then Lapsed, if lapsed)."""
    walk = draft.ref.walk
    by_purchase = len(walk) >= 3  # the purchase rule needs three non-lapsed stages
    _stage_change(draft, plan, None, walk[0], plan.created,
                  StageChangeReason.IMPORT if plan.imported else StageChangeReason.CREATED)
    at = 0
    when = plan.created
    for bought in purchase_times[:2]:
        if at >= top:
            break
        when = bought
        reason = StageChangeReason.PURCHASE if by_purchase else StageChangeReason.MANUAL
        _stage_change(draft, plan, walk[at], walk[at + 1], when, reason)
        at += 1
    while at < top:
        when = draft.later(when, last_seen)
        _stage_change(draft, plan, walk[at], walk[at + 1], when, StageChangeReason.MANUAL)
        at += 1
    final = walk[at]
    if plan.lapsed and draft.ref.lapsed is not None:
        gap = draft.today - plan.end_day
        day = plan.end_day + draft.ri(min(90, gap - 1), gap - 1)
        when = max(draft.moment(day), when + timedelta(minutes=1))
        _stage_change(draft, plan, walk[at], draft.ref.lapsed, when, StageChangeReason.MANUAL)
        final = draft.ref.lapsed
    plan.row["stage_id"] = final.id


def _stage_change(draft: Draft, plan: Plan, before: Stage | None, after: Stage, when: datetime,
                  reason: StageChangeReason) -> None:
    draft.rows.stage_change.append({
        "id": next(draft.id_of.stage_change), "customer_id": plan.id,
        "from_stage_id": before.id if before else None, "to_stage_id": after.id,
        "from_stage_name": before.name if before else "", "to_stage_name": after.name,
        "changed_at": stamp(when), "reason": reason.value})
    plan.changed = when
