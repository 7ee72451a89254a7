"""The follow-up checklist: what it selects and how it orders and numbers it, the PDF read back
with pypdf, and entering the worked results back into the database."""

from __future__ import annotations

import io
import logging
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.records.printing import (
    ChecklistAction,
    ChecklistData,
    ChecklistGroup,
    ChecklistItem,
)
from smallbiz_crm.domain.settings import PAPER_SIZE, SHOP_NAME
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.reports.checklist import write_checklist as render_checklist
from smallbiz_crm.reports.text import clean
from smallbiz_crm.services.checklist import checklist_data, last_checklist
from smallbiz_crm.services.checklist_results import enter_result, undo_result
from smallbiz_crm.services.printing import write_checklist
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.models import Concern, Customer, FollowUp, Interaction, JourneyStage

logging.getLogger("pypdf").setLevel(logging.ERROR)

NOW = datetime(2026, 11, 20, 10, 0)  # a Friday
TODAY = NOW.date()
MONDAY = date(2026, 11, 23)


def fixed_clock() -> datetime:
    return NOW


def pages_text(source: Path | bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    return "".join(text.split())


def add_follow_up(services: Services, customer_id: int, due_on: date, reason: str,
                  kind: str = "call", status: str = "open") -> int:
    with services.db.unit_of_work() as session:
        row = FollowUp(customer_id=customer_id, due_on=due_on, reason=reason, kind=kind,
                       status=status, created_at=NOW)
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def shop(services: Services) -> dict[str, int]:
    """Customers with follow-ups overdue, today, later this week, next month, done, archived."""
    competitive = next(p for p in services.personas.all() if p.name == "Competitive")
    ids = {}
    for name, phone in (("Zoë Adams", "+1 202-555-0101"), ("Björn Berg", "+1 202-555-0102"),
                        ("Chen Wei", ""), ("Dana Doe", "+1 202-555-0104")):
        ids[name] = services.customers.create(CustomerDraft(
            name=name, phone=phone, email=f"{name.split()[0].lower()}@example.com",
            company="Doe & Daughters" if name == "Dana Doe" else "",
            persona_id=competitive.id if name == "Zoë Adams" else None)).id
    ids["overdue"] = add_follow_up(services, ids["Zoë Adams"], TODAY - timedelta(days=3),
                                   "Ask about the reading glasses")
    ids["today"] = add_follow_up(services, ids["Björn Berg"], TODAY, "Thank for the order",
                                 kind="thank_you")
    ids["today2"] = add_follow_up(services, ids["Zoë Adams"], TODAY, "Offer the new catalogue")
    ids["monday"] = add_follow_up(services, ids["Chen Wei"], MONDAY, "Visit with samples",
                                  kind="visit")
    ids["later"] = add_follow_up(services, ids["Dana Doe"], TODAY + timedelta(days=20),
                                 "Reorder check", kind="reorder")
    ids["done"] = add_follow_up(services, ids["Dana Doe"], TODAY, "Already handled",
                                status="done")
    archived = services.customers.create(CustomerDraft(name="Archie Ved")).id
    add_follow_up(services, archived, TODAY, "Archived customer's call")
    services.customers.archive([archived])
    with services.db.unit_of_work() as session:
        session.add_all([
            Interaction(customer_id=ids["Zoë Adams"], kind="call", summary="Old call",
                        occurred_at=NOW - timedelta(days=30), created_at=NOW),
            Interaction(customer_id=ids["Zoë Adams"], kind="visit",
                        summary="Tried on three frames", occurred_at=NOW - timedelta(days=6),
                        created_at=NOW),
            Concern(customer_id=ids["Zoë Adams"], kind="question", channel="email",
                    received_at=NOW - timedelta(days=1), summary="Are the lenses scratch-proof?",
                    response_due_at=NOW + timedelta(days=1)),
        ])
    services.settings.set(SHOP_NAME, "Corner Bookshop & Café")
    return ids


def test_overdue_first_then_by_day_numbered_in_print_order(services: Services,
                                                           shop: dict[str, int]) -> None:
    data = checklist_data(services.db, clock=fixed_clock)
    assert (data.date_from, data.date_to) == (TODAY, TODAY + timedelta(days=6))
    assert [group.day for group in data.groups] == [None, TODAY, MONDAY]
    assert [item.follow_up_id for item in data.items] == [
        shop["overdue"], shop["today"], shop["today2"], shop["monday"]]  # names in order
    assert [item.number for item in data.items] == [1, 2, 3, 4]
    first = data.item(1)
    assert first is not None and first.overdue and first.customer_name == "Zoë Adams"
    assert first.phone == "+1 202-555-0101"
    assert first.last_interaction_on == TODAY - timedelta(days=6)
    assert first.last_interaction == "Visit: Tried on three frames"
    assert first.open_concern.startswith("Question by email, 2026-11-19: Are the lenses")
    assert first.persona_hint and first.persona_hint.endswith(".")
    assert first.persona_hint.count(". ") == 0  # one sentence
    assert data.item(3) is not None and data.item(3).persona_hint == first.persona_hint
    chen = data.item(4)
    assert chen is not None and chen.kind == "Visit" and chen.phone == "" and not chen.overdue
    assert data.item(5) is None


def test_a_chosen_period_and_its_checks(services: Services, shop: dict[str, int]) -> None:
    data = checklist_data(services.db, MONDAY, MONDAY + timedelta(days=30), fixed_clock)
    # Overdue items come along; today's items are before the period and stay out.
    assert [item.follow_up_id for item in data.items] == [
        shop["overdue"], shop["monday"], shop["later"]]
    with pytest.raises(ValidationError) as error:
        checklist_data(services.db, MONDAY, TODAY, fixed_clock)
    assert "date_to" in error.value.fields


def test_pdf_holds_every_open_follow_up(services: Services, shop: dict[str, int],
                                        tmp_path: Path) -> None:
    path = tmp_path / "checklist.pdf"
    data = write_checklist(services.db, None, None, path, clock=fixed_clock)
    assert data is not None
    text = "\n".join(pages_text(path))
    for expected in ("Corner Bookshop & Café", "Follow-up checklist", "Overdue · 1 item",
                     "Friday 20 November 2026 · 2 items", "Monday 23 November 2026 · 1 item",
                     "Zoë Adams", "+1 202-555-0101", "Björn Berg", "+1 202-555-0102",
                     "Chen Wei", "chen@example.com", "Ask about the reading glasses",
                     "Thank for the order", "Offer the new catalogue", "Visit with samples",
                     "Tried on three frames", "Are the lenses scratch-proof?", "How to talk",
                     "Outcome", "Page 1 of 1", "was due Tue 17 Nov — overdue"):
        assert flat(expected) in flat(text), expected
    for absent in ("Reorder check", "Already handled", "Archived customer's call"):
        assert absent not in text


def test_multi_page_checklist_repeats_its_header_and_says_continued(
        services: Services, tmp_path: Path) -> None:
    with services.db.unit_of_work() as session:
        first_stage = session.scalar(select(JourneyStage.id).order_by(JourneyStage.position))
        customers = [Customer(name=f"Customer {i:03d}", phone=f"+1 202-555-{i:04d}",
                              stage_id=first_stage, created_at=NOW, updated_at=NOW)
                     for i in range(40)]
        session.add_all(customers)
        session.flush()
        session.add_all(FollowUp(customer_id=c.id, due_on=TODAY + timedelta(days=i % 2),
                                 reason=f"Reason for customer {i:03d}", created_at=NOW)
                        for i, c in enumerate(customers))
    path = tmp_path / "big.pdf"
    data = write_checklist(services.db, None, None, path, clock=fixed_clock)
    assert data is not None and len(data.items) == 40
    pages = pages_text(path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "Follow-up checklist" in page
        assert f"Page {number} of {len(pages)}" in page
    assert any("(continued)" in page for page in pages[1:])
    everything = flat("".join(pages))
    for i in range(40):
        assert flat(f"Reason for customer {i:03d}") in everything
    assert "(continued)" not in pages[0]


def test_letter_paper_and_an_empty_checklist(services: Services, tmp_path: Path) -> None:
    services.settings.set(PAPER_SIZE, "Letter")
    path = tmp_path / "empty.pdf"
    data = write_checklist(services.db, TODAY, TODAY, path, clock=fixed_clock)
    assert data is not None and data.items == ()
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "Nothing is due in this period." in pages_text(path)[0]


def test_progress_and_cancel(services: Services, shop: dict[str, int], tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = tmp_path / "progress.pdf"
    assert write_checklist(services.db, None, None, path, lambda d, t: seen.append((d, t)),
                           clock=fixed_clock) is not None
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    path.unlink()
    assert write_checklist(services.db, None, None, path, cancelled=lambda: True,
                           clock=fixed_clock) is None
    assert not path.exists() and not list(tmp_path.glob(".*part"))


def test_huge_reason_and_long_word_flow_over_pages(services: Services, tmp_path: Path) -> None:
    cid = services.customers.create(CustomerDraft(name="Wordy")).id
    word = "Pneumonoultramicroscopic" * 8 + "x" * 8  # 200 characters
    reason = ("Remember to ask about everything. " * 300)[:10_000]
    add_follow_up(services, cid, TODAY, f"{word} {reason}")
    path = tmp_path / "wordy.pdf"
    write_checklist(services.db, None, None, path, clock=fixed_clock)
    pages = pages_text(path)
    assert len(pages) >= 2
    everything = flat("".join(pages))
    assert word in everything
    assert everything.count("Remembertoaskabouteverything.") >= 290


def test_any_script_prints(services: Services, tmp_path: Path) -> None:
    names = ["Ελένη Παπαδοπούλου", "Ольга Кузнецова", "Tom<Jerry> & AT&T", "x<y"]
    for name in names:
        cid = services.customers.create(CustomerDraft(name=name, phone="+1 202-555-0199")).id
        add_follow_up(services, cid, TODAY, f"Call {name}")
    path = tmp_path / "scripts.pdf"
    write_checklist(services.db, None, None, path, clock=fixed_clock)
    text = "\n".join(pages_text(path))
    for name in names:
        assert name in text


# -- entering results ---------------------------------------------------------------------------

def follow_up(services: Services, follow_up_id: int) -> FollowUp:
    with services.db.read() as session:
        row = session.get(FollowUp, follow_up_id)
        assert row is not None
        session.expunge(row)
        return row


def next_follow_up_on(services: Services, customer_id: int) -> date | None:
    with services.db.read() as session:
        return session.scalar(select(Customer.next_follow_up_on)
                              .where(Customer.id == customer_id))


def test_done_skip_and_snooze_are_written_back(services: Services,
                                               shop: dict[str, int]) -> None:
    data = checklist_data(services.db, clock=fixed_clock)
    done = enter_result(services.db, data, "1", "done", "  Ordered the blue frames ",
                        fixed_clock)
    assert done.action is ChecklistAction.DONE and done.customer_name == "Zoë Adams"
    row = follow_up(services, shop["overdue"])
    assert (row.status, row.outcome, row.completed_at) == ("done", "Ordered the blue frames",
                                                           NOW)
    assert next_follow_up_on(services, shop["Zoë Adams"]) == TODAY  # item 3 is still open

    snoozed = enter_result(services.db, data, 3, "snooze", "No answer", fixed_clock)
    assert snoozed.snoozed_to == MONDAY  # Friday → the next business day
    row = follow_up(services, shop["today2"])
    assert (row.status, row.due_on, row.snooze_count) == ("open", MONDAY, 1)
    assert row.reason == "Offer the new catalogue — 2026-11-20: No answer"
    assert next_follow_up_on(services, shop["Zoë Adams"]) == MONDAY

    skipped = enter_result(services.db, data, "#2", "skip", "", fixed_clock)
    row = follow_up(services, shop["today"])
    assert (row.status, row.outcome) == ("skipped", "")
    assert next_follow_up_on(services, shop["Björn Berg"]) is None

    undo_result(services.db, skipped)
    undo_result(services.db, snoozed)
    row = follow_up(services, shop["today2"])
    assert (row.status, row.due_on, row.snooze_count, row.reason) == (
        "open", TODAY, 0, "Offer the new catalogue")
    assert follow_up(services, shop["today"]).status == "open"
    assert next_follow_up_on(services, shop["Björn Berg"]) == TODAY


def test_wrong_entries_are_explained_per_field(services: Services,
                                               shop: dict[str, int]) -> None:
    data = checklist_data(services.db, clock=fixed_clock)

    def problem(number: str | int, action: str = "done", note: str = "") -> dict[str, str]:
        with pytest.raises(ValidationError) as error:
            enter_result(services.db, data, number, action, note, fixed_clock)
        return error.value.fields

    assert "Type the number" in problem("")["number"]
    assert "not an item number" in problem("abc")["number"]
    assert "no item 9" in problem("9")["number"] and "1 to 4" in problem("9")["number"]
    assert "Choose done" in problem("1", "maybe")["action"]
    assert "too long" in problem("1", "done", "x" * 100_001)["outcome"]
    enter_result(services.db, data, 1, "done", "", fixed_clock)
    assert "already marked done" in problem(1)["number"]


def test_the_last_printed_checklist_keeps_its_numbers(services: Services,
                                                      shop: dict[str, int],
                                                      tmp_path: Path) -> None:
    assert last_checklist(services.db, fixed_clock) is None
    printed = write_checklist(services.db, None, None, tmp_path / "c.pdf", clock=fixed_clock)
    assert printed is not None
    enter_result(services.db, printed, 2, "done", "Thanked", fixed_clock)
    add_follow_up(services, shop["Björn Berg"], TODAY, "A new one after printing")
    again = last_checklist(services.db, fixed_clock)
    assert again is not None
    assert [(i.number, i.follow_up_id) for i in again.items] == [
        (i.number, i.follow_up_id) for i in printed.items]
    assert again.item(2) is not None and again.item(2).status == "done"
    assert again.printed_at == printed.printed_at


# -- any text at all ------------------------------------------------------------------------------

@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(max_size=300), min_size=9, max_size=9))
def test_any_text_in_every_field_builds_and_reads_back(texts: list[str]) -> None:
    item = ChecklistItem(
        number=1, follow_up_id=1, customer_id=1, customer_name=texts[0], company=texts[1],
        phone=texts[2], email=texts[3], due_on=TODAY, overdue=True, kind=texts[4],
        reason=texts[5], last_interaction_on=TODAY, last_interaction=texts[6],
        open_concern=texts[7], persona_hint=texts[8])
    no_phone = ChecklistItem(
        number=2, follow_up_id=2, customer_id=2, customer_name=texts[8], company="",
        phone="", email=texts[0], due_on=TODAY, overdue=False, kind=texts[1], reason="",
        last_interaction_on=None, last_interaction="", open_concern="", persona_hint="")
    data = ChecklistData(shop_name=texts[3], printed_at=NOW, paper_size=texts[4],
                         date_from=TODAY, date_to=TODAY,
                         groups=(ChecklistGroup(day=None, items=(item,)),
                                 ChecklistGroup(day=TODAY, items=(no_phone,))))
    buffer = io.BytesIO()
    render_checklist(data, buffer)
    pages = pages_text(buffer.getvalue())
    assert pages and "Page 1 of" in pages[0]
    visible = "".join(clean(texts[0]).split())
    if visible and all(32 < ord(char) < 127 for char in visible):
        assert visible in flat("".join(pages))


def test_a_missing_folder_is_named_in_the_error(services: Services, tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "checklist.pdf"
    with pytest.raises(FileNotFoundError) as error:
        write_checklist(services.db, None, None, target, clock=fixed_clock)
    assert error.value.filename == str(target)
    assert "There is no folder" in str(error.value.strerror)
