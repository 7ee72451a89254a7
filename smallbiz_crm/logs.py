"""The log file: where unexpected errors are written in full, since users never see tracebacks.

It holds no customer data: exception messages (which quote names, phone numbers and SQL
parameters) are logged by type with the data taken out, and every log file is 0600.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger("smallbiz_crm")

MAX_BYTES = 1_000_000
BACKUP_COUNT = 3

# What in an error message may be a customer's data: SQL parameters, quoted text, e-mail
# addresses, and numbers long enough to be a phone number, a date or an amount.
_PARAMETERS = re.compile(r"\[(?:SQL )?parameters:.*?\](?=\s*(?:\(|\[|$))", re.DOTALL)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.DOTALL)
_EMAIL = re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+")
_NUMBER = re.compile(r"[+(]?\d(?:[\d ()./-]*\d)?")
_MESSAGE_LIMIT = 300


def _without_data(number: re.Match[str]) -> str:
    text = number.group(0)
    return "<number>" if sum(char.isdigit() for char in text) >= 5 else text


def redact(message: str) -> str:
    """An error message with whatever may be a customer's data replaced by placeholders."""
    message = _PARAMETERS.sub("[parameters hidden]", message)
    message = _QUOTED.sub("'…'", message)
    message = _EMAIL.sub("<email>", message)
    message = _NUMBER.sub(_without_data, message)
    message = " ".join(message.split())
    return message if len(message) <= _MESSAGE_LIMIT else message[:_MESSAGE_LIMIT] + "…"


def describe_error(exc: BaseException) -> str:
    """`Type: message` for the log. An error the owner was shown in plain words (a form's
    validation, a bad file) is logged by type only: its words are about their data."""
    from smallbiz_crm.user_errors import user_message

    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    if user_message(exc) is not None:
        return f"{name} (explained to the owner; its words are not logged)"
    return f"{name}: {redact(str(exc))}"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it came from, oldest first, as Python prints them."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__)
    return found[::-1]


class PrivateFormatter(logging.Formatter):
    """Tracebacks keep their frames (code, not data); messages lose the customer's data."""

    def format(self, record: logging.LogRecord) -> str:
        # A copy: other handlers (a test's caplog) see the record as it was logged.
        record = logging.makeLogRecord(record.__dict__)
        record.exc_text = None
        if isinstance(record.args, tuple):
            record.args = tuple(describe_error(arg) if isinstance(arg, BaseException) else arg
                                for arg in record.args)
        return super().format(record)

    def formatException(self, ei: Any) -> str:
        exc = ei[1] if isinstance(ei, tuple) else None
        if not isinstance(exc, BaseException):
            return ""
        lines: list[str] = []
        for number, link in enumerate(_chain(exc)):
            if number:
                lines.append("\nAnother exception followed while handling it:\n\n")
            lines.append("Traceback (most recent call last):\n")
            tb: TracebackType | None = link.__traceback__
            lines.extend(traceback.format_tb(tb))
            lines.append(describe_error(link) + "\n")
        return "".join(lines).rstrip("\n")


def _make_private(path: Path) -> None:
    """Create the file 0600 if missing, and make an older one (written 0644) private."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
    os.chmod(path, 0o600)


def setup_logging(log_file: Path) -> None:
    """Log to a rotating file, private to the owner; safe to call more than once."""
    root = logging.getLogger("smallbiz_crm")
    if any(getattr(h, "_smallbiz", False) for h in root.handlers):
        return
    # Imported here: logging.handlers pulls in socket and more, ~10 ms of every start.
    from logging.handlers import RotatingFileHandler

    class PrivateRotatingFileHandler(RotatingFileHandler):
        """Each new log file (after a rotation too) is created 0600, not by the umask."""

        def _open(self) -> Any:
            _make_private(Path(self.baseFilename))
            return super()._open()

        def handleError(self, record: logging.LogRecord) -> None:
            # A full disk or a read-only folder must not print "--- Logging error ---" and a
            # traceback over the owner's output: what cannot be logged is left out.
            pass

    try:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for number in range(1, BACKUP_COUNT + 1):
            rotated = log_file.with_name(f"{log_file.name}.{number}")
            if rotated.exists():
                os.chmod(rotated, 0o600)
        handler: logging.Handler = PrivateRotatingFileHandler(
            log_file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError:
        # A read-only home must not stop the shop from working: log nowhere instead.
        handler = logging.NullHandler()
    handler._smallbiz = True  # type: ignore[attr-defined]
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
