"""Sample follow-ups: from the cadences, from concerns and feedback, and the owner's own."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from smallbiz_crm.domain.kinds import CadenceTrigger, FollowUpKind, FollowUpSource, FollowUpStatus
from smallbiz_crm.services.demo.draft import Draft, Plan, stamp

_MANUAL_FOLLOW_UPS = (
    (FollowUpKind.CALL, "Ask how the daughter's first term went"),
    (FollowUpKind.CALL, "Call back about the special order"),
    (FollowUpKind.MESSAGE, "Tell them the signed copies have arrived"),
    (FollowUpKind.EMAIL, "Invite to the next book club"),
    (FollowUpKind.CHECK_IN, "Check the gift went down well"),
    (FollowUpKind.VISIT, "Drop off the reserved copy on the way home"),
    (FollowUpKind.REORDER, "Offer a tasting of the new roast"),
    (FollowUpKind.EMAIL, "Send the reading list they asked for"),
)
_DONE_OUTCOMES = ("Left a voicemail", "Happy with the book; wants the sequel",
                  "Ordered another bag of beans", "Will come in on Saturday",
                  "Chatted for ten minutes; all good", "Booked for the next event", "")
_SKIPPED_OUTCOMES = ("Not needed — they came in the same day", "They are on holiday", "")


def follow_ups(draft: Draft, plan: Plan, ordinal: int, top: int,
               last_purchase: tuple[int, datetime] | None, birthday: date | None) -> None:
    steps = draft.ref.steps
    if last_purchase is not None:
        iid, bought = last_purchase
        for step in steps.get(CadenceTrigger.PURCHASE, ()):
            if not step.needs_consent or plan.consent:
                follow_up(draft, plan, bought.toordinal() + step.offset_days, step.kind,
                          step.reason, FollowUpSource.CADENCE, bought,
                          step_id=step.id, interaction_id=iid)
    elif top == 0 and not plan.lapsed:
        for step in steps.get(CadenceTrigger.NEW_PROSPECT, ()):
            if not step.needs_consent or plan.consent:
                follow_up(draft, plan, plan.created_day + step.offset_days, step.kind,
                          step.reason, FollowUpSource.CADENCE, plan.created,
                          step_id=step.id)
    if birthday is not None and plan.consent:
        upcoming = _next_birthday(draft, birthday)
        for step in steps.get(CadenceTrigger.BIRTHDAY, ()):
            if upcoming - draft.today <= 13:
                follow_up(draft, plan, upcoming + step.offset_days, step.kind, step.reason,
                          FollowUpSource.CADENCE,
                          max(draft.moment(draft.today - 1), plan.created),
                          step_id=step.id)
    # Fixed shares due today, overdue and this week, so the Today page is never empty.
    scenario = (0 if ordinal % 40 == 0 else -draft.ri(1, 12) if ordinal % 20 == 5
                else draft.ri(1, 6) if ordinal % 10 == 8 else None)
    if scenario is None and draft.rnd() < 0.2:
        roll = draft.rnd()
        scenario = (-draft.ri(1, 20) if roll < 0.15 else 0 if roll < 0.22
                    else draft.ri(1, 6) if roll < 0.42 else draft.ri(7, 60)
                    if roll < 0.7 else -draft.ri(21, 300))
    if scenario is not None:
        kind, reason = draft.ch(_MANUAL_FOLLOW_UPS)
        due = max(draft.today + scenario, plan.created_day)
        status = FollowUpStatus.OPEN if scenario >= -20 else None
        made = max(draft.moment(min(due, draft.today) - draft.ri(1, 20)), plan.created)
        follow_up(draft, plan, due, kind.value, reason, FollowUpSource.MANUAL, made,
                  status=status)


def _next_birthday(draft: Draft, birthday: date) -> int:
    year = date.fromordinal(draft.today).year
    for candidate in (year, year + 1):
        try:
            day = date(candidate, birthday.month, birthday.day)
        except ValueError:  # 29 February in a common year
            day = date(candidate, 3, 1)
        if day.toordinal() >= draft.today:
            return day.toordinal()
    raise AssertionError("unreachable")


def follow_up(draft: Draft, plan: Plan, due: int, kind: str, reason: str, source: FollowUpSource,
              created: datetime, *, step_id: int | None = None,
              interaction_id: int | None = None, feedback_id: int | None = None,
              concern_id: int | None = None, status: FollowUpStatus | None = None,
              completed: datetime | None = None, outcome: str | None = None) -> None:
    if status is None:
        if due >= draft.today:
            status = FollowUpStatus.OPEN
        else:
            roll = draft.rnd()
            recent = due >= draft.today - 30
            status = (FollowUpStatus.OPEN if recent and roll < 0.2 else
                      FollowUpStatus.SKIPPED if roll > 0.88 else FollowUpStatus.DONE)
    if status == FollowUpStatus.OPEN and plan.quiet:
        # Nobody chases a customer they let go; what was pending was skipped.
        if due >= draft.today:
            return
        status = FollowUpStatus.SKIPPED
    if status != FollowUpStatus.OPEN and due > draft.today:
        return  # done early is possible, but a closed future reminder only confuses
    created = min(created, draft.now)
    snoozes = 0
    if status == FollowUpStatus.OPEN:
        completed, outcome = None, ""
        if due < draft.today and draft.rnd() < 0.4:
            snoozes = draft.ri(1, 2)
        if plan.next_due is None or due < plan.next_due:
            plan.next_due = due
    else:
        if completed is None:
            completed = draft.moment(min(due + draft.ri(0, 2), draft.today - 1))
            completed = min(max(completed, created + timedelta(minutes=5)), draft.now)
        if outcome is None:
            outcome = draft.ch(_DONE_OUTCOMES if status == FollowUpStatus.DONE
                               else _SKIPPED_OUTCOMES)
    draft.rows.follow_up.append({
        "id": next(draft.id_of.follow_up), "customer_id": plan.id,
        "due_on": date.fromordinal(due).isoformat(), "reason": reason, "kind": kind,
        "status": status.value, "completed_at": stamp(completed), "outcome": outcome or "",
        "snooze_count": snoozes, "source": source.value, "cadence_step_id": step_id,
        "interaction_id": interaction_id, "feedback_id": feedback_id,
        "concern_id": concern_id, "created_at": stamp(created), "version": 1})
