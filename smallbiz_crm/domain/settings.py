"""Every setting the owner can change, declared once: its key, type, default and where it lives.

Shop settings travel with the data (they are kept in the database: every computer of the shop
sees the same shop name and working days). Computer settings belong to this computer and are
kept in a small private file read before Qt or the database layer loads: the language of this
window, where this computer puts its backups (a backup folder cannot live inside the database it
protects), who works at this computer, and the address of a shared database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Scope(StrEnum):
    SHOP = "shop"
    COMPUTER = "computer"


@dataclass(frozen=True, slots=True)
class SettingKey:
    name: str
    default: Any
    kind: type = str
    scope: Scope = Scope.SHOP
    # False: kept by the app itself (the last printed checklist), not shown to the owner.
    owner_facing: bool = True


# Shop settings: in the database.
SHOP_NAME = SettingKey("shop_name", "My shop")
PAPER_SIZE = SettingKey("paper_size", "A4")
AUTO_PURCHASE_CADENCE = SettingKey("auto_purchase_cadence", True, bool)
SAMPLE_DATA = SettingKey("sample_data", False, bool, owner_facing=False)
LAST_CHECKLIST = SettingKey("last_checklist", None, dict, owner_facing=False)

# Computer settings: in this computer's settings file.
LANGUAGE = SettingKey("language", None, str, Scope.COMPUTER)
# The owner's other backup folder (a USB stick), as a path; None: the standard backups folder.
BACKUP_FOLDER = SettingKey("backup_folder", None, str, Scope.COMPUTER)
STAFF_NAME = SettingKey("staff_name", None, str, Scope.COMPUTER)
SHARED_DATABASE = SettingKey("shared_database", None, str, Scope.COMPUTER)

ALL_SETTINGS: tuple[SettingKey, ...] = (
    SHOP_NAME, PAPER_SIZE, AUTO_PURCHASE_CADENCE, SAMPLE_DATA, LAST_CHECKLIST,
    LANGUAGE, BACKUP_FOLDER, STAFF_NAME, SHARED_DATABASE,
)
