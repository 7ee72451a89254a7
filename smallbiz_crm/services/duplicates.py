"""Finding customers entered twice, and merging two into one without losing any history."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import Table, delete, func, insert, literal, select, update

from smallbiz_crm.domain.kinds import FollowUpStatus, StageChangeReason
from smallbiz_crm.domain.records.customers import CustomerRecord
from smallbiz_crm.domain.records.duplicates import (
    REASON_EMAIL,
    REASON_NAME,
    REASON_PHONE,
    DuplicatePair,
    HistoryCounts,
)
from smallbiz_crm.domain.search import phone_search_tokens
from smallbiz_crm.domain.validation import ValidationError, phone_digits
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customers import customer_record, load_customer, record_stage_change
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Base,
    Concern,
    Customer,
    CustomerTag,
    Feedback,
    FollowUp,
    Gesture,
    Interaction,
    JourneyStage,
    StageChange,
)

# How sure each signal makes us; the list shows the surest first.
SCORE_EMAIL = 1.0
SCORE_PHONE = 0.95
SCORE_NAME = 0.9  # times the name similarity, so an exact name match scores 0.9
NAME_RATIO = 0.9
MIN_PHONE_DIGITS = 6
# A block this big means a very common name part; past it only near neighbours in sorted
# order are compared, so a pathological file cannot turn the search quadratic.
MAX_BLOCK = 2000
NEIGHBOURS = 200
# Words shorter than this (initials, "de", "le") are too common to group names by.
MIN_BLOCK_WORD = 3

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_name(name: str) -> str:
    """'Müller,  José' → 'jose muller': no accents, case, punctuation or word order."""
    if name.isascii():  # most names: skip the slow Unicode decomposition
        plain = name.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(sorted(_NON_WORD.sub(" ", plain).split()))


def _block_keys(key: str) -> set[str]:
    """Blocks a normalised name falls into: each word with the first or last letter of the rest.

    Two names a typo apart share at least one untouched word and, but for a typo at both ends
    of the other words, meet in some block; a block stays small ("smith" + "j…", not every
    Smith). Initials are left out of the keys, so "John A. Smith" meets "John Smith".
    """
    words = [word for word in key.split() if len(word) >= MIN_BLOCK_WORD]
    if not words:
        return {"#" + key[:2]}
    keys = set()
    for i, word in enumerate(words):
        rest = "".join(words[:i] + words[i + 1:])
        keys.add(f"{word}|{rest[:1]}")
        keys.add(f"{word}|{rest[-1:]}.")
    return keys


def _letters(key: str) -> int:
    """The multiset of a name's characters as bits (count level × character), for a cheap
    upper bound of difflib's ratio: (a & ~b).bit_count() is how many of a's have no match in b.
    """
    seen: dict[int, int] = {}
    bits = 0
    for ch in key:
        bucket = ord(ch) % 64  # a shared bucket only loosens the bound, never breaks it
        level = seen.get(bucket, 0)
        seen[bucket] = level + 1
        if level < 4:
            bits |= 1 << (64 * level + bucket)
    return bits


def _similar_keys(keys: Sequence[str],
                  cancelled: Callable[[], bool]) -> list[tuple[str, str, float]]:
    """Pairs of distinct normalised names whose difflib ratio reaches NAME_RATIO."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        for block in _block_keys(key):
            blocks[block].append(index)
    lengths = [len(key) for key in keys]
    letters = [_letters(key) for key in keys]
    done: set[tuple[int, int]] = set()
    found: list[tuple[str, str, float]] = []
    matcher = SequenceMatcher(None, autojunk=False)
    for n, members in enumerate(blocks.values()):
        if n % 500 == 0 and cancelled():
            return []
        size = len(members)
        if size < 2:
            continue
        if size > MAX_BLOCK:
            members.sort(key=keys.__getitem__)
            window = NEIGHBOURS
        else:
            # Shortest first: a name too long for one is too long for the rest after it.
            members.sort(key=lengths.__getitem__)
            window = size
        for i, a in enumerate(members):
            len_a, bits_a = lengths[a], letters[a]
            for b in members[i + 1:i + 1 + window]:
                # ratio = 2 * matches / total (as difflib computes it), and a's characters
                # with no counterpart in b cannot match: bound it before the real thing.
                total = len_a + lengths[b]
                if 2.0 * len_a / total < NAME_RATIO:
                    if window == size:
                        break  # shortest first: every later name is longer still
                    continue
                unmatched = (bits_a & ~letters[b]).bit_count()
                if 2.0 * (len_a - unmatched) / total < NAME_RATIO:
                    continue
                pair = (a, b) if a < b else (b, a)
                if pair in done:
                    continue
                done.add(pair)
                matcher.set_seqs(keys[pair[0]], keys[pair[1]])
                ratio = matcher.ratio()
                if ratio >= NAME_RATIO:
                    found.append((keys[pair[0]], keys[pair[1]], ratio))
    return found


def _never_cancelled() -> bool:
    return False


@dataclass(slots=True)
class _Row:
    id: int
    name: str
    email: str
    phone: str
    digits: str


# Tables whose rows belong to one customer; a merge moves them all. Found from the schema so
# a table added later is not silently lost (its rows would otherwise cascade away).
def _owned_tables() -> list[tuple[Table, str]]:
    owned = []
    for table in Base.metadata.sorted_tables:
        if table.name in ("customer", CustomerTag.__tablename__):
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "customer":
                owned.append((table, fk.parent.name))
    return owned


def _stage_rank(stage: JourneyStage) -> tuple[int, int]:
    # Lapsed counts lowest: a lapsed record never outranks an active one.
    return (0 if stage.is_lapsed else 1, stage.position)


class DuplicateService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    # -- finding ----------------------------------------------------------------------------

    def find_pairs(  # noqa: C901 - one pass over the candidates, a branch per rule
            self, limit: int = 500, ignore: Collection[frozenset[int]] = (),
            cancelled: Callable[[], bool] = _never_cancelled) -> list[DuplicatePair]:
        """Likely duplicates among customers not archived, surest first, at most `limit`.

        Customers sharing an email, phone or name are each paired with the oldest of them
        (not every pair among them): merging those pairs folds the whole group into one.
        `ignore` holds pairs the owner said are different people; they are never returned.
        """
        with self.db.read() as session:
            rows = [_Row(*r) for r in session.execute(
                select(Customer.id, Customer.name, Customer.email, Customer.phone,
                       Customer.phone_digits)
                .where(Customer.archived.is_(False)).order_by(Customer.id))]
        by_id = {row.id: row for row in rows}
        if cancelled():
            return []
        skip = {(min(pair), max(pair)) for pair in ignore if len(pair) == 2}
        best: dict[tuple[int, int], tuple[float, str]] = {}

        def offer(a: int, b: int, score: float, reason: str) -> None:
            pair = (a, b) if a < b else (b, a)
            current = best.get(pair)
            if current is None or score > current[0]:
                best[pair] = (score, reason)

        def star(groups: Iterable[list[int]], score: float, reason: str) -> None:
            for ids in groups:
                for k in range(1, len(ids)):
                    # The oldest the owner has not already told apart from this one.
                    other = next((ids[j] for j in range(k) if (ids[j], ids[k]) not in skip),
                                 None)
                    if other is not None:
                        offer(other, ids[k], score, reason)

        emails: dict[str, list[int]] = defaultdict(list)
        phones: dict[str, list[int]] = defaultdict(list)
        names: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            email = row.email.strip().casefold()
            if email:
                emails[email].append(row.id)
            if len(row.digits) >= MIN_PHONE_DIGITS:
                phones[row.digits].append(row.id)
            key = normalise_name(row.name)
            if key:
                names[key].append(row.id)
        star((ids for ids in emails.values() if len(ids) > 1), SCORE_EMAIL, REASON_EMAIL)
        star((ids for ids in phones.values() if len(ids) > 1), SCORE_PHONE, REASON_PHONE)
        star((ids for ids in names.values() if len(ids) > 1), SCORE_NAME, REASON_NAME)
        if cancelled():
            return []
        # Near names score below every exact match, so when exact matches already fill the
        # list the slow comparison could not add a line to it.
        if len(best) < limit:
            for key_a, key_b, ratio in _similar_keys(list(names), cancelled):
                pair = next(((a, b) for a in names[key_a] for b in names[key_b]
                             if (min(a, b), max(a, b)) not in skip), None)
                if pair is not None:
                    offer(*pair, round(SCORE_NAME * ratio, 4), REASON_NAME)
            if cancelled():
                return []

        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        result = []
        for (a, b), (score, reason) in ranked:
            left, right = by_id[a], by_id[b]
            result.append(DuplicatePair(
                left_id=a, left_name=left.name, right_id=b, right_name=right.name,
                reason=reason, score=score, left_email=left.email, left_phone=left.phone,
                right_email=right.email, right_phone=right.phone))
        return result

    def history_counts(self, customer_id: int) -> HistoryCounts:
        """What is recorded about a customer, for the side-by-side preview."""
        columns = (Interaction.customer_id, Gesture.customer_id, FollowUp.customer_id,
                   Concern.customer_id, Feedback.customer_id, StageChange.customer_id,
                   CustomerTag.customer_id, Customer.referred_by_id)
        with self.db.read() as session:
            load_customer(session, customer_id)
            counts = [int(session.scalar(select(func.count()).where(column == customer_id))
                          or 0) for column in columns]
        return HistoryCounts(*counts)

    # -- merging ----------------------------------------------------------------------------

    def merge(self, keep_id: int, remove_id: int) -> CustomerRecord:
        """Fold `remove_id` into `keep_id` in one transaction; the removed record is deleted.

        Everything recorded about either customer ends up on the kept one; the kept one's
        details win, and only its empty fields are filled from the other.
        """
        if keep_id == remove_id:
            raise ValidationError.single("merge", "A customer cannot be merged with itself.")
        now = self.clock()
        with self.db.unit_of_work() as session:
            keep = load_customer(session, keep_id)
            remove = load_customer(session, remove_id)
            later_stage = (remove.stage if _stage_rank(remove.stage) > _stage_rank(keep.stage)
                           else None)

            # Details: the kept record wins; its gaps are filled from the removed one.
            for field in ("company", "email", "address", "source"):
                if not getattr(keep, field) and getattr(remove, field):
                    setattr(keep, field, getattr(remove, field))
            if not keep.phone and remove.phone:
                keep.phone = remove.phone
                keep.phone_digits = phone_digits(remove.phone)
                keep.phone_search = phone_search_tokens(keep.phone_digits)
            if keep.birthday is None:
                keep.birthday = remove.birthday
            if keep.persona_id is None and remove.persona_id is not None:
                keep.persona_id = remove.persona_id
            if keep.referred_by_id in (None, remove_id):
                inherited = remove.referred_by_id
                keep.referred_by_id = inherited if inherited not in (keep_id, remove_id) else None
            if remove.notes and remove.notes != keep.notes:
                keep.notes = f"{keep.notes}\n\n{remove.notes}" if keep.notes else remove.notes
            # The customer's latest word on being contacted stands, whichever record has it.
            if remove.consent_changed_at is not None and (
                    keep.consent_changed_at is None
                    or remove.consent_changed_at > keep.consent_changed_at):
                keep.consent_contact = remove.consent_contact
                keep.consent_changed_at = remove.consent_changed_at
            # Undoing an import deletes its customers: a record now holding history entered by
            # hand must not go with it.
            if remove.import_batch_id is None:
                keep.import_batch_id = None
            if remove.last_contact_at is not None and (
                    keep.last_contact_at is None or remove.last_contact_at > keep.last_contact_at):
                keep.last_contact_at = remove.last_contact_at
            keep.updated_at = now
            session.flush()

            # History: every row that belongs to the removed customer moves over.
            for table, column in _owned_tables():
                values: dict[str, object] = {column: keep_id}
                if "version" in table.c:
                    # Someone editing one of these rows elsewhere must reload, not overwrite.
                    values["version"] = table.c.version + 1
                session.execute(update(table).where(table.c[column] == remove_id)
                                .values(values))
            session.execute(insert(CustomerTag).prefix_with("OR IGNORE").from_select(
                ["customer_id", "tag_id"],
                select(literal(keep_id), CustomerTag.tag_id)
                .where(CustomerTag.customer_id == remove_id)))
            session.execute(update(Customer).where(
                Customer.referred_by_id == remove_id, Customer.id != keep_id)
                .values(referred_by_id=keep_id, version=Customer.version + 1)
                .execution_options(synchronize_session=False))
            session.expunge(remove)
            session.execute(delete(Customer).where(Customer.id == remove_id)
                            .execution_options(synchronize_session=False))

            keep.next_follow_up_on = session.scalar(
                select(func.min(FollowUp.due_on)).where(
                    FollowUp.customer_id == keep_id,
                    FollowUp.status == FollowUpStatus.OPEN.value))
            if later_stage is not None:
                record_stage_change(session, keep, later_stage, now,
                                    StageChangeReason.MERGE.value)
            session.flush()
            # Tags and the referrer were changed in SQL; read them afresh for the record.
            session.refresh(keep)
            return customer_record(keep)

    def get_pair_sides(self, pair: DuplicatePair) -> tuple[CustomerRecord, CustomerRecord]:
        """Both customers of a pair as they are now (NotFoundError if one has gone)."""
        with self.db.read() as session:
            left = customer_record(load_customer(session, pair.left_id))
            right = customer_record(load_customer(session, pair.right_id))
        return left, right

