"""Problems with the database file itself, each with a message an owner can act on."""

from __future__ import annotations


class StoreError(Exception):
    """The database file cannot be used as asked; str(error) is a plain one-line message."""


class NotADatabaseError(StoreError):
    pass


class SchemaTooNewError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class MissingDatabaseError(StoreError):
    pass
