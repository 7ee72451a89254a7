"""The one-look relationship summary the owner prints before visiting a customer."""

from __future__ import annotations

from datetime import date
from typing import Any

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.records.printing import SummaryData
from smallbiz_crm.reports import (
    FAINT_RULE,
    RULE,
    SHADE,
    Styles,
    Target,
    build,
    draw_furniture,
    frame_width,
    long_date,
    paper,
    plural,
    styles,
)
from smallbiz_crm.reports.text import one_line

# Pair of columns in the details block: label, value, label, value (fractions of the width).
_DETAIL_COLUMNS = (0.155, 0.345, 0.12, 0.38)
# The "before you meet" box is a digest: each line's text is cut to about this many characters.
_GIST = 300
# A heading starts a new page when less than this is left under it (points).
_HEADING_ROOM = 80


def write_summary(data: SummaryData, target: Target) -> None:
    """Write the summary PDF to `target` (a path or a binary file)."""
    st = styles()
    page_size = paper(data.paper_size)
    width = frame_width(page_size)
    name = one_line(data.customer.name)
    printed = long_date(data.printed_at)

    def furniture(canvas: Any, page: int, pages: int) -> None:
        draw_furniture(canvas, page_size, data.shop_name, f"Relationship summary · {printed}",
                       f"{name} · for the shop's own use", page, pages)

    story = [*_title(data, st), *_details(data, st, width), *_before_you_meet(data, st, width),
             *_persona(data, st), *_journey(data, st, width), *_interactions(data, st, width),
             *_gestures(data, st, width), *_feedback(data, st, width), *_notes(data, st)]
    build(target, story, page_size, title=f"Relationship summary: {name}",
          author=one_line(data.shop_name), furniture=furniture)


# -- pieces ---------------------------------------------------------------------------------

def _table(rows: list[list[Any]], widths: list[float], header: bool = True,
           total_row: bool = False, right: tuple[int, ...] = ()) -> Any:
    """A table that repeats its header on each page and may split inside a tall row.

    Cells the app formats itself (dates, amounts) are plain strings, drawn without markup
    parsing (half the cost of a Paragraph); everything the owner typed is a Paragraph."""
    from reportlab.platypus import Table, TableStyle

    fonts = styles().fonts
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, 8.5, 10.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 1 if header else 0), (-1, -1), 0.4, (FAINT_RULE,) * 3),
    ]
    if header:
        commands += [("LINEBELOW", (0, 0), (-1, 0), 0.8, (RULE,) * 3),
                     ("BACKGROUND", (0, 0), (-1, 0), (SHADE,) * 3)]
    if total_row:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, (RULE,) * 3),
                     ("LINEBELOW", (0, -1), (-1, -1), 0, (1, 1, 1)),
                     ("FONT", (0, -1), (-1, -1), fonts.bold, 8.5, 10.5)]
    commands += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in right]
    return Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1,
                 style=TableStyle(commands), hAlign="LEFT")


def _heading(text: str, st: Styles) -> list[Any]:
    """A section heading, never alone at the foot of a page, yet without dragging a long
    table after it onto the next page (as keepWithNext would)."""
    from reportlab.platypus import CondPageBreak

    return [CondPageBreak(_HEADING_ROOM), st.para(text, st.heading)]


def _title(data: SummaryData, st: Styles) -> list[Any]:
    from reportlab.platypus import Spacer

    customer = data.customer
    kind = "Business" if customer.kind == "business" else ""
    flags = [flag for flag in (
        kind, "Archived" if customer.archived else "",
        "Not pursuing" + (f": {_gist(customer.not_pursuing_reason)}"
                          if customer.not_pursuing_reason.strip() else "")
        if customer.not_pursuing else "") if flag]
    story = [st.para(customer.name, st.title)]
    subtitle = " · ".join(part for part in (one_line(customer.company), *flags) if part)
    if subtitle:
        story.append(st.para(subtitle, st.subtitle))
    story.append(Spacer(1, 8))
    return story


def _birthday_text(birthday: date, today: date) -> str:
    age = today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
    return f"{birthday.isoformat()} (age {age})" if age >= 0 else birthday.isoformat()


def _details(data: SummaryData, st: Styles, width: float) -> list[Any]:
    """Contact details beside the relationship facts; only the rows that have something."""
    customer = data.customer
    today = data.printed_at.date()
    contact = [
        ("Phone", customer.phone),
        ("Email", customer.email),
        ("Address", customer.address),
        ("Birthday", _birthday_text(customer.birthday, today) if customer.birthday else ""),
        ("Customer since", customer.created_at.date().isoformat()),
        ("Last contact",
         customer.last_contact_at.date().isoformat() if customer.last_contact_at else ""),
        ("Came from", customer.source),
        ("Contact consent",
         "Agreed to marketing contact" if customer.consent_contact else "No marketing contact"),
    ]
    since = f" since {data.stage_since.date().isoformat()}" if data.stage_since else ""
    relationship = [
        ("Stage", f"{customer.stage_name}{since}"),
        ("Persona", customer.persona_name),
        ("Tags", ", ".join(customer.tags)),
        ("Referred by", customer.referred_by_name),
        ("Referred", ", ".join(data.referrals)),
    ]
    left = [(label, value) for label, value in contact if value.strip()]
    right = [(label, value) for label, value in relationship if value.strip()]
    rows = []
    for index in range(max(len(left), len(right))):
        row: list[Any] = []
        for side in (left, right):
            if index < len(side):
                label, value = side[index]
                row += [st.para(label, st.label), st.para(value, st.detail)]
            else:
                row += ["", ""]
        rows.append(row)
    if not rows:
        return []
    from reportlab.platypus import Spacer, Table, TableStyle

    table = Table(rows, colWidths=[width * share for share in _DETAIL_COLUMNS], splitInRow=1,
                  hAlign="LEFT", style=TableStyle([
                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      # Empty cells (the shorter column) must not be taller than the rest.
                      ("FONT", (0, 0), (-1, -1), st.fonts.regular, 8.5, 11),
                      ("LEFTPADDING", (0, 0), (-1, -1), 0),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                      ("TOPPADDING", (0, 0), (-1, -1), 1),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                  ]))
    return [table, Spacer(1, 6)]


def _gist(text: str) -> str:
    """`text` on one line, cut at a word near _GIST characters."""
    flat = one_line(text)
    if len(flat) <= _GIST:
        return flat
    return (flat[:_GIST].rsplit(" ", 1)[0] or flat[:_GIST]) + " …"


def _before_you_meet(data: SummaryData, st: Styles, width: float) -> list[Any]:
    """A shaded box with what is open right now: the things not to be caught out by."""
    from reportlab.platypus import Spacer, Table, TableStyle

    today = data.printed_at.date()
    lines: list[Any] = []

    def bullet(parts: list[tuple[str | None, bool]]) -> None:
        lines.append(st.rich(parts, st.bullet, bullet="•"))

    for concern in data.open_concerns:
        state = (f"answer was due {concern.due_at:%Y-%m-%d %H:%M} — overdue"
                 if concern.overdue else
                 f"answer due {concern.due_at:%Y-%m-%d %H:%M}" if not concern.answered
                 else "answered, not resolved yet")
        bullet([(f"Open {concern.kind.lower()}", True),
                (f" from {concern.received_at.date().isoformat()} ({state}): ", False),
                (_gist(concern.summary), False)])
    for follow_up in data.follow_ups:
        when = (f"was due {follow_up.due_on.isoformat()} — overdue" if follow_up.overdue
                else "due today" if follow_up.due_on == today
                else f"due {follow_up.due_on.isoformat()}")
        bullet([(f"Follow-up: {follow_up.kind}", True), (f" ({when})", False),
                (f": {_gist(follow_up.reason)}" if follow_up.reason.strip() else "", False)])
    for feedback in data.feedback_waiting:
        about = f" about {one_line(feedback.product)}" if feedback.product.strip() else ""
        bullet([(f"Waiting for news: {feedback.kind.lower()}{about}", True),
                (f" ({feedback.status}, since {feedback.received_on.isoformat()}): ", False),
                (_gist(feedback.text), False)])
    if data.next_birthday is not None:
        days = (data.next_birthday - today).days
        when = ("today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days")
        bullet([(f"Birthday {when}", True), (f": {long_date(data.next_birthday)}", False)])
    if data.last_told is not None:
        told = data.last_told
        bullet([("Last thing they told us", True),
                (f" ({told.occurred_at.date().isoformat()}, {told.kind.lower()}): ", False),
                (_gist(told.summary), False)])
    if not lines:
        lines.append(st.para("Nothing open: no concerns, follow-ups or feedback waiting.",
                             st.body))
    content = [st.para("Before you meet", st.box_title), *lines]
    box = Table([[content]], colWidths=[width], splitInRow=1, hAlign="LEFT",
                style=TableStyle([
                    ("BOX", (0, 0), (-1, -1), 1.0, (0, 0, 0)),
                    ("BACKGROUND", (0, 0), (-1, -1), (SHADE + 0.03,) * 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 9),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                    ("TOPPADDING", (0, 0), (-1, -1), 7),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]))
    return [box, Spacer(1, 4)]


def _persona(data: SummaryData, st: Styles) -> list[Any]:
    persona = data.persona
    if persona is None:
        return []
    story: list[Any] = [*_heading(f"How to talk to them · {one_line(persona.name)}", st)]
    facts = " · ".join(part for part in (
        f"Decides {one_line(persona.decides)}" if persona.decides.strip() else "",
        f"Asks “{one_line(persona.asks)}”" if persona.asks.strip() else "") if part)
    if facts:
        story.append(st.para(facts, st.muted))
    if persona.how_to_talk.strip():
        story.append(st.para(persona.how_to_talk, st.body))
    if persona.motivation.strip():
        story.append(st.rich([("What drives them: ", True), (persona.motivation, False)]))
    ideas = [one_line(idea) for idea in persona.gesture_ideas if idea.strip()]
    if ideas:
        story.append(st.rich([("Gesture ideas: ", True), ("; ".join(ideas), False)]))
    return story


def _journey(data: SummaryData, st: Styles, width: float) -> list[Any]:
    if not data.history:
        return []
    rows: list[list[Any]] = [[st.para("Date", st.cell_head), st.para("Move", st.cell_head),
                              st.para("Why", st.cell_head)]]
    for step in data.history:
        move = (f"{step.from_stage} → {step.to_stage}" if step.from_stage
                else f"Started at {step.to_stage}")
        rows.append([step.changed_at.date().isoformat(), st.para(move, st.cell),
                     st.para(step.why, st.cell)])
    return [*_heading(f"Journey · now {one_line(data.customer.stage_name)}", st),
            _table(rows, [width * 0.16, width * 0.5, width * 0.34])]


def _interactions(data: SummaryData, st: Styles, width: float) -> list[Any]:
    if not data.interactions:
        return []
    shown = len(data.interactions)
    title = ("Recent interactions" if shown == data.interaction_count
             else f"Recent interactions · the latest {shown:,} of {data.interaction_count:,}")
    has_amounts = any(line.amount for line in data.interactions)
    head = [st.para("Date", st.cell_head), st.para("Kind", st.cell_head),
            st.para("What happened", st.cell_head)]
    widths = [width * 0.13, width * 0.15]
    if has_amounts:
        head.append(st.para("Amount", st.cell_head_right))
        widths += [width * 0.58, width * 0.14]
    else:
        widths.append(width * 0.72)
    rows: list[list[Any]] = [head]
    for line in data.interactions:
        row = [line.occurred_at.date().isoformat(), st.two_lines(line.kind, line.sentiment),
               st.para(line.summary, st.cell)]
        if has_amounts:
            row.append(one_line(line.amount))
        rows.append(row)
    return [*_heading(title, st), _table(rows, widths, right=(3,) if has_amounts else ())]


def _gestures(data: SummaryData, st: Styles, width: float) -> list[Any]:
    if not data.gestures:
        return []
    rows: list[list[Any]] = [[st.para(text, st.cell_head) for text in (
        "Date", "Gesture", "Occasion", "What followed")] + [st.para("Cost", st.cell_head_right)]]
    for gesture in data.gestures:
        what = gesture.kind + (f": {gesture.description}" if gesture.description.strip() else "")
        rows.append([gesture.given_on.isoformat(), st.para(what, st.cell),
                     st.para(gesture.occasion, st.cell), st.para(gesture.outcome, st.cell),
                     format_cents(gesture.cost_cents)])
    count = plural(len(data.gestures), "gesture")
    rows.append([f"Total cost of {count}", "", "", "", format_cents(data.gesture_total_cents)])
    table = _table(rows, [width * 0.13, width * 0.3, width * 0.2, width * 0.25, width * 0.12],
                   total_row=True, right=(4,))
    table.setStyle([("SPAN", (0, -1), (3, -1))])
    return [*_heading(f"Gestures · {count}, total cost "
                      f"{format_cents(data.gesture_total_cents)}", st), table]


def _feedback(data: SummaryData, st: Styles, width: float) -> list[Any]:
    if not data.feedback:
        return []
    rows: list[list[Any]] = [[st.para(text, st.cell_head) for text in (
        "Received", "Kind", "What they said", "Status")]]
    for line in data.feedback:
        about = f"about {line.product}" if line.product.strip() else ""
        told = (f"told {line.told_on.isoformat()}" if line.told_on is not None
                else "waiting for news" if line.waiting else "")
        rows.append([line.received_on.isoformat(), st.two_lines(line.kind, about),
                     st.para(line.text, st.cell), st.two_lines(line.status, told)])
    return [*_heading("Feedback", st),
            _table(rows, [width * 0.13, width * 0.17, width * 0.52, width * 0.18])]


def _notes(data: SummaryData, st: Styles) -> list[Any]:
    notes = data.customer.notes
    if not notes.strip():
        return []
    # One paragraph per typed paragraph: each may split across pages on its own.
    blocks = [block for block in notes.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return [*_heading("Personal notes", st), *(st.para(block.strip("\n"), st.body)
                                              for block in blocks)]
