"""The fixed vocabularies the owner picks from: kinds of interaction, gesture, concern and so on."""

from __future__ import annotations

from enum import StrEnum


class CustomerKind(StrEnum):
    PERSON = "person"
    BUSINESS = "business"


class InteractionKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    EMAIL = "email"
    MESSAGE = "message"
    MEETING = "meeting"
    PURCHASE = "purchase"
    EVENT = "event"


class Sentiment(StrEnum):
    DELIGHTED = "delighted"
    HAPPY = "happy"
    NEUTRAL = "neutral"
    UNSURE = "unsure"
    UPSET = "upset"


class GestureKind(StrEnum):
    FREEBIE = "freebie"
    INVITATION = "invitation"
    GIFT = "gift"
    THANK_YOU = "thank_you"
    KINDNESS = "kindness"
    UPGRADE = "upgrade"


class ConcernKind(StrEnum):
    QUESTION = "question"
    COMPLAINT = "complaint"
    REQUEST = "request"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    IN_PERSON = "in_person"
    MESSAGE = "message"
    SOCIAL = "social"
    LETTER = "letter"


class FollowUpKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    MESSAGE = "message"
    THANK_YOU = "thank_you"
    CHECK_IN = "check_in"
    REORDER = "reorder"
    BIRTHDAY = "birthday"
    TELL_THEM = "tell_them"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


class FollowUpSource(StrEnum):
    MANUAL = "manual"
    CADENCE = "cadence"
    FEEDBACK = "feedback"
    CONCERN = "concern"
    IMPORT = "import"


class CadenceTrigger(StrEnum):
    PURCHASE = "purchase"
    NEW_PROSPECT = "new_prospect"
    BIRTHDAY = "birthday"
    MANUAL = "manual"


class FeedbackKind(StrEnum):
    IDEA = "idea"
    COMPLAINT = "complaint"
    PRAISE = "praise"


class FeedbackStatus(StrEnum):
    NEW = "new"
    CONSIDERED = "considered"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"

    @property
    def is_closed(self) -> bool:
        return self in (FeedbackStatus.DONE, FeedbackStatus.DECLINED)


class StageChangeReason(StrEnum):
    MANUAL = "manual"
    PURCHASE = "purchase"
    IMPORT = "import"
    CREATED = "created"
    MERGE = "merge"
    STAGE_REMOVED = "stage_removed"
