"""Sample customers, people and businesses, each with a life story in the other tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Connection

from smallbiz_crm.domain.kinds import CustomerKind
from smallbiz_crm.domain.search import phone_search_tokens
from smallbiz_crm.services.demo import names
from smallbiz_crm.services.demo.concerns import concerns
from smallbiz_crm.services.demo.draft import Draft, Ids, Plan, Row, Rows, Weighted, stamp
from smallbiz_crm.services.demo.feedback import feedback
from smallbiz_crm.services.demo.follow_ups import follow_ups
from smallbiz_crm.services.demo.gestures import Event, gestures, invite
from smallbiz_crm.services.demo.history import history

# The oldest demo customer joined this many days before `today` (a little over two years).
MAX_AGE_DAYS = 760

_COMPANY_FIRST = ("Harbour Lane", "Oakfield", "Riverside", "Northgate", "Bluebell", "Lumière",
                  "Sunrise", "Maple Row", "Kestrel", "Saint Jude's", "Nordlicht", "Olivera",
                  "Fox & Finch", "Café Mélange", "Zeitgeist", "Ταβέρνα Ελιά", "Hillcrest")
_COMPANY_SECOND = ("Catering", "Primary School", "Dental Practice", "Architects", "Book Club",
                   "Law Office", "Yoga Studio", "Library", "Bakery", "Hotel", "Coworking",
                   "Florist", "Care Home", "Language School")
# US area codes; with 555-0100…0199 every number is a fictional one phonenumbers accepts.
_AREA_CODES = (201, 202, 203, 206, 212, 213, 214, 215, 301, 303, 305, 310, 312, 313, 404,
               407, 408, 410, 412, 415, 503, 504, 512, 602, 614, 615, 617, 702, 703, 704, 713,
               718, 801, 808, 813, 816, 818, 904, 916, 917, 919)
_STREETS = ("Maple Street", "Harbor Road", "Elm Avenue", "Church Lane", "Market Square",
            "Hill Road", "Riverside Drive", "Orchard Close", "Station Road", "Linden Way")
_CITIES = ("Springfield", "Riverton", "Oakdale", "Fairview", "Lakeside", "Millbrook")
_SOURCES = Weighted((("Walk-in", 30), ("Instagram", 14), ("Market stall", 12),
                     ("Google Maps", 10), ("Website", 8), ("Facebook", 6), ("", 5),
                     ("Local newspaper", 4), ("Book fair", 4), ("Christmas market", 4),
                     ("Friend of staff", 3)))
_REFERRAL = "Referral"
_PERSON_NOTES = (
    "Daughter starts university in May.", "Prefers phone after 6pm.",
    "Allergic to nuts — no pastries as gifts.", "Vegan; loves the oat-milk flat white.",
    "Collects Agatha Christie first editions.", "Has a dog called Biscuit who comes in too.",
    "Speaks Portuguese at home; happy in English.",
    "Hard of hearing — email works better than phone.", "Runs the school's reading club.",
    "Mother in hospital since March; be gentle.", "Recently retired; more time to read.",
    "Twins' birthday in August — buys books for both.", "Only pays cash.",
    "Likes to hear first about signed copies.", "Works night shifts — call late morning.",
    "Moving house in the autumn.", "Learning Spanish; suggest bilingual books.",
    "Doesn't like being rushed; give time to browse.", "Son is dyslexic — asks for audiobooks.",
    "Book club host — buys 8 copies at a time.", "Training for a marathon in October.",
)
_BUSINESS_NOTES = (
    "Contact: {name} (office manager).", "Invoices to accounts; needs a PO number.",
    "Orders for the staff room every quarter.", "Gift books for the whole team in December.",
    "Pays on 30 days' terms.", "Best reached Tuesday mornings.",
)
_NOT_PURSUING = ("Moved abroad.", "Only ever wants the lowest price.",
                 "Asked us not to contact them.", "Buys online only now.",
                 "Was rude to staff; we let it go.")
_TAG_COUNTS = Weighted(((0, 35), (1, 35), (2, 20), (3, 10)))
_REACHED = Weighted(((1, 40), (2, 45), (3, 15)))


def chunk(draft: Draft, events: Sequence[Event], conn: Connection, first: int,
          count: int) -> Rows:
    """One chunk of customers with every row about them, ids following what conn holds."""
    draft.ids = Ids(conn)
    draft.rows = Rows()
    plans = [_customer(draft, ordinal) for ordinal in range(first, first + count)]
    draft.rows.imported = sum(plan.imported for plan in plans)
    for event in events:
        invite(draft, plans, event)
    for plan in plans:
        _finish(draft, plan)
    return draft.rows


def _customer(draft: Draft, ordinal: int) -> Plan:
    rng = draft.rng
    cid = next(draft.id_of.customer)
    # Ids grow with the joining date (give or take a few days): the oldest customers first.
    age = int(MAX_AGE_DAYS * (1 - (ordinal + 0.5) / draft.total)) + draft.ri(-3, 3)
    age = min(max(age, 1), MAX_AGE_DAYS)
    created_day = draft.today - age
    created = draft.moment(created_day)
    # Some of the oldest customers came from the shop's old till list, in one import.
    import_day = draft.ref.imported_at.toordinal()
    imported = created_day <= import_day + 10 and (ordinal == 0 or draft.rnd() < 0.5)
    if imported:
        created_day, created = import_day, draft.ref.imported_at
        age = draft.today - created_day
    business = draft.rnd() < 0.13
    person_name, first_ascii, last_ascii = names.person_name(draft)
    if business:
        name = f"{draft.ch(_COMPANY_FIRST)} {draft.ch(_COMPANY_SECOND)}"
        company = ""
        slug = names.ascii_name(name).replace("&", "")
        email = (f"{draft.ch(('hello', 'info', 'orders', 'office'))}@{slug[:24]}.example"
                 if draft.rnd() < 0.95 else "")
    else:
        name = person_name
        company = (f"{draft.ch(_COMPANY_FIRST)} {draft.ch(_COMPANY_SECOND)}"
                   if draft.rnd() < 0.12 else "")
        email = names.email(draft, first_ascii, last_ascii) if draft.rnd() < 0.8 else ""
    phone = digits = ""
    if draft.rnd() < (0.95 if business else 0.86):
        area, line = draft.ch(_AREA_CODES), draft.below(100, 200)
        phone, digits = f"+1 {area}-555-{line:04d}", f"1{area}555{line:04d}"
    referred_by = None
    source = draft.pick(_SOURCES)
    if draft.customer_ids and draft.rnd() < 0.15:
        # Someone who joined before them; ids and joining dates only roughly agree.
        index = draft.below(len(draft.customer_ids))
        if draft.customer_joined[index] > created:
            index = draft.below(index + 1)
        if draft.customer_joined[index] <= created:
            referred_by, source = draft.customer_ids[index], _REFERRAL
    birthday = None if business else _birthday(draft, ordinal)
    not_pursuing = ordinal % 50 == 17 or draft.rnd() < 0.015
    archived = ordinal % 50 == 33 or draft.rnd() < 0.01
    consent = draft.rnd() < 0.86
    notes = _notes(draft, business, person_name)
    draft.customer_ids.append(cid)
    draft.customer_joined.append(created)

    top, lapsed = _stage_for(draft, age)
    if lapsed:
        gap = draft.ri(125, max(125, min(age - 40, 420)))
        end_day = max(created_day, draft.today - gap)
    else:
        roll = draft.rnd()
        idle = (draft.ri(1, 14) if roll < 0.5 else draft.ri(15, 60) if roll < 0.82
                else draft.ri(61, 150))
        end_day = max(created_day, draft.today - min(idle, age))
    row: Row = {
        "id": cid, "kind": (CustomerKind.BUSINESS if business else CustomerKind.PERSON).value,
        "name": name, "company": company, "email": email,
        "phone": phone, "phone_digits": digits, "phone_search": phone_search_tokens(digits),
        "address": _address(draft) if draft.rnd() < (0.9 if business else 0.65) else "",
        "birthday": birthday, "source": source, "referred_by_id": referred_by,
        "persona_id": (draft.ch(draft.ref.persona_ids)
                       if draft.ref.persona_ids and draft.rnd() < 0.85 else None),
        "stage_id": 0, "consent_contact": consent,
        "consent_changed_at": created if consent else None, "notes": notes,
        "not_pursuing": not_pursuing,
        "not_pursuing_reason": draft.ch(_NOT_PURSUING) if not_pursuing else "",
        "archived": archived, "created_at": created, "updated_at": created,
        "last_contact_at": None, "next_follow_up_on": None,
        "import_batch_id": draft.ref.import_batch_id if imported else None, "version": 1,
    }
    plan = Plan(id=cid, row=row, created=created, created_day=created_day,
                end_day=end_day, lapsed=lapsed, consent=consent,
                quiet=archived or not_pursuing, imported=imported)
    for tag_id in rng.sample(draft.ref.tag_ids,
                             min(len(draft.ref.tag_ids), draft.pick(_TAG_COUNTS))):
        draft.rows.customer_tag.append({"customer_id": cid, "tag_id": tag_id})
    last_purchase = history(draft, plan, top, business, age)
    gestures(draft, plan, top)
    concerns(draft, plan, ordinal)
    feedback(draft, plan, ordinal)
    follow_ups(draft, plan, ordinal, top, last_purchase, birthday)
    return plan


def _address(draft: Draft) -> str:
    return (f"{draft.ri(1, 240)} {draft.ch(_STREETS)}, {draft.ch(_CITIES)} "
            f"{draft.ri(10000, 99999)}")


def _birthday(draft: Draft, ordinal: int) -> date | None:
    year = draft.ri(1944, 2006)
    if ordinal % 25 == 3 or draft.rnd() < 0.02:
        # Several birthdays in the coming week, for the Today page.
        soon = date.fromordinal(draft.today + draft.ri(0, 6))
        if (soon.month, soon.day) == (2, 29):
            year -= year % 4
        return date(year, soon.month, soon.day)
    if draft.rnd() < 0.3:
        return None
    return date(year, 1, 1) + timedelta(days=draft.below(365))


def _notes(draft: Draft, business: bool, contact: str) -> str:
    rng = draft.rng
    if business:
        picked = rng.sample(_BUSINESS_NOTES, draft.ch((1, 1, 2)))
        return "\n".join(note.format(name=contact) for note in picked)
    roll = draft.rnd()
    count = 0 if roll < 0.45 else 1 if roll < 0.88 else 2
    return "\n".join(rng.sample(_PERSON_NOTES, count))


def _stage_for(draft: Draft, age: int) -> tuple[int, bool]:
    """How far along the walk the customer got, and whether they have since lapsed."""
    if age < 14:
        weights = [75, 25]
    elif age < 60:
        weights = [45, 40, 15]
    elif age < 200:
        weights = [20, 30, 35, 10, 5]
    else:
        weights = [10, 14, 28, 20, 11]
    walk = len(draft.ref.walk)
    weights = (weights + [5] * walk)[:walk]
    lapsed_weight = 17 if age >= 200 and draft.ref.lapsed is not None else 0
    choice = draft.pick(Weighted(list(enumerate([*weights, lapsed_weight]))))
    if choice < walk:
        return choice, False
    reached = draft.pick(_REACHED)
    return min(reached, walk - 1), True


def _finish(draft: Draft, plan: Plan) -> None:
    """The customer row last, once its denormalised columns are known."""
    row = plan.row
    updated = max(moment for moment in (plan.created, plan.last_contact, plan.changed)
                  if moment is not None)
    row["last_contact_at"] = stamp(plan.last_contact)
    row["next_follow_up_on"] = (date.fromordinal(plan.next_due).isoformat()
                                if plan.next_due is not None else None)
    row["updated_at"] = stamp(min(updated, draft.now))
    row["created_at"] = stamp(plan.created)
    row["consent_changed_at"] = stamp(plan.created) if plan.consent else None
    birthday = row["birthday"]
    row["birthday"] = birthday.isoformat() if birthday is not None else None
    draft.rows.customer.append(row)
