"""Errors the services raise besides validation: things missing or changed by someone else."""

from __future__ import annotations


class NotFoundError(LookupError):
    """A record the caller named does not exist (any more); str() is a plain sentence."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Not found."


class ConflictError(RuntimeError):
    """The record changed since it was read: reload and try again."""
