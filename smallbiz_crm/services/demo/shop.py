"""The shop's shared sample rows (tags, products, closure days, settings, the old import), and
what the database already holds that sample customers build on (stages, personas, cadences)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, func, insert, select, update

from smallbiz_crm.services.demo.draft import Reference, Row, Stage, Step
from smallbiz_crm.store.models import (
    CadenceStep,
    CadenceTemplate,
    ClosureDay,
    ErasureNote,
    ImportBatch,
    JourneyStage,
    Persona,
    Product,
    Setting,
    Tag,
)

SHOP_NAME = "Corner Bookshop & Café"
# The demo's one import (the shop's old till list) happened this long before `today`.
IMPORT_DAYS_AGO = 700

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


def set_up(conn: Connection, today: date) -> tuple[Reference, dict[str, int]]:
    """Read stages, personas and cadences; add tags, products, closure days and settings."""
    added: dict[str, int] = {}
    stages = [Stage(row.id, row.name, bool(row.is_lapsed)) for row in conn.execute(
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

    steps: dict[str, list[Step]] = {}
    for trigger, step_id, offset, kind, reason, consent in conn.execute(
            select(CadenceTemplate.trigger, CadenceStep.id, CadenceStep.offset_days,
                   CadenceStep.kind, CadenceStep.reason, CadenceStep.needs_consent)
            .join(CadenceStep, CadenceStep.cadence_id == CadenceTemplate.id)
            .where(CadenceTemplate.active.is_(True))
            .order_by(CadenceTemplate.id, CadenceStep.position, CadenceStep.id)):
        steps.setdefault(trigger, []).append(Step(step_id, offset, kind, reason, bool(consent)))
    reference = Reference(
        walk=walk, lapsed=lapsed, persona_ids=persona_ids,
        tag_ids=tuple(tags[name.casefold()] for name in _TAGS),
        products=tuple((pid, name) for pid, name, archived in products.values()
                       if not archived),
        steps={trigger: tuple(found) for trigger, found in steps.items()},
        import_batch_id=batch_id, imported_at=imported_at)
    return reference, added

