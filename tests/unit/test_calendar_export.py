"""The .ics export: open follow-ups and waiting concern deadlines that calendar apps import."""

from __future__ import annotations

import os
import stat
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from smallbiz_crm.domain.records.concerns import ConcernDraft
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.services.calendar_export import export_ics
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.models import FollowUp

NOW = datetime(2026, 11, 20, 10, 0)


def clock() -> datetime:
    return NOW


def events(path: Path) -> dict[str, Any]:
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["version"]) == "2.0"
    assert "Smallbiz CRM" in str(calendar["prodid"])
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def shop(services: Services) -> dict[str, int]:
    """Two customers, three follow-ups (one done) and two concerns (one answered)."""
    # Commas, semicolons and backslashes are iCalendar syntax: they must come back unchanged.
    margaret = services.customers.create(CustomerDraft(
        name="Margaret Oduya; Interiors, Ltd", phone="+44 20 7946 0958")).id
    leo = services.customers.create(CustomerDraft(name="Leo Brandt")).id
    with services.db.unit_of_work() as session:
        rows = [
            FollowUp(customer_id=margaret, due_on=date(2026, 11, 24), kind="thank_you",
                     reason="Thank-you call, ask about the vase", created_at=NOW),
            FollowUp(customer_id=leo, due_on=date(2026, 11, 18), kind="call", reason="",
                     created_at=NOW),
            FollowUp(customer_id=leo, due_on=date(2026, 11, 2), kind="call", reason="Done",
                     status="done", completed_at=NOW, created_at=NOW),
        ]
        session.add_all(rows)
        session.flush()
        ids = {"margaret": margaret, "leo": leo, "fu_open": rows[0].id, "fu_overdue": rows[1].id,
               "fu_done": rows[2].id}
    concerns = ConcernService(services.db, clock)
    waiting = concerns.log(ConcernDraft(customer_id=margaret, kind="complaint", channel="phone",
                                        received_at=datetime(2026, 11, 19, 16, 0),
                                        summary="Chipped rim\\on two plates"))
    answered = concerns.log(ConcernDraft(customer_id=leo, kind="question", channel="email",
                                         received_at=datetime(2026, 11, 18, 9, 0),
                                         summary="Opening hours?"))
    concerns.respond(answered.id, datetime(2026, 11, 18, 9, 30), "Replied")
    ids.update(concern=waiting.id, answered=answered.id)
    return ids


def test_export_has_the_right_events(services: Services, shop: dict[str, int],
                                     tmp_path: Path) -> None:
    path = tmp_path / "shop.ics"
    assert export_ics(services.db, path, NOW) == 3
    found = events(path)
    assert set(found) == {f"follow-up-{shop['fu_open']}@smallbiz-crm",
                          f"follow-up-{shop['fu_overdue']}@smallbiz-crm",
                          f"concern-{shop['concern']}@smallbiz-crm"}

    follow_up = found[f"follow-up-{shop['fu_open']}@smallbiz-crm"]
    assert str(follow_up["summary"]) == ("Follow up: Margaret Oduya; Interiors, Ltd — "
                                         "Thank-you call, ask about the vase")
    assert follow_up.decoded("dtstart") == date(2026, 11, 24)  # all-day
    assert follow_up.decoded("dtend") == date(2026, 11, 25)
    assert "+44 20 7946 0958" in str(follow_up["description"])
    [alarm] = follow_up.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == timedelta(hours=9)  # 9:00 that day

    no_reason = found[f"follow-up-{shop['fu_overdue']}@smallbiz-crm"]
    assert str(no_reason["summary"]) == "Follow up: Leo Brandt"

    concern = found[f"concern-{shop['concern']}@smallbiz-crm"]
    assert str(concern["summary"]) == ("Answer Margaret Oduya; Interiors, Ltd: "
                                       "Chipped rim\\on two plates")
    # Received Thursday 16:00: due Friday, end of day (US calendar, no holiday).
    assert concern.decoded("dtstart") == datetime(2026, 11, 20, 23, 59, 59)
    [alarm] = concern.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=2)
    assert "+44 20 7946 0958" in str(concern["description"])


def test_uids_are_stable_and_the_file_is_replaced(services: Services, shop: dict[str, int],
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "shop.ics"
    export_ics(services.db, path, NOW)
    first = events(path)
    ConcernService(services.db, clock).respond(shop["concern"], NOW, "Called back")
    assert export_ics(services.db, path, NOW + timedelta(hours=1)) == 2
    second = events(path)
    assert set(second) == set(first) - {f"concern-{shop['concern']}@smallbiz-crm"}
    for uid, event in second.items():
        assert first[uid]["summary"] == event["summary"]
        assert first[uid].decoded("dtstart") == event.decoded("dtstart")
    assert [p.name for p in folder.iterdir()] == ["shop.ics"]  # no temporary file left


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_file_is_private(services: Services, shop: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "shop.ics"
    path.write_text("old")
    os.chmod(path, 0o644)
    export_ics(services.db, path, NOW)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_shop_exports_an_empty_calendar(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "empty.ics"
    assert export_ics(services.db, path, NOW) == 0
    assert events(path) == {}


def test_an_export_into_a_missing_folder_fails_cleanly(services: Services, shop: dict[str, int],
                                            tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "shop.ics"
    with pytest.raises(OSError):
        export_ics(services.db, missing, NOW)
    assert not missing.parent.exists()


def test_long_unicode_text_is_folded_and_comes_back(services: Services, tmp_path: Path) -> None:
    name = "Zoë Ångström-Nakamura 山田 \\ 😀"
    summary = "Ordered; the glaze, the \\ lid — " * 8 + "\nsecond line"
    customer = services.customers.create(CustomerDraft(name=name)).id
    concern = ConcernService(services.db, clock).log(ConcernDraft(
        customer_id=customer, kind="request", channel="letter",
        received_at=datetime(2026, 11, 19, 16, 0), summary=summary))
    path = tmp_path / "long.ics"
    export_ics(services.db, path, NOW)
    raw = path.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    event = events(path)[f"concern-{concern.id}@smallbiz-crm"]
    # Newlines in the summary become spaces; everything else comes back exactly.
    assert str(event["summary"]) == f"Answer {name}: {' '.join(summary.split())}"
