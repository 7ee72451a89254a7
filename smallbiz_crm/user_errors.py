"""Which errors are the user's to fix, and the one plain sentence that says so."""

from __future__ import annotations


class UserError(Exception):
    """A mistake or bad data the user can fix: shown as one line, never as a traceback."""


def user_message(exc: BaseException) -> str | None:
    """The one-line message for an error the user can act on; None for a bug."""
    import sqlite3  # here, not at the top: the window's start does not need it

    from smallbiz_crm.domain.validation import ValidationError
    from smallbiz_crm.services.errors import ConflictError, NotFoundError
    from smallbiz_crm.store.errors import StoreError, is_disk_full

    if is_disk_full(exc):
        # SQLite's "database or disk is full" and the system's "No space left on device"
        # alike: a unit of work rolls back whole, a file is written whole or not at all.
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        return (f"The disk is full{where}: what was being saved was not saved; free some "
                "space and try again.")
    readonly = getattr(exc, "orig", None) or exc
    if isinstance(readonly, sqlite3.OperationalError) and "readonly database" in str(readonly):
        return ("The database file is read-only: nothing was changed; make it writable to "
                "make changes.")
    if isinstance(exc, ValidationError):
        return "; ".join(exc.fields.values())
    if isinstance(exc, UserError | StoreError | NotFoundError | ConflictError):
        return str(exc)
    if isinstance(exc, ValueError) and type(exc).__module__.startswith("smallbiz_crm"):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}."
    if isinstance(exc, sqlite3.DatabaseError):
        return f"The database file cannot be used: {exc}"
    cause = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's error
    if isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause):
        return "The database is busy in another window or program; try again in a moment."
    if isinstance(cause, sqlite3.DatabaseError):
        return f"The database file cannot be used: {cause}"
    return None
