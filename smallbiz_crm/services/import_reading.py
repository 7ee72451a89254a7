"""Reading contact files into raw rows: encodings, delimiters, header names, the CSV reader."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from smallbiz_crm.domain.kinds import CustomerKind
from smallbiz_crm.domain.validation import (
    Collector,
    ValidationError,
)

if TYPE_CHECKING:
    from _csv import Reader as _csv_reader


FIELDS = ("name", "first_name", "middle_name", "last_name", "kind", "company", "email", "phone",
          "address", "street", "city", "region", "postal_code", "country", "birthday", "notes",
          "tags", "stage")
NAME_FIELDS = ("name", "first_name", "middle_name", "last_name", "company")
ADDRESS_PARTS = ("street", "city", "region", "postal_code", "country")
SOURCE_CSV = "csv"
SOURCE_VCARD = "vcard"
DELIMITERS = ",;\t|"
MAX_TAG_LENGTH = 80
# Enough lines for csv.Sniffer to see the pattern; more only makes it slow.
SNIFF_BYTES = 16_384
CHUNK_ROWS = 2_000
MAX_PROBLEMS_IN_MESSAGE = 10

SKIP = "skip"
MERGE = "merge"
NEW = "new"
DUPLICATE_CHOICES = (SKIP, MERGE, NEW)

# Header names as normalize_header() leaves them: case-folded, without spaces, _ - . : / # '.
# Where a file has several columns for one field (Outlook's Mobile, Business and Home Phone),
# the earlier alias wins; the others fill in when it is empty (emails and phones beyond the
# first go into the notes). Google Contacts (old and new exports), Outlook, Excel sheets, and a
# few common German, French and Spanish titles.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "customer", "customername", "contact", "contactname",
             "displayname", "client", "clientname", "nomcomplet", "nombrecompleto"),
    "first_name": ("firstname", "givenname", "forename", "first", "vorname", "prenom",
                   "prénom", "nombre"),
    "middle_name": ("middlename", "additionalname", "middle", "secondname"),
    "last_name": ("lastname", "familyname", "surname", "last", "nachname", "nomdefamille",
                  "apellido", "apellidos"),
    "kind": ("kind", "customerkind", "customertype", "contacttype"),
    "company": ("company", "companyname", "organization", "organisation", "organizationname",
                "organisationname", "organization1name", "business", "businessname", "org",
                "employer", "firma", "unternehmen", "entreprise", "societe", "société",
                "empresa"),
    "email": ("email", "emailaddress", "mail", "email1", "email1value", "emailaddress1",
              "primaryemail", "workemail", "homeemail", "courriel", "correo",
              "correoelectronico", "email2", "email2value", "email2address", "emailaddress2",
              "email3", "email3value", "email3address", "emailaddress3", "email4value",
              "otheremail"),
    "phone": ("phone", "phonenumber", "telephone", "telephonenumber", "tel", "primaryphone",
              "mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "cellnumber",
              "phone1", "phone1value", "businessphone", "workphone", "homephone", "telefon",
              "téléphone", "telefono", "teléfono", "handy", "portable", "phone2",
              "phone2value", "phone3value", "phone4value", "companymainphone",
              "businessphone2", "homephone2", "otherphone", "carphone"),
    "address": ("address", "fulladdress", "address1formatted", "homeaddress",
                "businessaddress", "mailingaddress", "postaladdress", "adresse", "anschrift",
                "direccion", "dirección"),
    "street": ("street", "streetaddress", "address1street", "addressline1", "address1",
               "homestreet", "businessstreet", "otherstreet", "strasse", "straße", "rue",
               "calle"),
    "city": ("city", "town", "locality", "address1city", "homecity", "businesscity",
             "othercity", "ort", "stadt", "ville", "ciudad"),
    "region": ("state", "region", "province", "county", "stateprovince", "stateorprovince",
               "address1region", "homestate", "businessstate", "otherstate", "bundesland",
               "provincia"),
    "postal_code": ("postalcode", "postcode", "zip", "zipcode", "address1postalcode",
                    "homepostalcode", "businesspostalcode", "otherpostalcode", "plz",
                    "codepostal", "codigopostal", "códigopostal"),
    "country": ("country", "countryregion", "address1country", "homecountry",
                "homecountryregion", "businesscountry", "businesscountryregion",
                "othercountry", "othercountryregion", "land", "pays", "pais", "país"),
    "birthday": ("birthday", "birthdate", "dateofbirth", "dob", "bday", "born", "geburtstag",
                 "geburtsdatum", "anniversaire", "datedenaissance", "cumpleaños",
                 "fechadenacimiento"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description", "notizen",
              "notiz", "bemerkung", "bemerkungen", "remarques", "notas"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "segments",
             "segment", "groups", "groupmembership", "kategorien", "catégories", "etiquetas"),
    "stage": ("stage", "journeystage", "customerstage", "lifecyclestage", "journey"),
}
# Kept for callers of the first version.
FIRST_NAME_ALIASES = HEADER_ALIASES["first_name"]
LAST_NAME_ALIASES = HEADER_ALIASES["last_name"]

_ALIAS_RANK = {alias: (name, rank) for name, aliases in HEADER_ALIASES.items()
               for rank, alias in enumerate(aliases)}
_HEADER_NOISE = re.compile(r"[\s_\-.:/#'’]+")
# Google separates several values of one cell with " ::: ", a vCard's are on separate lines.
_TAG_SPLIT = re.compile(r":::|[,;]")
_MULTI_SPLIT = re.compile(r"\s*:::\s*|\n")
# What a spreadsheet export (ours included) puts before a cell it must not run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EMPTY_DATES = re.compile(r"^[0\s./\-]*$")
# Regions writing dates month first (3/14/1985); elsewhere 14/3/1985 (ISO is always understood).
MONTH_FIRST_REGIONS = frozenset({"US", "PH", "PR", "GU", "VI", "AS", "MP", "UM", "FM", "MH",
                                 "PW", "BZ"})
_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_ISO_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s].*)?$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})\.?$")
_NUMERIC_NO_YEAR = re.compile(r"^(\d{1,2})[./](\d{1,2})\.?$")
_DATE_WORDS = re.compile(r"[^\W\d_]+|\d+")
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
MERGE_UNDO_KEY = "import_batch.{}.merges"


# -- errors ---------------------------------------------------------------------------------


class ImportFileError(ValueError):
    """The file cannot be read as a table of customers; str() is one plain line."""


class ImportRejected(ValidationError):
    """Some rows are bad, so nothing was imported; `problems` names each line and reason."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems: tuple[ImportProblem, ...] = tuple(problems)
        lines = len({problem.line for problem in self.problems})
        # One line, whatever the cells held: a message may quote a multi-line cell.
        shown = " ".join(" ".join(str(problem).split())
                         for problem in self.problems[:MAX_PROBLEMS_IN_MESSAGE])
        more = len(self.problems) - MAX_PROBLEMS_IN_MESSAGE
        if more > 0:
            shown += f" And {more:,} more."
        rows = "1 row has a problem" if lines == 1 else f"{lines:,} rows have problems"
        super().__init__({"file": f"Nothing was imported: {rows}. {shown}"})


class ImportCancelled(Exception):
    """The owner cancelled; everything was rolled back."""

    def __init__(self) -> None:
        super().__init__("The import was cancelled; nothing was added.")


# -- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record of the file: its cells in column order, before any checking."""

    line: int  # physical line of the file where the record starts (the header is line 1)
    cells: tuple[str, ...]
    error: str = ""  # the record could not be read at all (a broken vCard)


@dataclass(frozen=True, slots=True)
class RawTable:
    file_name: str
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    # Field → the file's column titles feeding it, best first (the first filled one wins).
    columns: Mapping[str, tuple[str, ...]]
    ignored_columns: tuple[str, ...]
    rows: tuple[RawRow, ...]
    header_line: int = 1
    source: str = SOURCE_CSV
    # Field → column indexes, as `columns`; what plan_import uses unless told otherwise.
    detected: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    versions: tuple[str, ...] = ()  # vCard versions found

    def column_label(self, index: int) -> str:
        """The column's title, or "Column 3" for a column without one."""
        title = self.header[index] if index < len(self.header) else ""
        return _one_line(title) if title.strip() else f"Column {index + 1}"

    def resolve(self, mapping: Mapping[str, str | int | None] | None = None) -> dict[
            str, tuple[int, ...]]:
        """Field → column indexes: the detected columns, with `mapping` overriding fields.

        A mapping value is a column title, a column index, or None for "do not import".
        """
        columns = {name: tuple(indexes) for name, indexes in self.detected.items()}
        errors = Collector()
        for name, column in (mapping or {}).items():
            if name not in FIELDS:
                errors.add("mapping", f"'{name}' is not a customer field.")
                continue
            if column is None or column == "":
                columns.pop(name, None)
                continue
            if isinstance(column, int) and not isinstance(column, bool):
                if not 0 <= column < len(self.header):
                    errors.add(name, f"The file has no column {column + 1}.")
                    continue
                columns[name] = (column,)
                continue
            index = _title_index(self.header, str(column))
            if index is None:
                errors.add(name, f"The file has no column called '{_one_line(str(column))}'.")
                continue
            columns[name] = (index,)
        errors.raise_if_any()
        return columns

    def values(self, row: RawRow, mapping: Mapping[str, str | int | None] | None = None
               ) -> dict[str, str]:
        """The row's cell per mapped field (the first filled one of its columns)."""
        columns = self.resolve(mapping)
        return {name: _first(row.cells, indexes) for name, indexes in columns.items()}


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}, {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportDuplicate:
    """A row that looks like someone already known, and what the import does with it."""

    line: int
    existing_customer_id: int | None  # None: it repeats an earlier row of the same file
    reason: str
    other_line: int | None = None
    match: str = "email"  # "email" or "phone"
    choice: str = NEW
    name: str = ""  # the row's name
    existing_name: str = ""

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PlannedCustomer:
    line: int
    name: str
    company: str
    email: str
    phone: str
    phone_digits: str
    notes: str
    stage_id: int
    stage_name: str
    tags: tuple[str, ...] = ()
    kind: str = CustomerKind.PERSON.value
    address: str = ""
    birthday: date | None = None
    merge_into: int | None = None  # an existing customer to fill in instead of a new one


@dataclass(frozen=True, slots=True)
class ImportPlan:
    file_name: str
    source: str
    customers: tuple[PlannedCustomer, ...]  # what apply_import writes: new ones and merges
    problems: tuple[ImportProblem, ...]
    duplicates: tuple[ImportDuplicate, ...]
    ignored_columns: tuple[str, ...] = ()
    row_count: int = 0
    skipped: tuple[int, ...] = ()  # lines left out by a "skip" choice
    # Things done differently from the file that the owner should know (a birthday without
    # a year went into the notes); they do not stop the import.
    notices: tuple[ImportProblem, ...] = ()
    candidates: tuple[PlannedCustomer, ...] = ()  # every good row, before the choices
    mapping: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new_count(self) -> int:
        return sum(1 for customer in self.customers if customer.merge_into is None)

    @property
    def merge_count(self) -> int:
        return sum(1 for customer in self.customers if customer.merge_into is not None)


@dataclass(frozen=True, slots=True)
class ImportResult:
    file_name: str
    row_count: int
    imported: int  # customers added; 0 on a dry run
    batch_id: int | None = None
    dry_run: bool = False
    problems: tuple[ImportProblem, ...] = ()
    duplicates: tuple[ImportDuplicate, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    tags_created: tuple[str, ...] = ()
    merged: int = 0  # existing customers filled in from a row
    skipped: int = 0
    notices: tuple[ImportProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportBatchRecord:
    id: int
    imported_at: datetime
    source: str
    file_name: str
    row_count: int
    undone_at: datetime | None


@dataclass(frozen=True, slots=True)
class UndoResult:
    removed: int  # customers the import had added
    restored: int  # existing customers whose merged-in details were taken back


# -- reading --------------------------------------------------------------------------------


def normalize_header(title: str) -> str:
    return _HEADER_NOISE.sub("", title.casefold())


def _one_line(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _title_index(header: Sequence[str], title: str) -> int | None:
    for index, candidate in enumerate(header):
        if candidate == title:
            return index
    wanted = " ".join(title.split()).casefold()
    for index, candidate in enumerate(header):
        if " ".join(candidate.split()).casefold() == wanted:
            return index
    return None


def decode_bytes(data: bytes, name: str, what: str = "a CSV file") -> tuple[str, str]:
    """The text of the file and the encoding that read it."""
    candidates: list[str] = []
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates.append("utf-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.append("utf-16")
    else:
        head = data[:4096]
        if head.count(0) > len(head) // 4:
            # UTF-16 without a byte order mark: ASCII letters leave a NUL on one side.
            odd = head[1::2].count(0)
            even = head[0::2].count(0)
            candidates.append("utf-16-le" if odd >= even else "utf-16-be")
    # latin-1 maps every byte: only NULs, the mark of binary data, leave a file unread.
    candidates += ["utf-8-sig", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        return text.removeprefix("\ufeff"), encoding
    raise ImportFileError(f"{name} does not look like {what}: it contains binary data.")


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ImportFileError(f"Cannot read {path}: {reason}.") from None
    if not data.strip():
        raise ImportFileError(f"{path.name} is empty.")
    return data


def _sniff_delimiter(text: str) -> str:
    sample = text[:SNIFF_BYTES]
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut > 0 and len(text) > SNIFF_BYTES:
        sample = sample[:cut]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _reader(text: str, delimiter: str) -> _csv_reader:
    # Only the delimiter is taken from the sniffer: it guesses ' as the quote when names
    # like O'Brien appear, which would glue cells together.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                      doublequote=True, skipinitialspace=True, strict=False)


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        for record in _reader(text, delimiter):
            if any(cell.strip() for cell in record):
                return record
    except csv.Error:
        return []
    return []


def _known_fields(header: Iterable[str]) -> int:
    return len({_ALIAS_RANK[key][0] for key in map(normalize_header, header)
                if key in _ALIAS_RANK})


def _choose_delimiter(text: str) -> str:
    """The sniffed delimiter, unless another one splits the header into more known columns."""
    best = _sniff_delimiter(text)
    best_score = _known_fields(_first_record(text, best))
    for delimiter in DELIMITERS:
        if delimiter != best:
            score = _known_fields(_first_record(text, delimiter))
            if score > best_score:
                best, best_score = delimiter, score
    return best


def detect_columns(header: Sequence[str]) -> tuple[dict[str, tuple[int, ...]], tuple[str, ...]]:
    """Field → column indexes (best alias first, then file order) and the unmatched titles."""
    found: dict[str, list[tuple[int, int]]] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        match = _ALIAS_RANK.get(normalize_header(title))
        if match is None:
            if title.strip():
                ignored.append(_one_line(title))
            continue
        name, rank = match
        found.setdefault(name, []).append((rank, index))
    return ({name: tuple(index for _, index in sorted(pairs)) for name, pairs in found.items()},
            tuple(ignored))


def _has_name(columns: Mapping[str, Sequence[int]]) -> bool:
    return any(columns.get(name) for name in NAME_FIELDS)


def _no_name_error(name: str, header: Sequence[str]) -> ImportFileError:
    found = ", ".join(_one_line(t, 30) for t in header[:8] if t.strip()) or "nothing"
    return ImportFileError(
        f"{name} has no name column: its first line must give the column titles, "
        f"such as Name, Email, Phone (found: {found}).")


def _first(cells: Sequence[str], indexes: Sequence[int] | None, guarded: bool = True) -> str:
    """The first filled cell; `guarded`: a spreadsheet's cells, where an export may have put
    ' before a formula-like start (a vCard's text is never guarded, so its ' is the owner's)."""
    for index in indexes or ():
        if index < len(cells):
            cell = cells[index]
            if cell.strip():
                return _unguard(cell) if guarded else cell
    return ""


def _all_filled(cells: Sequence[str], indexes: Sequence[int] | None,
                guarded: bool = True) -> list[str]:
    return [_unguard(cells[index]) if guarded else cells[index] for index in indexes or ()
            if index < len(cells) and cells[index].strip()]


def _unguard(cell: str) -> str:
    """A cell as written before a spreadsheet export put ' before a formula-like start."""
    if cell[:1] == "'" and cell[1:2] in _FORMULA_START:
        return cell[1:]
    return cell


def read_table(text: str, file_name: str, encoding: str = "utf-8",
               require_name: bool = True) -> RawTable:
    """Split decoded CSV text into raw rows; see read_csv."""
    delimiter = _choose_delimiter(text)
    reader = _reader(text, delimiter)
    header: list[str] | None = None
    header_line = 1
    rows: list[RawRow] = []
    last_line = 0
    try:
        for record in reader:
            start = last_line + 1
            last_line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header, header_line = record, start
                if require_name and not _has_name(detect_columns(header)[0]):
                    raise _no_name_error(file_name, header)
                continue
            rows.append(RawRow(start, tuple(record)))
    except csv.Error as exc:
        raise ImportFileError(
            f"{file_name} cannot be read as CSV near line {last_line + 1}: {exc}.") from None
    if header is None:
        raise ImportFileError(f"{file_name} is empty.")
    if not rows:
        raise ImportFileError(f"{file_name} has a header line but no customers under it.")
    detected, ignored = detect_columns(header)
    titles = {name: tuple(_one_line(header[i]) for i in indexes)
              for name, indexes in detected.items()}
    return RawTable(file_name=file_name, encoding=encoding, delimiter=delimiter,
                    header=tuple(header), columns=titles, ignored_columns=ignored,
                    rows=tuple(rows), header_line=header_line, detected=detected)


def read_csv(path: Path | str, require_name: bool = True) -> RawTable:
    """Read a CSV file of customers in whatever encoding and delimiter a spreadsheet wrote.

    With require_name=False a file whose titles name no name column is still read, so that
    the import wizard can let the owner say which column holds the names.
    """
    path = Path(path)
    text, encoding = decode_bytes(read_bytes(path), path.name)
    return read_table(text, path.name, encoding, require_name)


def is_vcard(path: Path | str) -> bool:
    """True for a .vcf/.vcard file, or any file whose text starts with BEGIN:VCARD."""
    path = Path(path)
    if path.suffix.casefold() in {".vcf", ".vcard"}:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    for encoding in ("utf-16", "utf-8") if head.count(0) > len(head) // 4 else ("utf-8",):
        text = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
        if text[:11].upper() == "BEGIN:VCARD":
            return True
    return False

