"""Sample concerns (questions, complaints, requests) answered in time, late, or still open."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from smallbiz_crm.domain.kinds import Channel, ConcernKind, FollowUpKind, FollowUpSource
from smallbiz_crm.services.demo.draft import Draft, Plan, Weighted, stamp
from smallbiz_crm.services.demo.follow_ups import follow_up

_CONCERNS: dict[str, tuple[tuple[str, str], ...]] = {
    ConcernKind.QUESTION: (
        ("Do you stock large-print editions?", "Answered by phone: yes, we can order them in."),
        ("Can I reserve the new Osman book?", "Reserved; told them it arrives Thursday."),
        ("Are you open on the public holiday?", "Replied with the holiday hours."),
        ("Is the café gluten-free friendly?", "Sent the list of gluten-free cakes.")),
    ConcernKind.COMPLAINT: (
        ("Coffee was cold and the queue long on Saturday",
         "Apologised, refunded the coffee and gave a voucher."),
        ("Ordered book arrived damaged", "Sent a replacement copy the same day."),
        ("Charged twice for one order", "Refunded the double charge and apologised."),
        ("Promised call-back never came", "Called, apologised, sorted the order.")),
    ConcernKind.REQUEST: (
        ("Please order a copy of 'The Overstory'", "Ordered; arrives next week."),
        ("Could you gift-wrap and post to my mother?", "Done — posted first class."),
        ("Needs an invoice with the company's tax number", "Sent the corrected invoice."),
        ("Please take me off the newsletter", "Removed; confirmed by email.")),
}
_CHANNEL_LIST = tuple(channel.value for channel in Channel)
_CHANNELS = Weighted(((Channel.PHONE, 30), (Channel.EMAIL, 30), (Channel.IN_PERSON, 20),
                      (Channel.MESSAGE, 12), (Channel.SOCIAL, 6), (Channel.LETTER, 2)))
_END_OF_DAY = time(23, 59, 59)


def next_business_day_end(received: datetime) -> datetime:
    """The end (23:59:59) of the first Monday–Friday day after the one received on."""
    day = received.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, _END_OF_DAY)


def concerns(draft: Draft, plan: Plan, ordinal: int) -> None:
    # Fixed shares of customers carry each state, so even a small demo shows them all.
    scenario = {4: "overdue", 9: "waiting", 14: "late", 19: "in_time"}.get(ordinal % 40)
    if scenario is not None:
        _concern(draft, plan, scenario)
    if draft.rnd() < 0.08:
        _concern(draft, plan, "random")


def _concern(draft: Draft, plan: Plan, mode: str) -> None:
    if mode == "overdue":
        received = draft.moment(max(plan.created_day, draft.today - draft.ri(4, 10)))
    elif mode == "waiting":
        received = (draft.now - timedelta(minutes=draft.ri(20, 90)) if draft.rnd() < 0.5
                    else draft.moment(draft.today - 1))
    elif mode == "late":
        received = draft.moment(draft.today - draft.ri(10, 60))
    elif mode == "in_time":
        received = draft.moment(draft.today - draft.ri(5, 90))
    else:
        received = draft.moment(draft.ri(plan.created_day, plan.end_day))
    received = max(received, plan.created)
    due = next_business_day_end(received)
    if mode == "random":
        channel = draft.pick(_CHANNELS).value
    else:
        # The fixed cases take the channels in turn, so even rare ones (letters) show up.
        channel = _CHANNEL_LIST[draft.channel_turn % len(_CHANNEL_LIST)]
        draft.channel_turn += 1
    if mode == "random":
        days_ago = draft.today - received.toordinal()
        if due > draft.now:
            mode = "waiting" if draft.rnd() < 0.5 else "in_time"
        elif days_ago <= 20 and draft.rnd() < 0.1:
            mode = "overdue"
        else:
            mode = "late" if draft.rnd() < 0.17 else "in_time"
    kind = draft.ch(tuple(ConcernKind))
    summary, answer = draft.ch(_CONCERNS[kind])
    responded: datetime | None = None
    if mode == "in_time":
        room = int((due - received).total_seconds() // 60) - 30
        responded = received + timedelta(minutes=draft.ri(15, max(16, min(room, 2160))))
    elif mode == "late":
        responded = due + timedelta(minutes=draft.ri(600, 4 * 1440))
    if responded is not None and responded > draft.now:
        responded = None  # not answered yet after all
    resolved = None
    if responded is not None and draft.rnd() < 0.85:
        candidate = responded + timedelta(minutes=draft.ri(0, 5 * 1440))
        resolved = candidate if candidate <= draft.now else None
    cid = next(draft.id_of.concern)
    draft.rows.concern.append({
        "id": cid, "customer_id": plan.id, "kind": kind.value,
        "channel": channel, "received_at": stamp(received),
        "summary": summary, "response_due_at": stamp(due), "responded_at": stamp(responded),
        "response_note": answer if responded else "", "resolved_at": stamp(resolved),
        "version": 1})
    if kind == ConcernKind.COMPLAINT and responded is not None and draft.rnd() < 0.5:
        follow_up(draft, plan, responded.toordinal() + 7, FollowUpKind.CALL.value,
                  "Check they are happy with how we sorted it",
                  FollowUpSource.CONCERN, responded, concern_id=cid)
