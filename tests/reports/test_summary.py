"""The relationship summary PDF on a real database, read back with pypdf: everything printed,
any text printed as typed, long text flowing over pages, empty fields leaving no gaps."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from smallbiz_crm.domain.printing import first_sentence
from smallbiz_crm.domain.records.customers import (
    CustomerDraft,
    CustomerRecord,
    InteractionDraft,
    PersonaRecord,
)
from smallbiz_crm.domain.records.printing import (
    ConcernLine,
    FeedbackLine,
    FollowUpLine,
    GestureLine,
    InteractionLine,
    StageStep,
    SummaryData,
)
from smallbiz_crm.domain.settings import PAPER_SIZE, SHOP_NAME
from smallbiz_crm.reports import fonts as report_fonts
from smallbiz_crm.reports.summary import write_summary as render_summary
from smallbiz_crm.reports.text import clean, markup, visual_order
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.printing import write_summary
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.relationship_summary import summary_data
from smallbiz_crm.store.models import Concern, Feedback, FollowUp, Gesture, Interaction, Product

# Characters outside the BMP get ToUnicode entries pypdf cannot read: it says so per glyph.
logging.getLogger("pypdf").setLevel(logging.ERROR)

NOW = datetime(2026, 11, 20, 10, 0)
TODAY = NOW.date()


def fixed_clock() -> datetime:
    return NOW


def pages_text(source: Path | bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    """Extracted text with all whitespace removed: lines may break anywhere."""
    return "".join(text.split())


def build(services: Services, customer_id: int, tmp_path: Path) -> tuple[Path, str]:
    path = write_summary(services.db, customer_id, tmp_path / "summary.pdf", fixed_clock)
    return path, "\n".join(pages_text(path))


@pytest.fixture
def margaret(services: Services) -> int:
    """A customer with something in every section of the summary."""
    methodical = next(p for p in services.personas.all() if p.name == "Methodical")
    anna = services.customers.create(CustomerDraft(name="Anna Kowalski")).id
    cid = services.customers.create(CustomerDraft(
        name="Margaret Oduya", company="Oduya Interiors", email="margaret@example.com",
        phone="+44 20 7946 0958", address="14 Elm Street", birthday=date(1979, 12, 3),
        referred_by_id=anna, persona_id=methodical.id, consent_contact=True,
        notes="Prefers calls after 6pm.\n\nDaughter starts university in May.",
        tags=("VIP", "Book club"))).id
    services.customers.create(CustomerDraft(name="Ben Referral", referred_by_id=cid))
    regular = next(s for s in services.journey.stages() if s.name == "Repeat")
    services.customers.move_to_stage([cid], regular.id)
    services.interactions.log(InteractionDraft(
        customer_id=cid, kind="call", occurred_at=NOW - timedelta(days=3),
        summary="Asked about the oak shelves", sentiment="happy"))
    services.interactions.log(InteractionDraft(
        customer_id=cid, kind="visit", occurred_at=NOW - timedelta(days=1), summary=""))
    with services.db.unit_of_work() as session:
        product = Product(name="Reading lamp")
        session.add(product)
        session.flush()
        session.add_all([
            Gesture(customer_id=cid, kind="gift", given_on=TODAY - timedelta(days=40),
                    description="Hand-bound notebook", cost_cents=1250, occasion="Birthday",
                    outcome="Sent a thank-you card", created_at=NOW),
            Gesture(customer_id=cid, kind="invitation", given_on=TODAY - timedelta(days=10),
                    description="Autumn book swap", cost_cents=0, created_at=NOW),
            Concern(customer_id=cid, kind="complaint", channel="phone",
                    received_at=NOW - timedelta(days=2), summary="The lamp flickers",
                    response_due_at=NOW - timedelta(days=1)),
            Concern(customer_id=cid, kind="question", channel="email",
                    received_at=NOW - timedelta(days=30), summary="Resolved long ago",
                    response_due_at=NOW - timedelta(days=29), resolved_at=NOW),
            FollowUp(customer_id=cid, due_on=TODAY - timedelta(days=2), kind="call",
                     reason="Check the lamp works now", created_at=NOW),
            FollowUp(customer_id=cid, due_on=TODAY + timedelta(days=5), kind="visit",
                     reason="Bring the fabric samples", created_at=NOW),
            FollowUp(customer_id=cid, due_on=TODAY - timedelta(days=9), kind="call",
                     reason="Already done call", status="done", completed_at=NOW,
                     created_at=NOW),
            Feedback(customer_id=cid, product_id=product.id, kind="idea",
                     text="Sell matching lampshades", status="planned",
                     received_on=TODAY - timedelta(days=20)),
            Feedback(customer_id=cid, kind="praise", text="Lovely wrapping paper",
                     status="new", received_on=TODAY - timedelta(days=5)),
        ])
    services.settings.set(SHOP_NAME, "Corner Bookshop & Café")
    return cid


def test_summary_prints_every_section(services: Services, margaret: int,
                                      tmp_path: Path) -> None:
    _, text = build(services, margaret, tmp_path)
    for expected in ("Corner Bookshop & Café", "Margaret Oduya", "Oduya Interiors",
                     "+44 20 7946 0958", "margaret@example.com", "14 Elm Street",
                     "1979-12-03", "Repeat", "Methodical", "Book club", "VIP", "Anna Kowalski",
                     "Ben Referral", "Before you meet", "The lamp flickers",
                     "Check the lamp works now", "Bring the fabric samples",
                     "Sell matching lampshades", "Reading lamp", "Lovely wrapping paper",
                     "Asked about the oak shelves", "Hand-bound notebook", "Autumn book swap",
                     "12.50", "Prefers calls after 6pm.", "Daughter starts university in May.",
                     "How to talk to them", "Birthday in 13 days", "Last thing they told us"):
        assert flat(expected) in flat(text), expected
    assert "Resolved long ago" not in text  # a resolved concern is not "open"
    assert "Already done call" not in text  # a done follow-up is not due
    assert "Total cost of 2 gestures" in text


def test_summary_numbers_every_page_and_repeats_table_headers(
        services: Services, margaret: int, tmp_path: Path) -> None:
    with services.db.unit_of_work() as session:
        session.add_all(Interaction(customer_id=margaret, kind="call", summary=f"Call number {i}",
                                    occurred_at=NOW - timedelta(days=10 + i), created_at=NOW)
                        for i in range(200))
    data = summary_data(services.db, margaret, fixed_clock, interaction_limit=200)
    buffer = io.BytesIO()
    render_summary(data, buffer)
    pages = pages_text(buffer.getvalue())
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Margaret Oduya · for the shop's own use" in page
    with_calls = [page for page in pages if "Call number" in page]
    assert len(with_calls) >= 2
    assert all("What happened" in page for page in with_calls)  # the header row repeats


def test_only_the_latest_interactions_are_listed(services: Services, margaret: int,
                                                 tmp_path: Path) -> None:
    with services.db.unit_of_work() as session:
        session.add_all(Interaction(customer_id=margaret, kind="visit", summary=f"Visit {i}",
                                    occurred_at=NOW - timedelta(days=10 + i), created_at=NOW)
                        for i in range(80))
    _, text = build(services, margaret, tmp_path)
    assert "the latest 50 of 82" in text
    assert "Visit 47" in text and "Visit 48" not in text


def test_markup_like_text_prints_as_typed(services: Services, tmp_path: Path) -> None:
    cid = services.customers.create(CustomerDraft(
        name="Tom<Jerry>", company="AT&T", address="x<y & y>z",
        notes='<b>x</b> is not bold; "quoted" and \'single\' & <br/> <font name="x">')).id
    _, text = build(services, cid, tmp_path)
    for typed in ("Tom<Jerry>", "AT&T", "x<y & y>z", "<b>x</b> is not bold",
                  '"quoted" and \'single\'', '<br/> <font name="x">'):
        assert typed in text, typed
    assert "AT&T;" not in text


@pytest.mark.parametrize("name", [
    "Zoë Ñúñez-Ibáñez", "Łukasz Wiśniewski", "Ελένη Παπαδοπούλου", "Ольга Кузнецова",
    "Çağrı Öztürk", "Søren Østergaard"])
def test_accented_greek_and_cyrillic_names_extract(services: Services, tmp_path: Path,
                                                   name: str) -> None:
    cid = services.customers.create(CustomerDraft(name=name)).id
    _, text = build(services, cid, tmp_path)
    assert name in text


def test_arabic_name_prints_joined_and_right_to_left(services: Services,
                                                     tmp_path: Path) -> None:
    name = "فاطمة الزهراء"
    cid = services.customers.create(CustomerDraft(name=name)).id
    _, text = build(services, cid, tmp_path)
    # pypdf reads right-to-left runs back into reading order; the joined letter forms
    # (presentation forms) fold back to the plain letters under NFKC.
    assert name in unicodedata.normalize("NFKC", text)


def test_visual_order_shapes_and_reverses() -> None:
    assert visual_order("Fatima") == "Fatima"
    shaped = visual_order("سلام 2024")
    assert shaped.endswith(" 2024")
    # Seen right to left: meem alone (alef never joins onward), the final lam-alef ligature,
    # initial seen.
    assert shaped[:3] == "\ufee1\ufefc\ufeb3"
    assert unicodedata.normalize("NFKC", shaped[:3][::-1]) == "سلام"
    assert "2024" in visual_order("محمد 2024 علي")  # numbers keep their order


def test_cjk_name_prints_in_a_fallback_font_or_as_boxes(services: Services,
                                                        tmp_path: Path) -> None:
    cid = services.customers.create(CustomerDraft(name="王小明 Wang")).id
    _, text = build(services, cid, tmp_path)
    assert "Wang" in text
    fallback = report_fonts.registered_fonts().fallback()
    if fallback is None:
        pytest.skip("no CJK-capable TrueType font is installed; CJK prints as boxes")
    assert "王小明" in text


def test_without_any_cjk_font_the_pdf_still_builds(services: Services, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_fonts, "font_dirs", lambda: [])
    monkeypatch.delenv(report_fonts.FALLBACK_ENV, raising=False)
    report_fonts._fallback.cache_clear()
    try:
        cid = services.customers.create(CustomerDraft(name="李娜 Li")).id
        _, text = build(services, cid, tmp_path)
        assert "Li" in text
    finally:
        report_fonts._fallback.cache_clear()


def test_a_font_reportlab_cannot_read_is_skipped(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "NotoSansCJK-Regular.ttc"
    broken.write_bytes(b"OTTO not really a font")
    monkeypatch.setenv(report_fonts.FALLBACK_ENV, str(broken))
    monkeypatch.setattr(report_fonts, "font_dirs", lambda: [tmp_path])
    report_fonts._fallback.cache_clear()
    try:
        assert report_fonts.cjk_candidates()[0] == broken
        assert report_fonts.registered_fonts().fallback() is None
    finally:
        report_fonts._fallback.cache_clear()


def test_long_note_flows_over_pages_and_long_words_wrap(services: Services,
                                                        tmp_path: Path) -> None:
    word = "Supercalifragilistic" * 10  # 200 characters, no space
    sentence = "The quick brown fox jumps over the lazy dog. "
    note = (sentence * 230)[:10_000]
    cid = services.customers.create(CustomerDraft(
        name="Long Notes", company=word, notes=f"{note}\n\n{word}")).id
    path, text = build(services, cid, tmp_path)
    pages = pages_text(path)
    assert len(pages) >= 3
    assert flat(word) in flat(text)
    assert flat(text).count(flat(sentence)) >= 200


def test_empty_fields_leave_no_rows_or_sections(services: Services, tmp_path: Path) -> None:
    cid = services.customers.create(CustomerDraft(name="Just A Name")).id
    _, text = build(services, cid, tmp_path)
    for absent in ("Phone", "Email", "Address", "Birthday", "Persona", "Tags", "Referred",
                   "Gestures", "Feedback", "Personal notes", "Recent interactions",
                   "How to talk"):
        assert absent not in text, absent
    assert "Nothing open" in text
    assert "Stage" in text and "Customer since" in text


def test_letter_paper_follows_the_setting(services: Services, margaret: int,
                                          tmp_path: Path) -> None:
    services.settings.set(PAPER_SIZE, "Letter")
    path, _ = build(services, margaret, tmp_path)
    box = PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_unknown_customer_is_not_found_and_writes_nothing(services: Services,
                                                          tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        write_summary(services.db, 9999, tmp_path / "none.pdf", fixed_clock)
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*part"))


def test_first_sentence() -> None:
    assert first_sentence("Facts first. Then a quick offer.") == "Facts first."
    assert first_sentence("  No full stop here  ") == "No full stop here"
    assert first_sentence("") == ""
    long = first_sentence("word " * 100)
    assert long.endswith("…") and len(long) <= 181


def test_clean_and_markup_escape_everything() -> None:
    assert clean("a\x00b\x1fc\r\nd\te") == "abc\nd e"
    font_set = report_fonts.registered_fonts()
    assert markup("x<y & \"z\"\nnext", font_set) == "x&lt;y &amp; &quot;z&quot;<br/>next"


def test_importing_reports_does_not_load_reportlab() -> None:
    code = ("import sys; import smallbiz_crm.reports.summary, smallbiz_crm.reports.checklist, "
            "smallbiz_crm.services.printing; "
            "assert not any(m.startswith('reportlab') for m in sys.modules), 'reportlab'")
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=Path(__file__).resolve().parents[2])


# -- any text at all --------------------------------------------------------------------------

ANY_TEXT = st.text(max_size=300)  # every code point hypothesis draws, control characters too


def _customer(name: str, texts: list[str]) -> CustomerRecord:
    return CustomerRecord(
        id=1, name=name, kind="person", company=texts[0], email=texts[1], phone=texts[2],
        address=texts[3], birthday=date(1980, 12, 1), source=texts[4], referred_by_id=2,
        referred_by_name=texts[5], persona_id=3, persona_name=texts[6], stage_id=1,
        stage_name=texts[7], consent_contact=True, notes=texts[8], not_pursuing=True,
        not_pursuing_reason=texts[9], archived=False, created_at=NOW, updated_at=NOW,
        last_contact_at=NOW, next_follow_up_on=TODAY, tags=(texts[10], texts[11]), version=1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=ANY_TEXT, texts=st.lists(ANY_TEXT, min_size=20, max_size=20))
def test_any_text_in_every_field_builds_and_reads_back(name: str, texts: list[str]) -> None:
    data = SummaryData(
        shop_name=texts[12], printed_at=NOW, paper_size=texts[13], customer=_customer(name, texts),
        persona=PersonaRecord(id=3, name=texts[6], decides=texts[14], asks=texts[15],
                              motivation=texts[16], how_to_talk=texts[17],
                              gesture_ideas=(texts[18],)),
        stage_since=NOW,
        history=(StageStep(changed_at=NOW, from_stage=texts[7], to_stage=texts[19], why=name),),
        referrals=(texts[0], name),
        open_concerns=(ConcernLine(received_at=NOW, kind=texts[1], summary=texts[2],
                                   due_at=NOW, answered=False, overdue=True),),
        follow_ups=(FollowUpLine(due_on=TODAY, kind=texts[3], reason=texts[4], overdue=False),),
        next_birthday=date(2026, 12, 1),
        last_told=InteractionLine(occurred_at=NOW, kind=texts[5], summary=texts[6]),
        interactions=(InteractionLine(occurred_at=NOW, kind=texts[7], summary=texts[8],
                                      sentiment=texts[9], amount=texts[10]),),
        interaction_count=3,
        gestures=(GestureLine(given_on=TODAY, kind=texts[11], description=texts[12],
                              occasion=texts[13], cost_cents=150, outcome=texts[14]),),
        gesture_total_cents=150,
        feedback=(FeedbackLine(received_on=TODAY, kind=texts[15], product=texts[16],
                               text=texts[17], status=texts[18], told_on=None, waiting=True),))
    buffer = io.BytesIO()
    render_summary(data, buffer)
    pages = pages_text(buffer.getvalue())
    assert pages and "Page 1 of" in pages[0]
    visible = "".join(clean(name).split())
    if visible and all(32 < ord(char) < 127 for char in visible):
        assert visible in flat("".join(pages))
