"""Sample feedback on the products: ideas, complaints and praise, and telling the customer."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from smallbiz_crm.domain.kinds import (
    FeedbackKind,
    FeedbackStatus,
    FollowUpKind,
    FollowUpSource,
    FollowUpStatus,
)
from smallbiz_crm.services.demo.draft import Draft, Plan, stamp
from smallbiz_crm.services.demo.follow_ups import follow_up

_SHOP_FEEDBACK: dict[str, str] = {
    FeedbackKind.IDEA: "Open a little later on Thursdays, please.",
    FeedbackKind.COMPLAINT: "The queue at the till was long on Saturday.",
    FeedbackKind.PRAISE: "Always a warm welcome in the shop.",
}
_FEEDBACK: dict[str, tuple[str, ...]] = {
    FeedbackKind.IDEA: ("Could {p} come in a smaller size?",
                        "A loyalty card for {p} would be nice.",
                        "Open later on Thursdays — I'd come for {p}.",
                        "Please offer {p} as a gift bundle."),
    # Worded so that singular and plural product names both read right.
    FeedbackKind.COMPLAINT: ("Out of stock twice this month: {p}.",
                             "The price of the {p} went up a lot.",
                             "My {p} arrived later than promised."),
    FeedbackKind.PRAISE: ("Loves the {p}; tells all her friends.", "The {p} made my week!",
                          "Best {p} in town."),
}
# Statuses in turn, so even a small run shows every one; closed ones alternate told/not told.
_FEEDBACK_CYCLE = (FeedbackStatus.NEW, FeedbackStatus.CONSIDERED, FeedbackStatus.DONE,
                   FeedbackStatus.PLANNED, FeedbackStatus.DECLINED, FeedbackStatus.DONE,
                   FeedbackStatus.CONSIDERED, FeedbackStatus.NEW, FeedbackStatus.DECLINED)


def feedback(draft: Draft, plan: Plan, ordinal: int) -> None:
    if not (ordinal % 12 == 6 or draft.rnd() < 0.08) or not draft.ref.products:
        return
    status = _FEEDBACK_CYCLE[draft.feedback_turn % len(_FEEDBACK_CYCLE)]
    draft.feedback_turn += 1
    kind = draft.ch((FeedbackKind.IDEA, FeedbackKind.IDEA, FeedbackKind.COMPLAINT,
                     FeedbackKind.PRAISE, FeedbackKind.PRAISE))
    product = draft.ch(draft.ref.products) if draft.rnd() < 0.85 else None
    # Without a product the phrases speak of the shop in general.
    subject = product[1].lower() if product else "your opening hours"
    text = draft.ch(_FEEDBACK[kind]).format(p=subject)
    text = text[0].upper() + text[1:]
    rating = (draft.ri(4, 5) if kind == FeedbackKind.PRAISE else draft.ri(1, 3)
              if kind == FeedbackKind.COMPLAINT else
              None if draft.rnd() < 0.5 else draft.ri(3, 5))
    if status == FeedbackStatus.NEW:
        received_day = max(plan.created_day, draft.today - draft.ri(0, 20))
    else:
        received_day = draft.ri(plan.created_day, max(plan.created_day, draft.today - 45))
    changed = told = None
    if status != FeedbackStatus.NEW:
        changed = min(draft.moment(received_day + draft.ri(2, 40)),
                      draft.now - timedelta(hours=1))
        changed = max(changed, datetime.fromordinal(received_day) + timedelta(hours=20))
        if status.is_closed:
            draft.told_turn += 1
            if draft.told_turn % 3 != 0:
                told = min(changed + timedelta(minutes=draft.ri(30, 10 * 1440)),
                           draft.now)
    fid = next(draft.id_of.feedback)
    draft.rows.feedback.append({
        "id": fid, "customer_id": plan.id, "product_id": product[0] if product else None,
        "kind": kind.value, "text": text, "rating": rating, "status": status.value,
        "received_on": date.fromordinal(received_day).isoformat(),
        "status_changed_at": stamp(changed), "customer_told_at": stamp(told), "version": 1})
    if changed is not None and status.is_closed:
        verb = "it's done" if status == FeedbackStatus.DONE else "why we said no"
        if told is not None:
            follow_up(draft, plan, changed.toordinal() + 3, FollowUpKind.TELL_THEM.value,
                      f"Tell them {verb}", FollowUpSource.FEEDBACK, changed,
                      feedback_id=fid, status=FollowUpStatus.DONE, completed=told,
                      outcome="Told them; they were pleased")
        else:
            follow_up(draft, plan, changed.toordinal() + 3, FollowUpKind.TELL_THEM.value,
                      f"Tell them {verb}", FollowUpSource.FEEDBACK, changed,
                      feedback_id=fid, status=FollowUpStatus.OPEN)
