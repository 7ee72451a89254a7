"""Plain-words names of the stored codes, for the timeline and the printed reports."""

from __future__ import annotations

INTERACTION_KINDS = {
    "call": "Call", "visit": "Visit", "email": "Email", "message": "Message",
    "meeting": "Meeting", "purchase": "Purchase", "event": "Event",
}
GESTURE_KINDS = {
    "freebie": "Freebie", "invitation": "Invitation", "gift": "Gift",
    "thank_you": "Thank-you note", "kindness": "Act of kindness", "upgrade": "Upgrade",
}
SENTIMENTS = {
    "delighted": "Delighted", "happy": "Happy", "neutral": "Neutral", "unsure": "Unsure",
    "upset": "Upset",
}
STAGE_REASONS = {
    "manual": "Moved by hand", "purchase": "After a purchase", "import": "Imported",
    "created": "Added as a new customer", "merge": "Records merged",
    "stage_removed": "The previous stage was removed",
}
CONCERN_KINDS = {"question": "Question", "complaint": "Complaint", "request": "Request"}
CHANNELS = {
    "phone": "by phone", "email": "by email", "in_person": "in person",
    "message": "by message", "social": "on social media", "letter": "by letter",
}
FOLLOW_UP_KINDS = {
    "call": "Call", "email": "Email", "visit": "Visit", "message": "Message",
    "thank_you": "Thank-you", "check_in": "Check-in", "reorder": "Reorder",
    "birthday": "Birthday", "tell_them": "Tell them about their feedback",
}
FEEDBACK_KINDS = {"idea": "Idea", "complaint": "Complaint", "praise": "Praise"}
FEEDBACK_STATUSES = {
    "new": "New", "considered": "Considered", "planned": "Planned", "done": "Done",
    "declined": "Declined",
}


def label(labels: dict[str, str], key: str | None) -> str:
    """The plain-words label of a stored code; an unknown code reads as itself, tidied."""
    if not key:
        return ""
    return labels.get(key, key.replace("_", " ").capitalize())


def interaction_label(kind: str) -> str:
    return label(INTERACTION_KINDS, kind)


def stage_reason_label(reason: str) -> str:
    """Why a customer moved stage, in plain words ("After a purchase")."""
    return label(STAGE_REASONS, reason)
