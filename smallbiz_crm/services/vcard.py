"""vCard files: contacts from phones and address books in (3.0 and 4.0), customers out (3.0)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from smallbiz_crm.domain.content_lines import fold
from smallbiz_crm.services.import_reading import (
    SOURCE_VCARD,
    ImportFileError,
    RawRow,
    RawTable,
    decode_bytes,
    read_bytes,
)
from smallbiz_crm.services.import_values import compose_address

VCARD_COLUMNS = ("Name", "Kind", "Organisation", "Email", "Phone", "Address", "Birthday",
                 "Notes", "Categories")
_DETECTED = {"name": (0,), "kind": (1,), "company": (2,), "email": (3,), "phone": (4,),
             "address": (5,), "birthday": (6,), "notes": (7,), "tags": (8,)}
PRODID = "-//Smallbiz CRM//Smallbiz CRM//EN"
UID_DOMAIN = "smallbiz-crm"
# Apple Contacts writes a birthday without a year as 1604-MM-DD with this parameter.
APPLE_OMIT_YEAR = "X-APPLE-OMIT-YEAR"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BEGIN = re.compile(r"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END\s*:\s*VCARD\s*$", re.IGNORECASE)
_TEL_EXTENSION = re.compile(r";\s*ext=", re.IGNORECASE)
_GOOGLE_GROUP = "mycontacts"


# -- reading --------------------------------------------------------------------------------


def read_vcard(path: Path | str) -> RawTable:
    """Read a .vcf file of one or more contacts into rows for plan_import (source "vcard").

    A card that cannot be read becomes a row with an error, so the plan names its line; a
    file without any card is an ImportFileError. Group cards (vCard 4 KIND:group) are lists
    of other contacts, not customers, and are left out.
    """
    path = Path(path)
    text, encoding = decode_bytes(read_bytes(path), path.name, "a vCard file")
    return read_vcard_text(text, path.name, encoding)


def read_vcard_text(text: str, file_name: str, encoding: str = "utf-8") -> RawTable:
    rows: list[RawRow] = []
    versions: dict[str, None] = {}
    found = False
    for line, lines, complete in _blocks(text):
        found = True
        if not complete:
            rows.append(RawRow(line, (), "The card that starts on this line has no "
                                         "END:VCARD line; the file may be cut short."))
            continue
        try:
            card = _parse("\r\n".join(lines) + "\r\n")
            version = _text(_value(card, "version")).strip()
            if _text(_value(card, "kind")).strip().casefold() == "group":
                continue
            cells = _cells(card)
        except Exception as exc:  # noqa: BLE001 - vobject raises anything on a broken card
            reason = " ".join(str(exc).split())[:100] or type(exc).__name__
            rows.append(RawRow(line, (), f"This card cannot be read ({reason})."))
            continue
        if version:
            versions.setdefault(version[:10], None)
        rows.append(RawRow(line, cells))
    if not found:
        raise ImportFileError(f"{file_name} is not a vCard file: it has no BEGIN:VCARD line.")
    if not rows:
        raise ImportFileError(f"{file_name} holds no contacts.")
    return RawTable(file_name=file_name, encoding=encoding, delimiter="",
                    header=VCARD_COLUMNS,
                    columns={name: (VCARD_COLUMNS[i[0]],) for name, i in _DETECTED.items()},
                    ignored_columns=(), rows=tuple(rows), header_line=0, source=SOURCE_VCARD,
                    detected=dict(_DETECTED), versions=tuple(versions))


def _blocks(text: str) -> Iterator[tuple[int, list[str], bool]]:
    """(line of BEGIN:VCARD, the card's lines, whether END:VCARD closed it), top level only."""
    depth = 0
    start = 0
    lines: list[str] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if _BEGIN.match(line):
            if depth == 0:
                start, lines = number, []
            depth += 1
        if depth > 0:
            lines.append(line)
        if _END.match(line) and depth > 0:
            depth -= 1
            if depth == 0:
                yield start, lines, True
    if depth > 0:
        yield start, lines, False


def _parse(text: str) -> Any:
    import vobject  # ~0.1 s to import: only when a vCard is read

    return vobject.readOne(text, ignoreUnreadable=True, allowQP=True)


def _props(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name, ()))


def _value(card: Any, name: str) -> Any:
    props = _props(card, name)
    return props[0].value if props else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value if _text(item))
    if isinstance(value, bytes):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _preferred_first(props: Sequence[Any]) -> list[Any]:
    def rank(prop: Any) -> int:
        params = {key.upper(): [str(v).casefold() for v in values]
                  for key, values in getattr(prop, "params", {}).items()}
        types = ",".join(params.get("TYPE", ())).split(",")
        if "pref" in types:
            return 0
        pref = params.get("PREF", ["100"])[0]
        return int(pref) if pref.isdigit() else 100

    return sorted(props, key=rank)


def _phone(value: Any) -> str:
    text = _text(value).strip()
    if text[:4].casefold() == "tel:":
        text = text[4:]
    return _TEL_EXTENSION.sub(" ext ", text).strip()


def _name(card: Any) -> str:
    full = " ".join(_text(_value(card, "fn")).split())
    if full:
        return full
    props = _props(card, "n")
    if not props:
        return ""
    value = props[0].value
    if isinstance(value, str):
        family, given, additional, prefix, suffix = ([*value.split(";"), "", "", "", ""])[:5]
    else:
        family, given, additional, prefix, suffix = (
            _text(getattr(value, part, "")) for part in
            ("family", "given", "additional", "prefix", "suffix"))
    return " ".join(" ".join(part.split()) for part in
                    (prefix, given, additional, family, suffix) if part.strip())


def _address(prop: Any) -> str:
    value = prop.value
    if isinstance(value, str):
        parts = ([*value.split(";"), "", "", "", "", "", "", ""])[:7]
        box, extended, street, city, region, code, country = parts
    else:
        box, extended, street, city, region, code, country = (
            _text(getattr(value, part, "")) for part in
            ("box", "extended", "street", "city", "region", "code", "country"))
    text = compose_address(street, city, region, code, country, extended, box)
    if not text:
        labels = getattr(prop, "params", {}).get("LABEL", ())
        text = _text(list(labels)).replace("\\n", "\n").strip()
    return text


def _birthday(card: Any) -> str:
    props = _props(card, "bday")
    if not props:
        return ""
    prop = props[0]
    text = _text(prop.value).strip()
    params = {key.upper(): values for key, values in getattr(prop, "params", {}).items()}
    omit = params.get(APPLE_OMIT_YEAR)
    if omit and text.startswith(str(omit[0])) and len(text) >= 8:
        return "--" + text[len(str(omit[0])):].lstrip("-")
    return text


def _kind(card: Any) -> str:
    kind = _text(_value(card, "kind")).strip().casefold()
    show_as = _text(_value(card, "x-abshowas")).strip().casefold()
    return "business" if kind in {"org", "organization"} or show_as == "company" else ""


def _cells(card: Any) -> tuple[str, ...]:
    emails = [_text(p.value).strip() for p in _preferred_first(_props(card, "email"))]
    phones = [_phone(p.value) for p in _preferred_first(_props(card, "tel"))]
    addresses = [a for a in (_address(p) for p in _preferred_first(_props(card, "adr"))) if a]
    notes = [_text(p.value).strip() for p in _props(card, "note")]
    notes += ["Other address: " + " ".join(a.replace("\n", ", ").split()) for a in addresses[1:]]
    categories: list[str] = []
    for prop in _props(card, "categories"):
        value = prop.value
        items = value if isinstance(value, list) else _text(value).split(",")
        categories += [" ".join(_text(i).split()) for i in items
                       if _text(i).strip() and _text(i).strip().casefold() != _GOOGLE_GROUP]
    organisation = _value(card, "org")
    company = _text(organisation[0] if isinstance(organisation, list) and organisation
                    else organisation)
    return (_name(card), _kind(card), " ".join(company.split()),
            "\n".join(e for e in emails if e), "\n".join(p for p in phones if p),
            addresses[0] if addresses else "", _birthday(card),
            "\n\n".join(n for n in notes if n), "\n".join(categories))


# -- writing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VCardContact:
    """What a customer's vCard holds."""

    id: int
    name: str
    kind: str = "person"
    company: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    birthday: date | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()


def escape(text: str) -> str:
    """A vCard 3.0 TEXT value: backslash, comma, semicolon and line breaks escaped."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))


def split_name(name: str) -> tuple[str, str]:
    """(family, given) for the N property: the last word is taken as the family name."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return words[-1], " ".join(words[:-1])


def card_text(contact: VCardContact) -> str:
    """One vCard 3.0, CRLF line ends, as Apple Contacts, Google and Outlook read it."""
    business = contact.kind == "business"
    family, given = ("", "") if business else split_name(contact.name)
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"PRODID:{PRODID}",
             f"UID:customer-{contact.id}@{UID_DOMAIN}",
             f"FN:{escape(contact.name)}", f"N:{escape(family)};{escape(given)};;;"]
    if business:
        lines.append("X-ABShowAs:COMPANY")
    if contact.company:
        lines.append(f"ORG:{escape(contact.company)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{escape(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=VOICE:{escape(contact.phone)}")
    if contact.address:
        # The whole address in the street part: the app keeps it as one text, as typed.
        lines.append(f"ADR:;;{escape(contact.address)};;;;")
    if contact.birthday is not None:
        lines.append(f"BDAY:{contact.birthday.isoformat()}")
    if contact.notes:
        lines.append(f"NOTE:{escape(contact.notes)}")
    if contact.tags:
        lines.append("CATEGORIES:" + ",".join(escape(tag) for tag in contact.tags))
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def write_vcards(contacts: Iterable[VCardContact], handle: IO[str]) -> int:
    """Write the cards one after another; returns how many."""
    count = 0
    for contact in contacts:
        handle.write(card_text(contact))
        count += 1
    return count
