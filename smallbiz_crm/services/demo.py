"""Realistic sample data for every table, dated around today, written fast in committed chunks."""

from __future__ import annotations

import itertools
import json
import random
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, insert, select, update

from smallbiz_crm.domain.kinds import (
    CadenceTrigger,
    Channel,
    ConcernKind,
    CustomerKind,
    FeedbackKind,
    FeedbackStatus,
    FollowUpKind,
    FollowUpSource,
    FollowUpStatus,
    GestureKind,
    InteractionKind,
    StageChangeReason,
)
from smallbiz_crm.domain.records.sample_data import DemoSummary
from smallbiz_crm.domain.search import phone_search_tokens
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    CadenceStep,
    CadenceTemplate,
    ClosureDay,
    Concern,
    Customer,
    CustomerTag,
    ErasureNote,
    Feedback,
    FollowUp,
    Gesture,
    ImportBatch,
    Interaction,
    JourneyStage,
    Persona,
    Product,
    Setting,
    StageChange,
    Tag,
)

Row = dict[str, Any]

# 2,000 customers (~20 rows each) per transaction: a kill mid-run loses at most one chunk,
# and each commit is big enough that the fsync of synchronous=FULL does not dominate.
CHUNK_SIZE = 2_000
# The oldest demo customer joined this many days before `today` (a little over two years).
MAX_AGE_DAYS = 760
SHOP_NAME = "Corner Bookshop & Café"
# The demo's one import (the shop's old till list) happened this long before `today`.
IMPORT_DAYS_AGO = 700

_DAY_OPENS = 9 * 60  # minutes after midnight
_OPEN_MINUTES = 10 * 60
_END_OF_DAY = time(23, 59, 59)


# -- vocabularies ---------------------------------------------------------------------------

# Per culture: weight, male first names, female first names, family names ("male/female" where
# the form differs). Latin-script cultures also borrow family names from one another.
_CULTURES: tuple[tuple[int, str, str, str], ...] = (
    (26, "James Liam Noah Ethan Henry Jack Samuel Daniel Oliver Thomas Michael Ben Owen",
     "Mary Olivia Emma Ava Grace Chloe Lily Ruth Hannah Megan Sarah Emily Abigail",
     "Smith Johnson Williams Brown Miller Davis Wilson Taylor Anderson Clark Walker Hall "
     "Young Wright Hughes Baker Carter Bennett"),
    (11, "José Javier Tomás Diego Andrés Raúl Sergio Joaquín",
     "María Lucía Sofía Pilar Camila Valentina Inés Ximena",
     "García Martínez Núñez Fernández González Ibáñez López Rodríguez Peña Muñoz"),
    (5, "João Mateus Rafael Gonçalo Thiago", "Beatriz Mariana Leonor Luísa Conceição",
     "Pereira Gonçalves Conceição Araújo Simões Magalhães"),
    (6, "Théo François Jérôme Loïc Benoît", "Zoë Chloé Amélie Hélène Noémie Aurélie",
     "Dubois Lefèvre Moreau Girard Mercier Bérénger"),
    (7, "Jürgen Björn Søren Lukas Malte Jörg", "Lena Katrin Ingrid Åsa Sigrún Jördis",
     "Müller Schröder Weiß Köhler Østergaard Jørgensen Andersson Nilsson Bäcker"),
    (4, "Matteo Lorenzo Niccolò Gianluca", "Giulia Francesca Chiara Martina",
     "Rossi Bianchi Esposito Ricci Galli"),
    (4, "Łukasz Jiří Paweł Tomáš", "Małgorzata Zofia Tereza Agnieszka",
     "Kowalski/Kowalska Nowak Wiśniewski/Wiśniewska Dvořák/Dvořáková Novák/Nováková"),
    (3, "Mehmet Emre Çağrı", "Ayşe Elif Gülşen", "Öztürk Yılmaz Şahin Çelik"),
    (3, "Δημήτρης Γιώργος Νίκος Κώστας", "Ελένη Σοφία Μαρία Κατερίνα",
     "Παπαδόπουλος/Παπαδοπούλου Οικονόμου Γεωργίου Νικολάου"),
    (3, "Дмитрий Иван Сергей Алексей", "Ольга Анна Наталья Екатерина",
     "Иванов/Иванова Петров/Петрова Смирнов/Смирнова Кузнецов/Кузнецова"),
    (5, "Seán Eoin Cian Pádraig", "Siobhán Niamh Aoife Saoirse",
     "O'Brien Murphy Ó Súilleabháin Byrne Kavanagh"),
    (7, "Wei Hiroshi Minh Jun Haruto", "Mei Yuki Linh Seo-yeon Xiu",
     "Chen Wang Tanaka Nguyen Kim Park Sato Li"),
    (5, "Arjun Rohan Vikram Sanjay", "Priya Ananya Deepika Aisha",
     "Patel Sharma Iyer Reddy Kapoor"),
    (4, "Kwame Chidi Tunde Kofi", "Amara Ngozi Nia Adaeze", "Mensah Okafor Adeyemi Boateng"),
    (3, "Omar Karim Youssef", "Fatima Layla Yasmin", "Haddad Khoury Nasser Mansour"),
)
_LATIN = frozenset(range(len(_CULTURES))) - {8, 9}

_ASCII_EXTRA = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae",
                              "œ": "oe", "đ": "d", "ı": "i", "'": "", "-": "", " ": ""})
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω",
                  ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o",
                   "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"], strict=True))
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m",
                      "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch",
                      "", "y", "", "e", "yu", "ya"], strict=True))


def ascii_name(name: str) -> str:
    """'José' → 'jose', 'Ольга' → 'olga': the part of a name that can go into an email."""
    lowered = name.lower().translate(_ASCII_EXTRA)
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", lowered)
                       if not unicodedata.combining(ch))
    return "".join(_GREEK.get(ch) or _CYRILLIC.get(ch) or ch for ch in stripped)


class _Culture(NamedTuple):
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[tuple[str, str], ...]  # (male form, female form)


def _cultures() -> tuple[_Culture, ...]:
    result = []
    for _, male, female, family in _CULTURES:
        pairs = []
        # Names are space-separated, except that "Ó Súilleabháin" is one name with a space.
        words: list[str] = []
        for word in family.split():
            if words and words[-1] == "Ó":
                words[-1] += " " + word
            else:
                words.append(word)
        for word in words:
            m, _, f = word.partition("/")
            pairs.append((m, f or m))
        result.append(_Culture(tuple(male.split()), tuple(female.split()), tuple(pairs)))
    return tuple(result)


_CULTURE_TABLE = _cultures()

_LATIN_FAMILIES = tuple(pair for index in sorted(_LATIN)
                        for pair in _CULTURE_TABLE[index].family)

_COMPANY_FIRST = ("Harbour Lane", "Oakfield", "Riverside", "Northgate", "Bluebell", "Lumière",
                  "Sunrise", "Maple Row", "Kestrel", "Saint Jude's", "Nordlicht", "Olivera",
                  "Fox & Finch", "Café Mélange", "Zeitgeist", "Ταβέρνα Ελιά", "Hillcrest")
_COMPANY_SECOND = ("Catering", "Primary School", "Dental Practice", "Architects", "Book Club",
                   "Law Office", "Yoga Studio", "Library", "Bakery", "Hotel", "Coworking",
                   "Florist", "Care Home", "Language School")
_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "post.example.net")
# US area codes; with 555-0100…0199 every number is a fictional one phonenumbers accepts.
_AREA_CODES = (201, 202, 203, 206, 212, 213, 214, 215, 301, 303, 305, 310, 312, 313, 404,
               407, 408, 410, 412, 415, 503, 504, 512, 602, 614, 615, 617, 702, 703, 704, 713,
               718, 801, 808, 813, 816, 818, 904, 916, 917, 919)
_STREETS = ("Maple Street", "Harbor Road", "Elm Avenue", "Church Lane", "Market Square",
            "Hill Road", "Riverside Drive", "Orchard Close", "Station Road", "Linden Way")
_CITIES = ("Springfield", "Riverton", "Oakdale", "Fairview", "Lakeside", "Millbrook")
_SOURCES = (("Walk-in", 30), ("Instagram", 14), ("Market stall", 12), ("Google Maps", 10),
            ("Website", 8), ("Facebook", 6), ("", 5), ("Local newspaper", 4), ("Book fair", 4),
            ("Christmas market", 4), ("Friend of staff", 3))
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
_TAGS = ("VIP", "Newsletter", "Book club", "Wholesale", "Gift buyer", "Coffee regular",
         "Kids' books", "Local author fan", "Event goer", "Teacher")
_PRODUCTS = (
    ("House blend coffee beans", "Our own medium roast, 250 g bags.", False),
    ("Signed first editions", "Signed copies from the author evenings.", False),
    ("Gift cards", "Any amount, in a hand-stamped envelope.", False),
    ("Book subscription box", "A surprise book and a treat every month.", False),
    ("Almond croissants", "Baked every morning by the bakery next door.", False),
    ("Reading lights", "Clip-on LED lights for night readers.", False),
    ("Children's story hour", "Saturday mornings, free with a drink.", False),
    ("Printed wall calendar", "Last year's illustrated calendar; sold out.", True),
)
_ERASURES = ((212, "Personal data erased at the customer's request (asked in the shop)."),
             (38, "Personal data erased at the customer's request (asked by email)."))
_CLOSURES = ((11, "Stocktaking"), (25, "Staff training day"), (44, "Owner's holiday"))
_EVENTS = ("Spring poetry evening", "Summer garden reading", "Author signing night",
           "Autumn book swap", "Christmas late opening", "Children's story afternoon",
           "Coffee tasting morning", "Book club anniversary party")
_UPCOMING_EVENT = "Crime fiction night"

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
_PERSON_KINDS = (("visit", 38), ("message", 18), ("call", 15), ("email", 14), ("event", 8),
                 ("meeting", 3))
_BUSINESS_KINDS = (("email", 30), ("call", 25), ("meeting", 25), ("visit", 15), ("message", 5))
_SENTIMENTS = (("happy", 40), ("neutral", 28), ("delighted", 15), (None, 8), ("unsure", 6),
               ("upset", 3))
_PURCHASE_MOODS = ("happy", "happy", "delighted", "neutral")
_EVENT_MOODS = ("delighted", "happy", "happy", "neutral")

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
_GESTURE_WEIGHTS = ((GestureKind.THANK_YOU, 30), (GestureKind.FREEBIE, 20),
                    (GestureKind.GIFT, 15), (GestureKind.KINDNESS, 15),
                    (GestureKind.UPGRADE, 10), (GestureKind.INVITATION, 10))
_GESTURE_KINDS = tuple(GestureKind)
_PURCHASE = InteractionKind.PURCHASE.value
_GESTURE_OUTCOMES = ("Came back the next week and bought two books",
                     "Posted a photo on Instagram", "Referred a colleague",
                     "Thanked us in person", "Left a lovely review",
                     "No visible reaction", "Joined the book club", "Ordered the sequel")
_EVENT_OUTCOMES = ("Came along and bought two books", "Came with a friend",
                   "Came; signed up for the newsletter", "Came and stayed till closing")

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
_CHANNELS = ((Channel.PHONE, 30), (Channel.EMAIL, 30), (Channel.IN_PERSON, 20),
             (Channel.MESSAGE, 12), (Channel.SOCIAL, 6), (Channel.LETTER, 2))

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


# -- what the database already holds -------------------------------------------------------

class _Stage(NamedTuple):
    id: int
    name: str
    is_lapsed: bool


class _Step(NamedTuple):
    id: int
    offset_days: int
    kind: str
    reason: str
    needs_consent: bool


@dataclass(frozen=True, slots=True)
class _Reference:
    walk: tuple[_Stage, ...]  # the non-lapsed stages in order
    lapsed: _Stage | None
    persona_ids: tuple[int, ...]
    tag_ids: tuple[int, ...]
    products: tuple[tuple[int, str], ...]  # (id, name) of products still sold
    steps: dict[str, tuple[_Step, ...]]  # cadence steps by trigger
    import_batch_id: int
    imported_at: datetime


class _Ids:
    """The next free id of each table, read inside the chunk's own transaction."""

    def __init__(self, conn: Connection) -> None:
        def after(model: Any) -> Iterator[int]:
            return itertools.count((conn.scalar(select(func.max(model.id))) or 0) + 1)

        self.customer = after(Customer)
        self.stage_change = after(StageChange)
        self.interaction = after(Interaction)
        self.gesture = after(Gesture)
        self.concern = after(Concern)
        self.feedback = after(Feedback)
        self.follow_up = after(FollowUp)


@dataclass(slots=True)
class _Rows:
    """One chunk's rows, in the order their foreign keys need."""

    customer: list[Row] = field(default_factory=list)
    customer_tag: list[Row] = field(default_factory=list)
    stage_change: list[Row] = field(default_factory=list)
    interaction: list[Row] = field(default_factory=list)
    gesture: list[Row] = field(default_factory=list)
    concern: list[Row] = field(default_factory=list)
    feedback: list[Row] = field(default_factory=list)
    follow_up: list[Row] = field(default_factory=list)

    def write(self, conn: Connection) -> None:
        for model, rows in ((Customer, self.customer), (CustomerTag, self.customer_tag),
                            (StageChange, self.stage_change), (Interaction, self.interaction),
                            (Gesture, self.gesture), (Concern, self.concern),
                            (Feedback, self.feedback), (FollowUp, self.follow_up)):
            if rows:
                # The driver's own executemany: neither an ORM object nor SQLAlchemy's bind
                # processing per row (together most of the time at a million rows). Values are
                # already in the form SQLAlchemy stores them in (see _ts).
                names = list(rows[0])
                conn.exec_driver_sql(
                    f'INSERT INTO {model.__tablename__} ({", ".join(names)}) '
                    f'VALUES ({", ".join(":" + name for name in names)})', rows)


@dataclass(slots=True)
class _Plan:
    """One customer while its chunk is built: what later rows need to stay consistent."""

    id: int
    row: Row
    created: datetime
    created_day: int  # date ordinals from here on
    end_day: int  # the last day they were active
    lapsed: bool
    consent: bool
    quiet: bool  # archived or not pursuing: no invitations, no open follow-ups
    imported: bool
    last_contact: datetime | None = None
    next_due: int | None = None
    changed: datetime | None = None  # the latest stage change


class _Event(NamedTuple):
    name: str
    day: int
    invited_on: int
    past: bool


def _ts(moment: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy's SQLite DateTime stores it: '2026-05-01 14:30:00.000000'."""
    return None if moment is None else moment.isoformat(" ", "microseconds")


class _Weighted:
    """Values to draw with the given weights."""

    def __init__(self, pairs: Sequence[tuple[Any, int]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]


_TAG_COUNTS = _Weighted(((0, 35), (1, 35), (2, 20), (3, 10)))
_REACHED = _Weighted(((1, 40), (2, 45), (3, 15)))
_CULTURE_PICK = _Weighted([(index, culture[0]) for index, culture in enumerate(_CULTURES)])


def next_business_day_end(received: datetime) -> datetime:
    """The end (23:59:59) of the first Monday–Friday day after the one received on."""
    day = received.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, _END_OF_DAY)


# -- the generator ---------------------------------------------------------------------------

class _Generator:
    def __init__(self, rng: random.Random, today: date, total: int, ref: _Reference) -> None:
        self.rng = rng
        self.rnd = rng.random
        self.ref = ref
        self.total = max(total, 1)
        self.today = today.toordinal()
        # Demo "now": early morning, so nothing dated today lies in the owner's future.
        self.now = datetime.combine(today, time(8, 30))
        self.customer_ids: list[int] = []
        self.customer_joined: list[datetime] = []
        self.gesture_turn = 0
        self.feedback_turn = 0
        self.told_turn = 0
        self.channel_turn = 0
        self.ids: _Ids | None = None
        self.imported = 0  # customers of the current chunk that came in the demo import
        self.rows = _Rows()
        self.sources = _Weighted(_SOURCES)
        self.person_kinds = _Weighted(_PERSON_KINDS)
        self.business_kinds = _Weighted(_BUSINESS_KINDS)
        self.sentiments = _Weighted(_SENTIMENTS)
        self.gesture_kinds = _Weighted(_GESTURE_WEIGHTS)
        self.channels = _Weighted(_CHANNELS)
        self.events = self._plan_events()

    # small helpers

    # random.randint/choice/choices are pure Python and ~5x slower than random() itself;
    # at a million rows that is most of the run, so these helpers build on random() alone.

    def ri(self, low: int, high: int) -> int:
        """An integer from low to high, both included."""
        return low + int(self.rnd() * (high - low + 1))

    def below(self, low: int, high: int | None = None) -> int:
        """Like randrange: from 0 (or low) up to but excluding high (or low)."""
        if high is None:
            return int(self.rnd() * low)
        return low + int(self.rnd() * (high - low))

    def ch(self, items: Sequence[Any]) -> Any:
        return items[int(self.rnd() * len(items))]

    def pick(self, table: _Weighted) -> Any:
        return table.values[bisect_right(table.cumulative, self.rnd() * table.total)]

    def moment(self, day: int) -> datetime:
        """A time during opening hours on that day."""
        return (datetime.fromordinal(day)
                + timedelta(minutes=_DAY_OPENS + self.below(_OPEN_MINUTES)))

    def later(self, start: datetime, end: datetime) -> datetime:
        """A time after start, by end if there is room, never after now."""
        room = int((end - start).total_seconds() // 60)
        result = start + timedelta(minutes=self.ri(1, max(1, room)))
        return min(result, self.now)

    def touch(self, plan: _Plan, when: datetime) -> None:
        if plan.last_contact is None or when > plan.last_contact:
            plan.last_contact = when

    @property
    def id_of(self) -> _Ids:
        assert self.ids is not None
        return self.ids

    def _plan_events(self) -> list[_Event]:
        events = []
        for k, name in enumerate(_EVENTS):
            day = self.today - 25 - 92 * k + self.ri(-10, 10)
            day -= (date.fromordinal(day).weekday() - 3) % 7  # a Thursday evening
            events.append(_Event(name, day, day - 12, True))
        upcoming = self.today + 9
        upcoming += (3 - date.fromordinal(upcoming).weekday()) % 7
        events.append(_Event(_UPCOMING_EVENT, upcoming, self.today - 2, False))
        return events

    # one chunk

    def chunk(self, conn: Connection, first: int, count: int) -> _Rows:
        self.ids = _Ids(conn)
        self.rows = _Rows()
        plans = [self.customer(ordinal) for ordinal in range(first, first + count)]
        self.imported = sum(plan.imported for plan in plans)
        for event in self.events:
            self.invite(plans, event)
        for plan in plans:
            self.finish(plan)
        return self.rows

    def customer(self, ordinal: int) -> _Plan:
        rng = self.rng
        cid = next(self.id_of.customer)
        # Ids grow with the joining date (give or take a few days): the oldest customers first.
        age = int(MAX_AGE_DAYS * (1 - (ordinal + 0.5) / self.total)) + self.ri(-3, 3)
        age = min(max(age, 1), MAX_AGE_DAYS)
        created_day = self.today - age
        created = self.moment(created_day)
        # Some of the oldest customers came from the shop's old till list, in one import.
        import_day = self.ref.imported_at.toordinal()
        imported = created_day <= import_day + 10 and (ordinal == 0 or self.rnd() < 0.5)
        if imported:
            created_day, created = import_day, self.ref.imported_at
            age = self.today - created_day
        business = self.rnd() < 0.13
        person_name, first_ascii, last_ascii = self.person_name()
        if business:
            name = f"{self.ch(_COMPANY_FIRST)} {self.ch(_COMPANY_SECOND)}"
            company = ""
            slug = ascii_name(name).replace("&", "")
            email = (f"{self.ch(('hello', 'info', 'orders', 'office'))}@{slug[:24]}.example"
                     if self.rnd() < 0.95 else "")
        else:
            name = person_name
            company = (f"{self.ch(_COMPANY_FIRST)} {self.ch(_COMPANY_SECOND)}"
                       if self.rnd() < 0.12 else "")
            email = self.email(first_ascii, last_ascii) if self.rnd() < 0.8 else ""
        phone = digits = ""
        if self.rnd() < (0.95 if business else 0.86):
            area, line = self.ch(_AREA_CODES), self.below(100, 200)
            phone, digits = f"+1 {area}-555-{line:04d}", f"1{area}555{line:04d}"
        referred_by = None
        source = self.pick(self.sources)
        if self.customer_ids and self.rnd() < 0.15:
            # Someone who joined before them; ids and joining dates only roughly agree.
            index = self.below(len(self.customer_ids))
            if self.customer_joined[index] > created:
                index = self.below(index + 1)
            if self.customer_joined[index] <= created:
                referred_by, source = self.customer_ids[index], _REFERRAL
        birthday = None if business else self.birthday(ordinal)
        not_pursuing = ordinal % 50 == 17 or self.rnd() < 0.015
        archived = ordinal % 50 == 33 or self.rnd() < 0.01
        consent = self.rnd() < 0.86
        notes = self.notes(business, person_name)
        self.customer_ids.append(cid)
        self.customer_joined.append(created)

        top, lapsed = self.stage_for(age)
        if lapsed:
            gap = self.ri(125, max(125, min(age - 40, 420)))
            end_day = max(created_day, self.today - gap)
        else:
            roll = self.rnd()
            idle = (self.ri(1, 14) if roll < 0.5 else self.ri(15, 60) if roll < 0.82
                    else self.ri(61, 150))
            end_day = max(created_day, self.today - min(idle, age))
        row: Row = {
            "id": cid, "kind": (CustomerKind.BUSINESS if business else CustomerKind.PERSON).value,
            "name": name, "company": company, "email": email,
            "phone": phone, "phone_digits": digits, "phone_search": phone_search_tokens(digits),
            "address": self.address() if self.rnd() < (0.9 if business else 0.65) else "",
            "birthday": birthday, "source": source, "referred_by_id": referred_by,
            "persona_id": (self.ch(self.ref.persona_ids)
                           if self.ref.persona_ids and self.rnd() < 0.85 else None),
            "stage_id": 0, "consent_contact": consent,
            "consent_changed_at": created if consent else None, "notes": notes,
            "not_pursuing": not_pursuing,
            "not_pursuing_reason": self.ch(_NOT_PURSUING) if not_pursuing else "",
            "archived": archived, "created_at": created, "updated_at": created,
            "last_contact_at": None, "next_follow_up_on": None,
            "import_batch_id": self.ref.import_batch_id if imported else None, "version": 1,
        }
        plan = _Plan(id=cid, row=row, created=created, created_day=created_day,
                     end_day=end_day, lapsed=lapsed, consent=consent,
                     quiet=archived or not_pursuing, imported=imported)
        for tag_id in rng.sample(self.ref.tag_ids,
                                 min(len(self.ref.tag_ids), self.pick(_TAG_COUNTS))):
            self.rows.customer_tag.append({"customer_id": cid, "tag_id": tag_id})
        last_purchase = self.history(plan, top, business, age)
        self.gestures(plan, top)
        self.concerns(plan, ordinal)
        self.feedback(plan, ordinal)
        self.follow_ups(plan, ordinal, top, last_purchase, birthday)
        return plan

    def person_name(self) -> tuple[str, str, str]:
        index = self.pick(_CULTURE_PICK)
        culture = _CULTURE_TABLE[index]
        female = self.rnd() < 0.5
        first = self.ch(culture.female if female else culture.male)
        family = (self.ch(_LATIN_FAMILIES) if index in _LATIN and self.rnd() < 0.2
                  else self.ch(culture.family))
        last = family[1] if female else family[0]
        return f"{first} {last}", ascii_name(first), ascii_name(last)

    def email(self, first: str, last: str) -> str:
        style = self.below(5)
        local = (f"{first}.{last}" if style == 0 else f"{first}{last}" if style == 1
                 else f"{first[0]}{last}" if style == 2 else f"{first}_{last}" if style == 3
                 else f"{first}{last}{self.ri(1, 99)}")
        return f"{local}@{self.ch(_DOMAINS)}"

    def address(self) -> str:
        return (f"{self.ri(1, 240)} {self.ch(_STREETS)}, {self.ch(_CITIES)} "
                f"{self.ri(10000, 99999)}")

    def birthday(self, ordinal: int) -> date | None:
        year = self.ri(1944, 2006)
        if ordinal % 25 == 3 or self.rnd() < 0.02:
            # Several birthdays in the coming week, for the Today page.
            soon = date.fromordinal(self.today + self.ri(0, 6))
            if (soon.month, soon.day) == (2, 29):
                year -= year % 4
            return date(year, soon.month, soon.day)
        if self.rnd() < 0.3:
            return None
        return date(year, 1, 1) + timedelta(days=self.below(365))

    def notes(self, business: bool, contact: str) -> str:
        rng = self.rng
        if business:
            picked = rng.sample(_BUSINESS_NOTES, self.ch((1, 1, 2)))
            return "\n".join(note.format(name=contact) for note in picked)
        roll = self.rnd()
        count = 0 if roll < 0.45 else 1 if roll < 0.88 else 2
        return "\n".join(rng.sample(_PERSON_NOTES, count))

    def stage_for(self, age: int) -> tuple[int, bool]:
        """How far along the walk the customer got, and whether they have since lapsed."""
        if age < 14:
            weights = [75, 25]
        elif age < 60:
            weights = [45, 40, 15]
        elif age < 200:
            weights = [20, 30, 35, 10, 5]
        else:
            weights = [10, 14, 28, 20, 11]
        walk = len(self.ref.walk)
        weights = (weights + [5] * walk)[:walk]
        lapsed_weight = 17 if age >= 200 and self.ref.lapsed is not None else 0
        choice = self.pick(_Weighted(list(enumerate([*weights, lapsed_weight]))))
        if choice < walk:
            return choice, False
        reached = self.pick(_REACHED)
        return min(reached, walk - 1), True

    # interactions and the stage walk

    def history(self, plan: _Plan, top: int, business: bool,
                age: int) -> tuple[int, datetime] | None:
        """Interactions and stage changes; returns the last purchase (id, when) if any."""
        rng = self.rng
        purchases = (0 if top == 0 else 1 if top == 1 else self.ri(2, 5) if top == 2
                     else self.ri(3, 9))
        if plan.lapsed:
            count = self.ri(4, 12)
        else:
            count = (self.ri(1, 4), self.ri(2, 7), self.ri(6, 15),
                     self.ri(10, 22), self.ri(13, 28))[min(top, 4)]
            count = min(count, 1 + age // 4)
        count = max(count, purchases + self.ri(0, 2), 1)
        times = [plan.created]
        for index in range(count - 1):
            day = plan.end_day if index == 0 else self.ri(plan.created_day, plan.end_day)
            moment = self.moment(day)
            if moment <= plan.created:
                moment = plan.created + timedelta(minutes=self.ri(5, 240))
            times.append(moment)
        times.sort()
        bought = set(rng.sample(range(count), purchases))
        kinds = self.business_kinds if business else self.person_kinds
        buys = _BUSINESS_BUYS if business else _BUYS
        last_purchase = None
        purchase_times = []
        sentiment: str | None
        for index, occurred in enumerate(times):
            iid = next(self.id_of.interaction)
            if index in bought:
                kind = _PURCHASE
                summary = f"Bought {self.ch(buys)}"
                amount = int(rng.lognormvariate(9.6 if business else 7.8, 0.7))
                sentiment = self.ch(_PURCHASE_MOODS)
                last_purchase = (iid, occurred)
                purchase_times.append(occurred)
            else:
                kind = self.pick(kinds)
                summary = self.ch(_SUMMARIES[kind])
                amount = None
                sentiment = self.pick(self.sentiments)
            self.interaction(plan, iid, kind, occurred, summary, sentiment, amount)
        self.walk(plan, top, times[-1], purchase_times)
        return last_purchase

    def interaction(self, plan: _Plan, iid: int, kind: str, occurred: datetime, summary: str,
                    sentiment: str | None, amount: int | None) -> None:
        logged = min(occurred + timedelta(minutes=self.ri(1, 180)), self.now)
        self.rows.interaction.append({
            "id": iid, "customer_id": plan.id, "kind": kind, "occurred_at": _ts(occurred),
            "summary": summary, "sentiment": sentiment, "amount_cents": amount,
            "created_at": _ts(max(logged, occurred)), "version": 1})
        self.touch(plan, occurred)

    def walk(self, plan: _Plan, top: int, last_seen: datetime,
             purchase_times: list[datetime]) -> None:
        """Dated stage changes from the first stage up to `top` (then Lapsed, if lapsed)."""
        walk = self.ref.walk
        by_purchase = len(walk) >= 3  # the purchase rule needs three non-lapsed stages
        self.stage_change(plan, None, walk[0], plan.created,
                          StageChangeReason.IMPORT if plan.imported else StageChangeReason.CREATED)
        at = 0
        when = plan.created
        for bought in purchase_times[:2]:
            if at >= top:
                break
            when = bought
            reason = StageChangeReason.PURCHASE if by_purchase else StageChangeReason.MANUAL
            self.stage_change(plan, walk[at], walk[at + 1], when, reason)
            at += 1
        while at < top:
            when = self.later(when, last_seen)
            self.stage_change(plan, walk[at], walk[at + 1], when, StageChangeReason.MANUAL)
            at += 1
        final = walk[at]
        if plan.lapsed and self.ref.lapsed is not None:
            gap = self.today - plan.end_day
            day = plan.end_day + self.ri(min(90, gap - 1), gap - 1)
            when = max(self.moment(day), when + timedelta(minutes=1))
            self.stage_change(plan, walk[at], self.ref.lapsed, when, StageChangeReason.MANUAL)
            final = self.ref.lapsed
        plan.row["stage_id"] = final.id

    def stage_change(self, plan: _Plan, before: _Stage | None, after: _Stage, when: datetime,
                     reason: StageChangeReason) -> None:
        self.rows.stage_change.append({
            "id": next(self.id_of.stage_change), "customer_id": plan.id,
            "from_stage_id": before.id if before else None, "to_stage_id": after.id,
            "from_stage_name": before.name if before else "", "to_stage_name": after.name,
            "changed_at": _ts(when), "reason": reason.value})
        plan.changed = when

    # gestures, including batches of event invitations

    def gestures(self, plan: _Plan, top: int) -> None:
        low, high = ((0, 1), (0, 2), (0, 2), (1, 3), (2, 4))[min(top, 4)]
        count = self.ri(low, high)
        if top == 0 and self.rnd() < 0.6:
            count = 0
        for index in range(count):
            # The first gesture of each customer takes the kinds in turn, so all show up.
            if index == 0:
                kind = _GESTURE_KINDS[self.gesture_turn % len(_GESTURE_KINDS)]
                self.gesture_turn += 1
            else:
                kind = self.pick(self.gesture_kinds)
            costs, descriptions, occasions = _GESTURES[kind]
            day = self.ri(plan.created_day, plan.end_day)
            recent = self.today - day < 14
            outcome = ("" if self.rnd() < (0.7 if recent else 0.25)
                       else self.ch(_GESTURE_OUTCOMES))
            self.gesture(plan, kind.value, day, self.ch(descriptions),
                         self.ri(*costs) // 10 * 10, self.ch(occasions), outcome, None,
                         self.moment(day))

    def gesture(self, plan: _Plan, kind: str, day: int, description: str, cost: int,
                occasion: str, outcome: str, batch_key: str | None, logged: datetime) -> None:
        given_on = date.fromordinal(day)
        self.rows.gesture.append({
            "id": next(self.id_of.gesture), "customer_id": plan.id, "kind": kind,
            "given_on": given_on.isoformat(), "description": description, "cost_cents": cost,
            "occasion": occasion, "outcome": outcome, "batch_key": batch_key,
            "created_at": _ts(min(logged, self.now)), "version": 1})
        self.touch(plan, datetime.combine(given_on, time.min))

    def invite(self, plans: list[_Plan], event: _Event) -> None:
        """One batch of invitations, logged together, to up to ~30 customers of the chunk."""
        rng = self.rng
        eligible = [plan for plan in plans
                    if plan.consent and not plan.quiet and plan.created_day < event.invited_on
                    and (not plan.lapsed or event.invited_on <= plan.end_day)]
        if not eligible:
            return
        chosen = rng.sample(eligible, min(len(eligible), self.ri(20, 30)))
        chosen.sort(key=lambda plan: plan.id)
        batch_key = f"{rng.getrandbits(128):032x}"
        logged = self.moment(event.invited_on)
        when = f"{date.fromordinal(event.day):%b} {date.fromordinal(event.day).day}"
        cost = self.ri(2, 8) * 50
        for plan in chosen:
            came = (event.past and self.rnd() < 0.5
                    and (not plan.lapsed or event.day <= plan.end_day))
            outcome = (self.ch(_EVENT_OUTCOMES) if came else
                       "" if not event.past or self.rnd() < 0.5 else "Couldn't make it")
            self.gesture(plan, GestureKind.INVITATION.value, event.invited_on,
                         f"Invited to the {event.name} on {when}", cost, event.name, outcome,
                         batch_key, logged)
            if came:
                occurred = datetime.fromordinal(event.day) + timedelta(
                    hours=18, minutes=30 + self.below(60))
                self.interaction(plan, next(self.id_of.interaction),
                                 InteractionKind.EVENT.value, occurred,
                                 f"Came to the {event.name}", self.ch(_EVENT_MOODS), None)

    # concerns and feedback

    def concerns(self, plan: _Plan, ordinal: int) -> None:
        # Fixed shares of customers carry each state, so even a small demo shows them all.
        scenario = {4: "overdue", 9: "waiting", 14: "late", 19: "in_time"}.get(ordinal % 40)
        if scenario is not None:
            self.concern(plan, scenario)
        if self.rnd() < 0.08:
            self.concern(plan, "random")

    def concern(self, plan: _Plan, mode: str) -> None:
        if mode == "overdue":
            received = self.moment(max(plan.created_day, self.today - self.ri(4, 10)))
        elif mode == "waiting":
            received = (self.now - timedelta(minutes=self.ri(20, 90)) if self.rnd() < 0.5
                        else self.moment(self.today - 1))
        elif mode == "late":
            received = self.moment(self.today - self.ri(10, 60))
        elif mode == "in_time":
            received = self.moment(self.today - self.ri(5, 90))
        else:
            received = self.moment(self.ri(plan.created_day, plan.end_day))
        received = max(received, plan.created)
        due = next_business_day_end(received)
        if mode == "random":
            channel = self.pick(self.channels).value
        else:
            # The fixed cases take the channels in turn, so even rare ones (letters) show up.
            channel = _CHANNEL_LIST[self.channel_turn % len(_CHANNEL_LIST)]
            self.channel_turn += 1
        if mode == "random":
            days_ago = self.today - received.toordinal()
            if due > self.now:
                mode = "waiting" if self.rnd() < 0.5 else "in_time"
            elif days_ago <= 20 and self.rnd() < 0.1:
                mode = "overdue"
            else:
                mode = "late" if self.rnd() < 0.17 else "in_time"
        kind = self.ch(tuple(ConcernKind))
        summary, answer = self.ch(_CONCERNS[kind])
        responded: datetime | None = None
        if mode == "in_time":
            room = int((due - received).total_seconds() // 60) - 30
            responded = received + timedelta(minutes=self.ri(15, max(16, min(room, 2160))))
        elif mode == "late":
            responded = due + timedelta(minutes=self.ri(600, 4 * 1440))
        if responded is not None and responded > self.now:
            responded = None  # not answered yet after all
        resolved = None
        if responded is not None and self.rnd() < 0.85:
            candidate = responded + timedelta(minutes=self.ri(0, 5 * 1440))
            resolved = candidate if candidate <= self.now else None
        cid = next(self.id_of.concern)
        self.rows.concern.append({
            "id": cid, "customer_id": plan.id, "kind": kind.value,
            "channel": channel, "received_at": _ts(received),
            "summary": summary, "response_due_at": _ts(due), "responded_at": _ts(responded),
            "response_note": answer if responded else "", "resolved_at": _ts(resolved),
            "version": 1})
        if kind == ConcernKind.COMPLAINT and responded is not None and self.rnd() < 0.5:
            self.follow_up(plan, responded.toordinal() + 7, FollowUpKind.CALL.value,
                           "Check they are happy with how we sorted it",
                           FollowUpSource.CONCERN, responded, concern_id=cid)

    def feedback(self, plan: _Plan, ordinal: int) -> None:
        if not (ordinal % 12 == 6 or self.rnd() < 0.08) or not self.ref.products:
            return
        status = _FEEDBACK_CYCLE[self.feedback_turn % len(_FEEDBACK_CYCLE)]
        self.feedback_turn += 1
        kind = self.ch((FeedbackKind.IDEA, FeedbackKind.IDEA, FeedbackKind.COMPLAINT,
                           FeedbackKind.PRAISE, FeedbackKind.PRAISE))
        product = self.ch(self.ref.products) if self.rnd() < 0.85 else None
        # Without a product the phrases speak of the shop in general.
        subject = product[1].lower() if product else "your opening hours"
        text = self.ch(_FEEDBACK[kind]).format(p=subject)
        text = text[0].upper() + text[1:]
        rating = (self.ri(4, 5) if kind == FeedbackKind.PRAISE else self.ri(1, 3)
                  if kind == FeedbackKind.COMPLAINT else
                  None if self.rnd() < 0.5 else self.ri(3, 5))
        if status == FeedbackStatus.NEW:
            received_day = max(plan.created_day, self.today - self.ri(0, 20))
        else:
            received_day = self.ri(plan.created_day, max(plan.created_day, self.today - 45))
        changed = told = None
        if status != FeedbackStatus.NEW:
            changed = min(self.moment(received_day + self.ri(2, 40)),
                          self.now - timedelta(hours=1))
            changed = max(changed, datetime.fromordinal(received_day) + timedelta(hours=20))
            if status.is_closed:
                self.told_turn += 1
                if self.told_turn % 3 != 0:
                    told = min(changed + timedelta(minutes=self.ri(30, 10 * 1440)),
                               self.now)
        fid = next(self.id_of.feedback)
        self.rows.feedback.append({
            "id": fid, "customer_id": plan.id, "product_id": product[0] if product else None,
            "kind": kind.value, "text": text, "rating": rating, "status": status.value,
            "received_on": date.fromordinal(received_day).isoformat(),
            "status_changed_at": _ts(changed), "customer_told_at": _ts(told), "version": 1})
        if changed is not None and status.is_closed:
            verb = "it's done" if status == FeedbackStatus.DONE else "why we said no"
            if told is not None:
                self.follow_up(plan, changed.toordinal() + 3, FollowUpKind.TELL_THEM.value,
                               f"Tell them {verb}", FollowUpSource.FEEDBACK, changed,
                               feedback_id=fid, status=FollowUpStatus.DONE, completed=told,
                               outcome="Told them; they were pleased")
            else:
                self.follow_up(plan, changed.toordinal() + 3, FollowUpKind.TELL_THEM.value,
                               f"Tell them {verb}", FollowUpSource.FEEDBACK, changed,
                               feedback_id=fid, status=FollowUpStatus.OPEN)

    # follow-ups

    def follow_ups(self, plan: _Plan, ordinal: int, top: int,
                   last_purchase: tuple[int, datetime] | None, birthday: date | None) -> None:
        steps = self.ref.steps
        if last_purchase is not None:
            iid, bought = last_purchase
            for step in steps.get(CadenceTrigger.PURCHASE, ()):
                if not step.needs_consent or plan.consent:
                    self.follow_up(plan, bought.toordinal() + step.offset_days, step.kind,
                                   step.reason, FollowUpSource.CADENCE, bought,
                                   step_id=step.id, interaction_id=iid)
        elif top == 0 and not plan.lapsed:
            for step in steps.get(CadenceTrigger.NEW_PROSPECT, ()):
                if not step.needs_consent or plan.consent:
                    self.follow_up(plan, plan.created_day + step.offset_days, step.kind,
                                   step.reason, FollowUpSource.CADENCE, plan.created,
                                   step_id=step.id)
        if birthday is not None and plan.consent:
            upcoming = self.next_birthday(birthday)
            for step in steps.get(CadenceTrigger.BIRTHDAY, ()):
                if upcoming - self.today <= 13:
                    self.follow_up(plan, upcoming + step.offset_days, step.kind, step.reason,
                                   FollowUpSource.CADENCE,
                                   max(self.moment(self.today - 1), plan.created),
                                   step_id=step.id)
        # Fixed shares due today, overdue and this week, so the Today page is never empty.
        scenario = (0 if ordinal % 40 == 0 else -self.ri(1, 12) if ordinal % 20 == 5
                    else self.ri(1, 6) if ordinal % 10 == 8 else None)
        if scenario is None and self.rnd() < 0.2:
            roll = self.rnd()
            scenario = (-self.ri(1, 20) if roll < 0.15 else 0 if roll < 0.22
                        else self.ri(1, 6) if roll < 0.42 else self.ri(7, 60)
                        if roll < 0.7 else -self.ri(21, 300))
        if scenario is not None:
            kind, reason = self.ch(_MANUAL_FOLLOW_UPS)
            due = max(self.today + scenario, plan.created_day)
            status = FollowUpStatus.OPEN if scenario >= -20 else None
            made = max(self.moment(min(due, self.today) - self.ri(1, 20)), plan.created)
            self.follow_up(plan, due, kind.value, reason, FollowUpSource.MANUAL, made,
                           status=status)

    def next_birthday(self, birthday: date) -> int:
        year = date.fromordinal(self.today).year
        for candidate in (year, year + 1):
            try:
                day = date(candidate, birthday.month, birthday.day)
            except ValueError:  # 29 February in a common year
                day = date(candidate, 3, 1)
            if day.toordinal() >= self.today:
                return day.toordinal()
        raise AssertionError("unreachable")

    def follow_up(self, plan: _Plan, due: int, kind: str, reason: str, source: FollowUpSource,
                  created: datetime, *, step_id: int | None = None,
                  interaction_id: int | None = None, feedback_id: int | None = None,
                  concern_id: int | None = None, status: FollowUpStatus | None = None,
                  completed: datetime | None = None, outcome: str | None = None) -> None:
        if status is None:
            if due >= self.today:
                status = FollowUpStatus.OPEN
            else:
                roll = self.rnd()
                recent = due >= self.today - 30
                status = (FollowUpStatus.OPEN if recent and roll < 0.2 else
                          FollowUpStatus.SKIPPED if roll > 0.88 else FollowUpStatus.DONE)
        if status == FollowUpStatus.OPEN and plan.quiet:
            # Nobody chases a customer they let go; what was pending was skipped.
            if due >= self.today:
                return
            status = FollowUpStatus.SKIPPED
        if status != FollowUpStatus.OPEN and due > self.today:
            return  # done early is possible, but a closed future reminder only confuses
        created = min(created, self.now)
        snoozes = 0
        if status == FollowUpStatus.OPEN:
            completed, outcome = None, ""
            if due < self.today and self.rnd() < 0.4:
                snoozes = self.ri(1, 2)
            if plan.next_due is None or due < plan.next_due:
                plan.next_due = due
        else:
            if completed is None:
                completed = self.moment(min(due + self.ri(0, 2), self.today - 1))
                completed = min(max(completed, created + timedelta(minutes=5)), self.now)
            if outcome is None:
                outcome = self.ch(_DONE_OUTCOMES if status == FollowUpStatus.DONE
                                     else _SKIPPED_OUTCOMES)
        self.rows.follow_up.append({
            "id": next(self.id_of.follow_up), "customer_id": plan.id,
            "due_on": date.fromordinal(due).isoformat(), "reason": reason, "kind": kind,
            "status": status.value, "completed_at": _ts(completed), "outcome": outcome or "",
            "snooze_count": snoozes, "source": source.value, "cadence_step_id": step_id,
            "interaction_id": interaction_id, "feedback_id": feedback_id,
            "concern_id": concern_id, "created_at": _ts(created), "version": 1})

    def finish(self, plan: _Plan) -> None:
        """The customer row last, once its denormalised columns are known."""
        row = plan.row
        updated = max(moment for moment in (plan.created, plan.last_contact, plan.changed)
                      if moment is not None)
        row["last_contact_at"] = _ts(plan.last_contact)
        row["next_follow_up_on"] = (date.fromordinal(plan.next_due).isoformat()
                                    if plan.next_due is not None else None)
        row["updated_at"] = _ts(min(updated, self.now))
        row["created_at"] = _ts(plan.created)
        row["consent_changed_at"] = _ts(plan.created) if plan.consent else None
        birthday = row["birthday"]
        row["birthday"] = birthday.isoformat() if birthday is not None else None
        self.rows.customer.append(row)


# -- setting up the shared rows --------------------------------------------------------------

def _setup(conn: Connection, today: date) -> tuple[_Reference, dict[str, int]]:
    """Read stages, personas and cadences; add tags, products, closure days and settings."""
    added: dict[str, int] = {}
    stages = [_Stage(row.id, row.name, bool(row.is_lapsed)) for row in conn.execute(
        select(JourneyStage.id, JourneyStage.name, JourneyStage.is_lapsed)
        .order_by(JourneyStage.position, JourneyStage.id))]
    if not stages:
        raise ValueError("There are no journey stages to put sample customers on.")
    walk = tuple(stage for stage in stages if not stage.is_lapsed) or tuple(stages)
    lapsed = next((stage for stage in stages if stage.is_lapsed and stage not in walk), None)
    persona_ids = tuple(conn.scalars(select(Persona.id).order_by(Persona.id)))

    tags: dict[str, int] = {name.casefold(): tid for tid, name in
                            conn.execute(select(Tag.id, Tag.name))}
    missing = [name for name in _TAGS if name.casefold() not in tags]
    next_tag = (conn.scalar(select(func.max(Tag.id))) or 0) + 1
    new_tags: list[Row] = [{"id": next_tag + i, "name": name, "version": 1}
                           for i, name in enumerate(missing)]
    if new_tags:
        conn.execute(insert(Tag), new_tags)
    tags.update({row["name"].casefold(): row["id"] for row in new_tags})
    added["tags"] = len(new_tags)

    products = {name.casefold(): (pid, name, archived) for pid, name, archived in conn.execute(
        select(Product.id, Product.name, Product.archived))}
    next_product = (conn.scalar(select(func.max(Product.id))) or 0) + 1
    new_products: list[Row] = []
    for name, description, archived in _PRODUCTS:
        if name.casefold() not in products:
            pid = next_product + len(new_products)
            new_products.append({"id": pid, "name": name, "description": description,
                                 "archived": archived, "version": 1})
            products[name.casefold()] = (pid, name, archived)
    if new_products:
        conn.execute(insert(Product), new_products)
    added["products"] = len(new_products)

    taken = set(conn.scalars(select(ClosureDay.day)))
    closures = []
    for offset, reason in _CLOSURES:
        day = today + timedelta(days=offset)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day not in taken:
            closures.append({"day": day, "reason": reason})
            taken.add(day)
    if closures:
        conn.execute(insert(ClosureDay), closures)
    added["closure_days"] = len(closures)

    settings = dict(conn.execute(select(Setting.key, Setting.value)).all())
    written = 0
    if "shop_name" not in settings:
        # The owner's own shop name, if any, stays.
        conn.execute(insert(Setting), [{"key": "shop_name", "value": json.dumps(SHOP_NAME)}])
        written += 1
    if "sample_data" in settings:
        conn.execute(update(Setting).where(Setting.key == "sample_data")
                     .values(value=json.dumps(True)))
    else:
        conn.execute(insert(Setting), [{"key": "sample_data", "value": json.dumps(True)}])
    added["settings"] = written + 1

    imported_at = datetime.combine(today - timedelta(days=IMPORT_DAYS_AGO), time(10, 15))
    batch_id = (conn.scalar(select(func.max(ImportBatch.id))) or 0) + 1
    conn.execute(insert(ImportBatch), [{
        "id": batch_id, "imported_at": imported_at, "source": "csv",
        "file_name": "customers-from-the-old-till.csv", "row_count": 0, "undone_at": None}])
    added["import_batches"] = 1
    erasures = []
    if not conn.scalar(select(func.count()).select_from(ErasureNote)):
        erasures = [{"erased_at": datetime.combine(today - timedelta(days=days), time(11, 5)),
                     "note": note} for days, note in _ERASURES]
        conn.execute(insert(ErasureNote), erasures)
    added["erasure_notes"] = len(erasures)

    steps: dict[str, list[_Step]] = {}
    for trigger, step_id, offset, kind, reason, consent in conn.execute(
            select(CadenceTemplate.trigger, CadenceStep.id, CadenceStep.offset_days,
                   CadenceStep.kind, CadenceStep.reason, CadenceStep.needs_consent)
            .join(CadenceStep, CadenceStep.cadence_id == CadenceTemplate.id)
            .where(CadenceTemplate.active.is_(True))
            .order_by(CadenceTemplate.id, CadenceStep.position, CadenceStep.id)):
        steps.setdefault(trigger, []).append(_Step(step_id, offset, kind, reason, bool(consent)))
    reference = _Reference(
        walk=walk, lapsed=lapsed, persona_ids=persona_ids,
        tag_ids=tuple(tags[name.casefold()] for name in _TAGS),
        products=tuple((pid, name) for pid, name, archived in products.values()
                       if not archived),
        steps={trigger: tuple(found) for trigger, found in steps.items()},
        import_batch_id=batch_id, imported_at=imported_at)
    return reference, added


def fill_demo(db: Database, customers: int = 300, seed: int = 1, today: date | None = None,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> DemoSummary:
    """Add `customers` sample customers with a life story each, plus the shop's shared rows.

    Adds to what is there, never removes. Each chunk of customers is committed together with
    every row about them, so stopping (cancelled() or a killed process) keeps what was done.
    The same seed and today give the same data.
    """
    if customers < 0:
        raise ValueError("The number of sample customers cannot be negative.")
    day = today or date.today()
    with db.unit_of_work() as session:
        reference, added = _setup(session.connection(), day)
    counts = dict.fromkeys(("customers", "customer_tags", "stage_changes", "interactions",
                            "gestures", "concerns", "follow_ups", "feedback"), 0)
    generator = _Generator(random.Random(seed), day, customers, reference)
    done = 0
    stopped = False
    while done < customers:
        if cancelled is not None and cancelled():
            stopped = True
            break
        size = min(CHUNK_SIZE, customers - done)
        with db.unit_of_work() as session:
            conn = session.connection()
            rows = generator.chunk(conn, done, size)
            rows.write(conn)
            if generator.imported:
                # Counted per chunk, in its transaction, so the batch always matches its rows.
                conn.execute(update(ImportBatch).where(ImportBatch.id == reference.import_batch_id)
                             .values(row_count=ImportBatch.row_count + generator.imported))
        for name, table in (("customers", rows.customer), ("customer_tags", rows.customer_tag),
                            ("stage_changes", rows.stage_change),
                            ("interactions", rows.interaction), ("gestures", rows.gesture),
                            ("concerns", rows.concern), ("follow_ups", rows.follow_up),
                            ("feedback", rows.feedback)):
            counts[name] += len(table)
        done += size
        if progress is not None:
            progress(done, customers)
    return DemoSummary(**counts, **added, cancelled=stopped)
