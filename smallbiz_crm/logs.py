"""The log file: where unexpected errors are written in full, since users never see tracebacks."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("smallbiz_crm")


def setup_logging(log_file: Path) -> None:
    """Log to a rotating file, private to the owner; safe to call more than once."""
    root = logging.getLogger("smallbiz_crm")
    if any(getattr(h, "_smallbiz", False) for h in root.handlers):
        return
    # Imported here: logging.handlers pulls in socket and more, ~10 ms of every start.
    from logging.handlers import RotatingFileHandler

    try:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not log_file.exists():
            os.close(os.open(log_file, os.O_CREAT | os.O_WRONLY, 0o600))
        handler: logging.Handler = RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        # A read-only home must not stop the shop from working: log nowhere instead.
        handler = logging.NullHandler()
    handler._smallbiz = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
