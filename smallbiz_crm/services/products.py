"""The products the owner keeps, for customers to give feedback about."""

from __future__ import annotations

import builtins

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FeedbackStatus
from smallbiz_crm.domain.records.feedback import ProductRecord
from smallbiz_crm.domain.validation import Collector, check_long_text, check_name
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.names import clashing_id
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Feedback, Product


class ProductService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self, include_archived: bool = True) -> builtins.list[ProductRecord]:
        """Products by name, each with how much feedback it has (and how much is open)."""
        open_values = [s.value for s in FeedbackStatus if not s.is_closed]
        with self.db.read() as session:
            counts = {
                product_id: (total, open_count)
                for product_id, total, open_count in session.execute(
                    select(Feedback.product_id, func.count(),
                           func.count().filter(Feedback.status.in_(open_values)))
                    .where(Feedback.product_id.is_not(None))
                    .group_by(Feedback.product_id))}
            query = select(Product).order_by(Product.name)
            if not include_archived:
                query = query.where(Product.archived.is_(False))
            return [_product_record(p, *counts.get(p.id, (0, 0)))
                    for p in session.scalars(query)]

    def get(self, product_id: int) -> ProductRecord:
        with self.db.read() as session:
            return _product_record(_load_product(session, product_id))

    def add(self, name: str, description: str = "") -> ProductRecord:
        errors = Collector()
        clean = check_name(name, errors, label="Product name")
        description = check_long_text(description, errors, "description", "The description")
        with self.db.unit_of_work() as session:
            if clean and clashing_id(session, Product, clean) is not None:
                errors.add("name", f"There is already a product called '{clean}'.")
            errors.raise_if_any()
            product = Product(name=clean, description=description)
            session.add(product)
            session.flush()
            return _product_record(product)

    def rename(self, product_id: int, name: str) -> ProductRecord:
        errors = Collector()
        clean = check_name(name, errors, label="Product name")
        with self.db.unit_of_work() as session:
            clash = clashing_id(session, Product, clean) if clean else None
            if clash is not None and clash != product_id:
                errors.add("name", f"There is already a product called '{clean}'.")
            errors.raise_if_any()
            product = _load_product(session, product_id)
            product.name = clean
            session.flush()
            return _product_record(product)

    def archive(self, product_id: int, archived: bool = True) -> ProductRecord:
        """An archived product keeps its feedback but is no longer offered for new feedback."""
        with self.db.unit_of_work() as session:
            product = _load_product(session, product_id)
            product.archived = archived
            session.flush()
            return _product_record(product)

    def delete(self, product_id: int) -> None:
        """Its feedback stays, with its text, as feedback about no particular product."""
        with self.db.unit_of_work() as session:
            # The foreign key would do this too; doing it here does not depend on the pragma.
            session.execute(update(Feedback).where(Feedback.product_id == product_id)
                            .values(product_id=None))
            session.execute(delete(Product).where(Product.id == product_id))


def _product_record(product: Product, feedback_count: int = 0,
                    open_count: int = 0) -> ProductRecord:
    return ProductRecord(id=product.id, name=product.name, description=product.description,
                         archived=product.archived, feedback_count=feedback_count,
                         open_count=open_count)


def _load_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFoundError("That product no longer exists.")
    return product
