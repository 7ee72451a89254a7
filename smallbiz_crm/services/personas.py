"""Personas (how a customer decides) and tags (the owner's own segments)."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from smallbiz_crm.domain.records.customers import PersonaRecord, TagRecord
from smallbiz_crm.domain.validation import Collector, check_long_text, check_name
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.names import clashing_id
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, CustomerTag, Persona, Tag


def persona_record(persona: Persona, customer_count: int = 0) -> PersonaRecord:
    ideas = tuple(line.strip() for line in persona.gesture_ideas.splitlines() if line.strip())
    return PersonaRecord(id=persona.id, name=persona.name, decides=persona.decides,
                         asks=persona.asks, motivation=persona.motivation,
                         how_to_talk=persona.how_to_talk, gesture_ideas=ideas,
                         customer_count=customer_count)


class PersonaService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self, with_counts: bool = True) -> list[PersonaRecord]:
        with self.db.read() as session:
            counts: dict[int | None, int] = {} if not with_counts else {
                persona_id: count for persona_id, count in session.execute(
                    select(Customer.persona_id, func.count()).group_by(Customer.persona_id))}
            return [persona_record(p, counts.get(p.id, 0))
                    for p in session.scalars(select(Persona).order_by(Persona.name))]

    def get(self, persona_id: int) -> PersonaRecord:
        with self.db.read() as session:
            persona = session.get(Persona, persona_id)
            if persona is None:
                raise NotFoundError("That persona no longer exists.")
            return persona_record(persona)

    def save(self, persona_id: int | None, name: str, decides: str = "", asks: str = "",
             motivation: str = "", how_to_talk: str = "",
             gesture_ideas: tuple[str, ...] = ()) -> PersonaRecord:
        """Create (persona_id None) or edit a persona."""
        errors = Collector()
        clean = check_name(name, errors, label="Persona name")
        motivation = check_long_text(motivation, errors, "motivation", "What drives them")
        how_to_talk = check_long_text(how_to_talk, errors, "how_to_talk", "How to talk to them")
        with self.db.unit_of_work() as session:
            clash = clashing_id(session, Persona, clean)
            if clash is not None and clash != persona_id:
                errors.add("name", f"There is already a persona called '{clean}'.")
            errors.raise_if_any()
            if persona_id is None:
                persona = Persona(name=clean)
                session.add(persona)
            else:
                found = session.get(Persona, persona_id)
                if found is None:
                    raise NotFoundError("That persona no longer exists.")
                persona = found
            persona.name = clean
            persona.decides = decides.strip()
            persona.asks = asks.strip()
            persona.motivation = motivation
            persona.how_to_talk = how_to_talk
            persona.gesture_ideas = "\n".join(i.strip() for i in gesture_ideas if i.strip())
            session.flush()
            return persona_record(persona)

    def delete(self, persona_id: int) -> None:
        """Customers with this persona keep everything else; their persona becomes unset."""
        with self.db.unit_of_work() as session:
            session.execute(delete(Persona).where(Persona.id == persona_id))


class TagService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self, with_counts: bool = True) -> list[TagRecord]:
        with self.db.read() as session:
            if not with_counts:
                return [TagRecord(id=tag.id, name=tag.name)
                        for tag in session.scalars(select(Tag).order_by(Tag.name))]
            rows = session.execute(
                select(Tag.id, Tag.name, func.count(CustomerTag.customer_id))
                .outerjoin(CustomerTag, CustomerTag.tag_id == Tag.id)
                .group_by(Tag.id).order_by(Tag.name)).all()
            return [TagRecord(id=i, name=n, customer_count=c) for i, n, c in rows]

    def rename(self, tag_id: int, name: str) -> TagRecord:
        errors = Collector()
        clean = check_name(name, errors, label="Tag name")
        with self.db.unit_of_work() as session:
            clash = clashing_id(session, Tag, clean)
            if clash is not None and clash != tag_id:
                errors.add("name", f"There is already a tag called '{clean}'.")
            errors.raise_if_any()
            tag = session.get(Tag, tag_id)
            if tag is None:
                raise NotFoundError("That tag no longer exists.")
            tag.name = clean
            session.flush()
            return TagRecord(id=tag.id, name=tag.name)

    def delete(self, tag_id: int) -> None:
        with self.db.unit_of_work() as session:
            session.execute(delete(Tag).where(Tag.id == tag_id))
