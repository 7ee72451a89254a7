"""The customer profile panel on a real database: what it shows, its links, buttons and model."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft, TimelineEntry
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.timeline import TimelineService
from smallbiz_crm.store.models import Gesture, Interaction
from smallbiz_crm.ui.models.gesture_table import ledger_total_text
from smallbiz_crm.ui.models.timeline_table import (
    COL_DETAIL,
    COL_TITLE,
    COL_WHEN,
    KIND_ROLE,
    REF_ID_ROLE,
    TimelineTableModel,
    icon_name,
    kind_icon,
)
from smallbiz_crm.ui.profile.panel import ProfilePanel
from smallbiz_crm.ui.profile.profile_header import birthday_text

NOW = datetime(2026, 11, 20, 10, 0)


def make_panel(qtbot: QtBot, services: Services) -> ProfilePanel:
    panel = ProfilePanel(services)
    qtbot.addWidget(panel)
    panel.resize(420, 760)
    panel.show()
    return panel


def label(panel: ProfilePanel, name: str) -> QLabel:
    found = panel.findChild(QLabel, name)
    assert found is not None, name
    return found


def shown(panel: ProfilePanel, name: str) -> bool:
    widget = panel.findChild(QWidget, name)
    assert widget is not None, name
    return widget.isVisibleTo(panel)


@pytest.fixture
def margaret(services: Services) -> int:
    """A customer with a persona, a referrer, two referrals, a purchase and two gestures."""
    methodical = next(p for p in services.personas.all() if p.name == "Methodical")
    anna = services.customers.create(CustomerDraft(name="Anna Kowalski")).id
    cid = services.customers.create(CustomerDraft(
        name="Margaret Oduya", company="Oduya Interiors", email="margaret@example.com",
        phone="+44 20 7946 0958", address="14 Elm Street", birthday=date(1979, 12, 3),
        referred_by_id=anna, persona_id=methodical.id, consent_contact=True,
        notes="Daughter starts university in May.", tags=("VIP", "Ceramics"))).id
    for name in ("Leo Brandt", "Sophie Martin"):
        services.customers.create(CustomerDraft(name=name, referred_by_id=cid))
    services.interactions.log(InteractionDraft(
        customer_id=cid, kind="purchase", occurred_at=datetime(2026, 3, 9, 15, 30),
        summary="Two glazed bowls", sentiment="delighted", amount_cents=8450))
    with services.db.unit_of_work() as session:
        session.add_all([
            Gesture(customer_id=cid, kind="gift", given_on=date(2026, 10, 20), cost_cents=6000,
                    description="Bud vase", created_at=NOW),
            Gesture(customer_id=cid, kind="thank_you", given_on=date(2026, 3, 10),
                    cost_cents=2500, created_at=NOW),
        ])
    return cid


def test_empty_state(qtbot: QtBot, services: Services) -> None:
    panel = make_panel(qtbot, services)
    assert panel.objectName() == "customerProfile"
    empty = label(panel, "profileEmpty")
    assert empty.isVisible()
    assert empty.text() == "Select a customer to see their profile"
    assert not shown(panel, "profileScroll")
    assert panel.customer_id() is None


def test_shows_the_customer(qtbot: QtBot, services: Services, margaret: int) -> None:
    panel = make_panel(qtbot, services)
    panel.show_customer(margaret)

    assert shown(panel, "profileScroll") and not label(panel, "profileEmpty").isVisible()
    assert label(panel, "profileName").text() == "Margaret Oduya"
    assert label(panel, "profileSubtitle").text() == "Oduya Interiors · Person"
    assert label(panel, "profilePhone").text() == "+44 20 7946 0958"
    assert label(panel, "profileEmail").text() == "margaret@example.com"
    assert label(panel, "profileBirthday").text().startswith("1979-12-03 · 46 years old")
    assert "May be contacted" in label(panel, "consentLabel").text()
    assert not shown(panel, "notPursuingLabel")

    methodical = next(p for p in services.personas.all() if p.name == "Methodical")
    assert label(panel, "personaName").text() == "Methodical"
    assert methodical.how_to_talk in label(panel, "personaTalk").text()

    assert label(panel, "profileStage").text() == "First purchase"
    playbook = next(s.playbook for s in services.journey.stages() if s.name == "First purchase")
    assert label(panel, "stagePlaybook").text() == playbook
    history = [w.text() for w in panel.findChildren(QLabel, "historyChange")]
    assert history == ["Started at Prospect · Added as a new customer",
                       "Prospect → First purchase · After a purchase"]
    dates = [w.text() for w in panel.findChildren(QLabel, "historyDate")]
    assert dates == ["2026-11-20", "2026-03-09"]

    assert sorted(w.text() for w in panel.findChildren(QLabel, "tagChip")) == ["Ceramics", "VIP"]
    assert "Anna Kowalski" in label(panel, "referredBy").text()
    referrals = label(panel, "referrals").text()
    assert "Leo Brandt" in referrals and "Sophie Martin" in referrals
    assert label(panel, "profileNotes").text() == "Daughter starts university in May."
    assert label(panel, "gestureLedgerTotal").text() == "2 gestures, total cost 85.00"

    expected = TimelineService(services.db, services.clock).for_customer(margaret)
    model = panel.timeline.model()
    assert panel.timeline.objectName() == "customerTimeline"
    assert model.rowCount() == len(expected) == 5  # purchase, 2 stage changes, 2 gestures
    for row, entry in enumerate(expected):
        assert model.index(row, COL_TITLE).data() == entry.title
        assert model.index(row, COL_WHEN).data() == entry.when.date().isoformat()
        assert model.index(row, COL_DETAIL).data() == entry.detail
    assert model.index(0, COL_WHEN).data() == "2026-11-20"  # newest first
    assert shown(panel, "customerTimeline") and not shown(panel, "noTimeline")


def test_markup_looking_text_shows_literally(qtbot: QtBot, services: Services) -> None:
    tom = services.customers.create(CustomerDraft(
        name="<b>Tom</b>", company="A&B <i>Ltd</i>", notes="<script>x</script> & more")).id
    services.customers.create(CustomerDraft(name="Tom's <u>friend</u>", referred_by_id=tom))
    panel = make_panel(qtbot, services)
    panel.show_customer(tom)

    name = label(panel, "profileName")
    assert name.text() == "<b>Tom</b>"
    assert name.textFormat() == Qt.TextFormat.PlainText
    assert label(panel, "profileSubtitle").text().startswith("A&B <i>Ltd</i>")
    assert label(panel, "profileNotes").textFormat() == Qt.TextFormat.PlainText
    # Links are rich text, so the names in them are escaped.
    referrals = label(panel, "referrals").text()
    assert "&lt;u&gt;friend&lt;/u&gt;" in referrals
    assert "<u>" not in referrals


def test_referral_links_open_customers(qtbot: QtBot, services: Services, margaret: int) -> None:
    panel = make_panel(qtbot, services)
    panel.show_customer(margaret)
    anna = services.customers.get(margaret).referred_by_id
    with qtbot.waitSignal(panel.open_customer) as blocker:
        label(panel, "referredBy").linkActivated.emit(str(anna))
    assert blocker.args == [anna]

    data = panel.profile_data
    assert data is not None
    leo = next(r.id for r in data.referrals if r.name == "Leo Brandt")
    with qtbot.waitSignal(panel.open_customer) as blocker:
        label(panel, "referrals").linkActivated.emit(str(leo))
    assert blocker.args == [leo]


def test_buttons_ask_for_edit_and_log(qtbot: QtBot, services: Services, margaret: int) -> None:
    panel = make_panel(qtbot, services)
    panel.show_customer(margaret)
    with qtbot.waitSignal(panel.edit_requested) as blocker:
        panel.findChild(QWidget, "editButton").click()  # type: ignore[union-attr]
    assert blocker.args == [margaret]
    with qtbot.waitSignal(panel.log_requested) as blocker:
        panel.findChild(QWidget, "logButton").click()  # type: ignore[union-attr]
    assert blocker.args == [margaret]


def test_bare_customer_and_back_to_empty(qtbot: QtBot, services: Services) -> None:
    cid = services.customers.create(CustomerDraft(
        name="New Person", kind="business", not_pursuing=True,
        not_pursuing_reason="Moved abroad")).id
    panel = make_panel(qtbot, services)
    panel.show_customer(cid)
    assert label(panel, "profileSubtitle").text() == "Business"
    assert label(panel, "consentLabel").text().endswith("Has not agreed to be contacted")
    assert label(panel, "notPursuingLabel").text() == "Not pursuing: Moved abroad"
    assert shown(panel, "notPursuingLabel")
    assert shown(panel, "noContact")
    assert label(panel, "personaName").text() == "No persona chosen"
    for section in ("tagsSection", "referralsSection", "notesSection"):
        assert not shown(panel, section), section
    assert label(panel, "gestureLedgerTotal").text() == "No gestures yet"
    assert panel.timeline.model().rowCount() == 1  # "Started at Prospect"

    panel.show_customer(None)
    assert label(panel, "profileEmpty").isVisible()
    assert panel.timeline.model().rowCount() == 0


def test_switching_customers_lays_out_at_once(qtbot: QtBot, services: Services,
                                              margaret: int) -> None:
    panel = make_panel(qtbot, services)
    panel.show_customer(margaret)
    qtbot.waitExposed(panel)
    content = panel.scroll_area.widget()
    long_height = content.sizeHint().height()
    bare = services.customers.create(CustomerDraft(name="Short Profile")).id
    panel.show_customer(bare)
    # No event processed in between, yet the content already has (about) the short profile's
    # height, not the long one's with its sections spread apart.
    assert content.sizeHint().height() < long_height - 200
    # ...and its actual height already follows (no stale long layout waiting for an event).
    assert content.height() < max(content.sizeHint().height(),
                                  panel.scroll_area.viewport().height()) + 50


def test_refresh_and_deleted_customer(qtbot: QtBot, services: Services, margaret: int) -> None:
    panel = make_panel(qtbot, services)
    panel.show_customer(margaret)
    rows = panel.timeline.model().rowCount()
    services.interactions.log(InteractionDraft(customer_id=margaret, kind="call",
                                               occurred_at=NOW - timedelta(hours=1)))
    panel.refresh()
    assert panel.timeline.model().rowCount() == rows + 1
    # Just below the newest entry: the customer was added at NOW.
    assert panel.timeline.model().index(1, COL_TITLE).data() == "Call"

    services.customers.delete([margaret])
    panel.refresh()
    assert label(panel, "profileEmpty").text() == "This customer no longer exists."
    assert panel.customer_id() is None


def test_many_interactions(qtbot: QtBot, services: Services) -> None:
    cid = services.customers.create(CustomerDraft(name="Busy Bee")).id
    with services.db.unit_of_work() as session:
        session.add_all(Interaction(customer_id=cid, kind="call", summary=f"Call {i}",
                                    occurred_at=datetime(2025, 1, 1) + timedelta(hours=i),
                                    created_at=NOW) for i in range(500))
    panel = make_panel(qtbot, services)
    panel.show_customer(cid)
    assert panel.timeline.model().rowCount() == 200
    # As tall as its rows: the panel's scroll area does the scrolling.
    assert panel.timeline.height() >= 200 * panel.timeline.rowHeight(0) // 2


def test_wheel_over_the_timeline_scrolls_the_panel(qtbot: QtBot, services: Services,
                                                   margaret: int) -> None:
    panel = make_panel(qtbot, services)
    panel.resize(420, 400)
    panel.show_customer(margaret)
    qtbot.waitExposed(panel)
    bar = panel.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(10)
    point = panel.timeline.viewport().mapTo(panel, QPoint(80, 10))
    assert panel.childAt(point) is panel.timeline.viewport()
    before = bar.value()
    window = panel.windowHandle()
    assert window is not None
    QTest.wheelEvent(window, QPointF(point), QPoint(0, 120))
    qtbot.waitUntil(lambda: bar.value() < before)


def test_timeline_model(qtmodeltester, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    model = TimelineTableModel()
    entries = [
        TimelineEntry("interaction:purchase", datetime(2026, 3, 9, 15, 30), "Purchase · 84.50",
                      "Two <b>bowls</b>", 7),
        TimelineEntry("stage", datetime(2026, 3, 9, 15, 30), "Moved from A to B", "", 3),
        TimelineEntry("gesture", datetime(2026, 1, 2), "Gift", "Cost 5.00", 2),
        TimelineEntry("unknown_kind", datetime(2025, 1, 2), "Odd", "", 1),
    ]
    model.set_entries(entries)
    qtmodeltester.check(model)
    assert model.rowCount() == 4 and model.columnCount() == 3
    first = model.index(0, COL_TITLE)
    assert first.data(KIND_ROLE) == "interaction:purchase"
    assert first.data(REF_ID_ROLE) == 7
    assert not first.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert model.index(3, COL_TITLE).data(Qt.ItemDataRole.DecorationRole).isNull()
    tooltip = first.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bowls&lt;/b&gt;" in tooltip and "2026-03-09 15:30" in tooltip
    model.set_entries([])
    qtmodeltester.check(model)


@pytest.mark.parametrize("kind", ["interaction:call", "interaction:visit", "interaction:email",
                                  "interaction:message", "interaction:meeting",
                                  "interaction:purchase", "interaction:event", "gesture",
                                  "stage", "concern", "follow_up", "feedback"])
def test_every_kind_has_an_icon(qtbot: QtBot, kind: str) -> None:
    assert not kind_icon(kind).isNull(), icon_name(kind)
    assert not kind_icon(kind).pixmap(16, 16).isNull()


def test_wording_helpers() -> None:
    today = date(2026, 11, 20)
    assert (birthday_text(date(1979, 12, 3), today)
            == "1979-12-03 · 46 years old · birthday in 13 days")
    assert birthday_text(date(1980, 11, 20), today).endswith("46 years old · birthday today!")
    assert birthday_text(date(1980, 11, 21), today).endswith("45 years old · birthday tomorrow")
    # 29 February falls on the 28th in a year without one.
    assert birthday_text(date(2000, 2, 29), date(2027, 2, 27)).endswith("birthday tomorrow")
    assert ledger_total_text(0, 0) == "No gestures yet"
    assert ledger_total_text(1, 350) == "1 gesture, total cost 3.50"
    assert ledger_total_text(4, 8500) == "4 gestures, total cost 85.00"
