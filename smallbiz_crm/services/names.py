"""Name clashes compared the way people read names: without case, for any alphabet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def clashing_id(session: Session, model: Any, name: str) -> int | None:
    """The id of the row of `model` already called `name`, ignoring case; None if free.

    Compared in Python: SQLite's lower() folds ASCII only, so "Été" and "été" would differ.
    Stages, personas and tags are a few dozen rows, so reading them all is cheap.
    """
    key = name.casefold()
    for row_id, row_name in session.execute(select(model.id, model.name)):
        if str(row_name).casefold() == key:
            return int(row_id)
    return None
