"""Trust under faults: a shop owner's bad day, measured on the real command line.

Kills `import`, `restore` and `backup` with SIGKILL at random moments (seeded, uniform over
the measured length of each job) and counts committed rows lost and files failing
`PRAGMA integrity_check`; offers `restore` six kinds of bad backup and reports how each is
refused; fills a small tmpfs with `demo` and reports what the owner is told and what still
works. Prints figures and asserts nothing: it is not a test, and pytest does not collect it.

Run from the repository root with the project's virtualenv (as root, for the full-disk part's
`mount -t tmpfs`; without that permission it is skipped with the reason printed):

    PYTHONPATH=. .venv/bin/python tests/faults/kill_trials.py [--trials 50] [--seed 1]
        [--only import,restore,backup,bad,disk] [--disk-mb 3] [--keep]

About 8-10 minutes at the defaults on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from smallbiz_crm.services.backups import backup_files  # noqa: E402
from smallbiz_crm.store.backup import integrity_problems  # noqa: E402

IMPORT_ROWS = 20_000
SHOP_CUSTOMERS = 5_000
SMALL_SHOP_CUSTOMERS = 300
COMMAND_TIMEOUT = 300
SECTIONS = ("import", "restore", "backup", "bad", "disk")


# -- running the real command line --------------------------------------------------------


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("SMALLBIZ_CRM_DATA_DIR", None)
    return env


def cli_args(db: Path, *command: str) -> list[str]:
    return [sys.executable, "-m", "smallbiz_crm", "--db", str(db), *command]


@dataclass
class Run:
    code: int | None  # None: killed by us
    out: str
    err: str
    seconds: float

    def message(self) -> str:
        """The one line the owner reads: the last of stderr, else the last of stdout."""
        for text in (self.err, self.out):
            lines = [line for line in text.splitlines() if line.strip()]
            if lines:
                return lines[-1].strip()
        return "(nothing printed)"


def run_cli(db: Path, *command: str, folder: Path | None = None) -> Run:
    folder = folder or db.parent
    start = time.perf_counter()
    with (folder / "stdout.txt").open("w+") as out, (folder / "stderr.txt").open("w+") as err:
        proc = subprocess.run(cli_args(db, *command), stdout=out, stderr=err, env=cli_env(),
                              cwd=ROOT, timeout=COMMAND_TIMEOUT, check=False)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read(), err.read(), seconds)


@dataclass
class Killed:
    run: Run
    killed: bool
    writing: bool  # a -wal, -journal or .partial was being written at the moment of the kill


def run_and_kill(db: Path, command: list[str], delay: float, folder: Path,
                 writing: Callable[[], bool]) -> Killed:
    """Start the command, SIGKILL it `delay` seconds later unless it finished first."""
    out_path, err_path = folder / "stdout.txt", folder / "stderr.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cli_args(db, *command), stdout=out, stderr=err, env=cli_env(),
                                cwd=ROOT)
        try:
            proc.wait(timeout=delay)
            killed, was_writing = False, False
        except subprocess.TimeoutExpired:
            was_writing = writing()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            killed = True
        seconds = time.perf_counter() - start
    run = Run(None if killed else proc.returncode, out_path.read_text(), err_path.read_text(),
              seconds)
    return Killed(run, killed, was_writing)


# -- reading files as the next start of the app would -------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    counts: dict[str, int]
    digest: str

    @property
    def customers(self) -> int:
        return self.counts.get("customer", 0)


def fingerprint(path: Path) -> Fingerprint | None:
    """Row counts of every table (the search index aside) and a hash of every customer row,
    read through a read-write connection so a hot journal or WAL is recovered as the app
    would on its next start."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(path)
        try:
            tables = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'sqlite_%' AND name NOT LIKE 'customer_fts%' ORDER BY name")]
            counts: dict[str, int] = {}
            digest = hashlib.sha256()
            for table in tables:
                counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                digest.update(f"{table} {counts[table]}".encode())
            # Every customer row whole; the other tables by their counts (hashing all of
            # them took a second a trial and told nothing more: a mix shows in the counts).
            for row in conn.execute("SELECT * FROM customer ORDER BY id"):
                digest.update(repr(row).encode())
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return Fingerprint(counts, digest.hexdigest())


def integrity(path: Path) -> str | None:
    """None when the file passes integrity_check (and the search index's own check)."""
    try:
        problems = integrity_problems(path)
    except Exception as exc:  # noqa: BLE001 - any failure to check is a failure to report
        return f"{type(exc).__name__}: {exc}"
    return problems[0] if problems else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rows_missing(reference: Fingerprint, now: Fingerprint | None) -> int:
    if now is None:
        return sum(reference.counts.values())
    return sum(max(0, count - now.counts.get(table, 0))
               for table, count in reference.counts.items())


def copy_db(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        companion = source.with_name(source.name + suffix)
        if companion.exists():
            shutil.copy2(companion, dest.with_name(dest.name + suffix))


def settle(path: Path) -> None:
    """Checkpoint and leave one self-contained file (no WAL beside it), as after a clean exit."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def wal_busy(db: Path) -> bool:
    for suffix in ("-wal", "-journal"):
        companion = db.with_name(db.name + suffix)
        if companion.exists() and companion.stat().st_size > 0:
            return True
    return False


def any_partial(folder: Path) -> bool:
    return folder.exists() and any(p.name.endswith(".partial") for p in folder.iterdir())


# -- the shop's files ---------------------------------------------------------------------


FIRST = ["Maria", "Tom", "Aisha", "Jean-Luc", "Priya", "Sam", "Hannah", "Kenji", "Grace", "Luis",
         "Zoë", "Björn", "Ana", "Łukasz", "Chloé", "Mohammed", "Olga", "Wei", "Siobhán", "Ravi"]
LAST = ["Delgado", "Becker", "Rahman", "Fournier", "Natarajan", "O'Brien", "Müller", "Watanabe",
        "Okafor", "Ortega", "Núñez", "Köhler", "Silva", "Żółć", "Lefèvre", "Haddad", "Chen"]
TAGS = ["wholesale", "newsletter", "vip", "florist", "birthday club", "referral source"]


def write_csv(path: Path, rows: int, seed: int) -> None:
    """A customer list as a spreadsheet saves it. Phone numbers on one row in ten only:
    checking phones is most of an import's time, and the kills should land on writing too."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Name", "Company", "Email", "Phone", "Tags", "Notes"])
        for number in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            out.writerow([
                f"{first} {last}", f"{last} & Co" if number % 7 == 0 else "",
                f"{first.lower()}.{number}@import.example",
                f"+1 415 555 {number % 10000:04d}" if number % 10 == 0 else "",
                ", ".join(rng.sample(TAGS, rng.randint(0, 2))),
                f"Met at the market, list {number}"])


@dataclass
class Shop:
    """The files every section starts from, made once by the real command line."""

    big: Path          # the 5,000-customer demo shop, as it is now (a little after its backup)
    backup: Path       # a backup of it, taken with `backup`
    small: Path        # a 300-customer shop that imports the CSV
    csv: Path
    made_in: dict[str, float] = field(default_factory=dict)


def make_shop(work: Path, seed: int) -> Shop:
    base = work / "base"
    base.mkdir()
    big, small, backup = base / "shop.db", base / "small.db", base / "shop-backup.db"
    made: dict[str, float] = {}
    for db, customers in ((big, SHOP_CUSTOMERS), (small, SMALL_SHOP_CUSTOMERS)):
        run = run_cli(db, "demo", "--customers", str(customers), "--seed", str(seed))
        if run.code != 0:
            raise SystemExit(f"demo failed: {run.message()}")
        made[f"demo {customers}"] = run.seconds
        settle(db)
    run = run_cli(big, "backup", str(backup))
    if run.code != 0:
        raise SystemExit(f"backup failed: {run.message()}")
    # After the backup, the owner kept working: 50 more customers the backup does not hold.
    extra = base / "extra.csv"
    write_csv(extra, 50, seed + 1)
    run = run_cli(big, "import", "csv", str(extra))
    if run.code != 0:
        raise SystemExit(f"import of the extra customers failed: {run.message()}")
    settle(big)
    shutil.rmtree(base / "backups", ignore_errors=True)
    rows = base / "customers.csv"
    write_csv(rows, IMPORT_ROWS, seed)
    return Shop(big=big, backup=backup, small=small, csv=rows, made_in=made)


# -- kill trials --------------------------------------------------------------------------


@dataclass
class Tally:
    job: str
    seconds: float = 0.0          # the job's measured length, uninterrupted
    trials: int = 0
    killed: int = 0
    writing: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    rows_lost: int = 0
    trials_losing: int = 0
    bad_files: int = 0
    leftovers: int = 0            # .partial files left by a kill
    leftovers_listed: int = 0     # ... among the backups the app lists (and would offer)
    leftovers_cleared: int = 0    # ... gone after the next run of the same job
    reported_not_done: int = 0
    # import: killed later than a dry run's length (rows checked, now being written; the
    # import's big page cache keeps its writes out of the WAL until the commit, so no file
    # shows them); restore and backup: a -wal, -journal or .partial was being written.
    late_after: float | None = None
    notes: list[str] = field(default_factory=list)

    def lose(self, rows: int, note: str) -> None:
        if rows:
            self.rows_lost += rows
            self.trials_losing += 1
            self.notes.append(note)

    def bad(self, path: Path, problem: str | None) -> None:
        if problem is not None:
            self.bad_files += 1
            self.notes.append(f"{path.name}: {problem}")


def trial_folder(work: Path, job: str, number: int) -> Path:
    folder = work / job / f"trial-{number:03d}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def measure(job: str, prepare: Callable[[Path], tuple[Path, list[str]]], work: Path) -> float:
    """How long the job takes when nothing goes wrong (the shorter of two runs: the machine
    may be busy with other work)."""
    seconds = []
    for attempt in range(2):
        folder = trial_folder(work, job, 900 + attempt)
        db, command = prepare(folder)
        run = run_cli(db, *command, folder=folder)
        if run.code != 0:
            raise SystemExit(f"{job} failed without a kill: {run.message()}")
        seconds.append(run.seconds)
        shutil.rmtree(folder)
    return min(seconds)


def import_trials(shop: Shop, work: Path, trials: int, rng: random.Random) -> Tally:
    before = fingerprint(shop.small)
    assert before is not None

    def prepare(folder: Path) -> tuple[Path, list[str]]:
        db = folder / "shop.db"
        copy_db(shop.small, db)
        return db, ["import", "csv", str(shop.csv)]

    def dry_run(folder: Path) -> tuple[Path, list[str]]:
        db, command = prepare(folder)
        return db, [*command, "--dry-run"]

    tally = Tally("import", seconds=measure("import", prepare, work))
    # Checking the rows writes nothing; kills after a dry run's length land on the writing.
    tally.late_after = measure("import-dry-run", dry_run, work)
    for number in range(trials):
        folder = trial_folder(work, "import", number)
        db, command = prepare(folder)
        delay = rng.uniform(0, tally.seconds)
        result = run_and_kill(db, command, delay, folder, lambda: False)
        count_trial(tally, result)
        tally.writing += result.killed and delay > tally.late_after
        reported = "Imported" in result.run.out
        now = fingerprint(db)
        tally.bad(db, integrity(db))
        added = (now.customers if now else 0) - before.customers
        if now is not None and now.digest == before.digest:
            outcome = "none"
        elif added == IMPORT_ROWS:
            outcome = "all"
        else:
            outcome = f"partial ({added:+,} customers)"
        tally.outcomes[outcome] += 1
        tally.lose(rows_missing(before, now), f"trial {number}: rows of the shop missing")
        if reported and added != IMPORT_ROWS:
            tally.reported_not_done += 1
            tally.lose(IMPORT_ROWS - max(added, 0), f"trial {number}: reported, not there")
        check_other_files(tally, folder, skip={db})
        shutil.rmtree(folder)
    return tally


def count_trial(tally: Tally, result: Killed) -> None:
    tally.trials += 1
    tally.killed += result.killed
    tally.writing += result.writing
    if not result.killed and result.run.code != 0:
        tally.notes.append(f"finished unkilled with exit {result.run.code}: "
                           f"{result.run.message()}")


def check_other_files(tally: Tally, folder: Path, skip: set[Path]) -> list[Path]:
    """Every other database file the job left (backups, safety copies) must pass the check;
    a .partial is a leftover (never shown as a backup), returned for the caller to follow."""
    partials = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path in skip:
            continue
        if ".partial" in path.name:  # the half-written copy, or its -journal
            partials.append(path)
        elif path.suffix == ".db":
            tally.bad(path, integrity(path))
    tally.leftovers += len(partials)
    tally.leftovers_listed += sum(path in backup_files(path.parent) for path in partials)
    return partials


def restore_trials(shop: Shop, work: Path, trials: int, rng: random.Random) -> Tally:
    old, backup = fingerprint(shop.big), fingerprint(shop.backup)
    assert old is not None and backup is not None
    backup_hash = sha256(shop.backup)

    def prepare(folder: Path) -> tuple[Path, list[str]]:
        db = folder / "shop.db"
        copy_db(shop.big, db)
        return db, ["restore", str(shop.backup)]

    tally = Tally("restore", seconds=measure("restore", prepare, work))
    for number in range(trials):
        folder = trial_folder(work, "restore", number)
        db, command = prepare(folder)
        result = run_and_kill(
            db, command, rng.uniform(0, tally.seconds), folder,
            lambda db=db, folder=folder: (
                wal_busy(db) or any_partial(folder / "backups")))
        count_trial(tally, result)
        reported = "Restored" in result.run.out
        now = fingerprint(db)
        tally.bad(db, integrity(db))
        state = ("old" if now is not None and now.digest == old.digest else
                 "backup" if now is not None and now.digest == backup.digest else "neither")
        tally.outcomes[state] += 1
        if state == "neither":
            tally.lose(min(rows_missing(old, now), rows_missing(backup, now)),
                       f"trial {number}: the file is neither the old one nor the backup")
        if reported and state != "backup":
            tally.reported_not_done += 1
            tally.lose(rows_missing(backup, now), f"trial {number}: reported, not restored")
        partials = check_other_files(tally, folder, skip={db})
        if partials:
            tally.leftovers_cleared += next_restore_clears(tally, db, shop.backup, backup,
                                                           partials, number)
        shutil.rmtree(folder)
    if sha256(shop.backup) != backup_hash:
        tally.notes.append("the backup file itself was changed by restoring it")
    return tally


def next_restore_clears(tally: Tally, db: Path, backup: Path, expected: Fingerprint,
                        partials: list[Path], number: int) -> int:
    """The owner tries the restore again: does it work, and take the leftovers away?"""
    run = run_cli(db, "restore", str(backup), folder=db.parent)
    now = fingerprint(db)
    if run.code != 0 or now is None or now.digest != expected.digest:
        tally.notes.append(f"trial {number}: the restore tried again: {run.message()}")
    tally.bad(db, integrity(db))
    return sum(not path.exists() for path in partials)


def backup_trials(shop: Shop, work: Path, trials: int, rng: random.Random) -> Tally:
    source_folder = work / "backup" / "source"
    source = source_folder / "shop.db"
    copy_db(shop.big, source)
    source_hash, source_print = sha256(source), fingerprint(source)
    assert source_print is not None

    def prepare(folder: Path) -> tuple[Path, list[str]]:
        return source, ["backup", str(folder / "copy.db")]

    tally = Tally("backup", seconds=measure("backup", prepare, work))
    for number in range(trials):
        folder = trial_folder(work, "backup", number)
        _, command = prepare(folder)
        dest = folder / "copy.db"
        result = run_and_kill(source, command, rng.uniform(0, tally.seconds), folder,
                              lambda folder=folder: any_partial(folder))
        count_trial(tally, result)
        if sha256(source) != source_hash:
            tally.bad(source, integrity(source))
            tally.lose(rows_missing(source_print, fingerprint(source)),
                       f"trial {number}: the source lost rows")
            tally.notes.append(f"trial {number}: the source file's bytes changed")
            copy_db(shop.big, source)
            source_hash = sha256(source)
        outcome = judge_backup(tally, dest, source_print, "Backed up" in result.run.out, number)
        partials = check_other_files(tally, folder, skip={dest})
        if partials:
            outcome += " + .partial left"
            tally.leftovers_cleared += next_backup_clears(tally, source, dest, partials, number)
        tally.outcomes[outcome] += 1
        shutil.rmtree(folder)
    return tally


def judge_backup(tally: Tally, dest: Path, source: Fingerprint, reported: bool,
                 number: int) -> str:
    if not dest.exists():
        if reported:
            tally.reported_not_done += 1
            tally.lose(sum(source.counts.values()), f"trial {number}: reported, no file")
        return "no backup"
    problem = integrity(dest)
    tally.bad(dest, problem)
    copy = fingerprint(dest)
    if problem is None and copy is not None and copy.digest == source.digest:
        return "complete backup"
    if reported:
        tally.reported_not_done += 1
        tally.lose(rows_missing(source, copy), f"trial {number}: reported, incomplete")
    return "incomplete backup"


def next_backup_clears(tally: Tally, source: Path, dest: Path, partials: list[Path],
                       number: int) -> int:
    """The next `backup` to the same place: does it take the leftovers away?"""
    run = run_cli(source, "backup", str(dest), folder=dest.parent)
    if run.code != 0:
        tally.notes.append(f"trial {number}: the next backup failed: {run.message()}")
    tally.bad(dest, integrity(dest) if dest.exists() else "the next backup wrote no file")
    return sum(not path.exists() for path in partials)


# -- bad backups offered to restore -------------------------------------------------------


def bad_backups(shop: Shop, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True)
    made: dict[str, Path] = {}

    def path(name: str) -> Path:
        made[name] = folder / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.db"
        return made[name]

    path("0-byte file").touch()
    conn = sqlite3.connect(path("blank SQLite file"))
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")
    conn.close()
    conn = sqlite3.connect(path("another program's file"))
    with conn:
        conn.execute("CREATE TABLE foo (id INTEGER PRIMARY KEY, bar TEXT)")
        conn.executemany("INSERT INTO foo (bar) VALUES (?)", [("x",), ("y",)])
    conn.close()
    shutil.copy2(shop.backup, path("newer-schema backup"))
    conn = sqlite3.connect(made["newer-schema backup"])
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    data = shop.backup.read_bytes()
    path("truncated backup").write_bytes(data[: len(data) * 6 // 10])
    path("text file renamed .db").write_text("Name,Email\nMaria Delgado,maria@example.com\n")
    return made


@dataclass
class Refusal:
    kind: str
    code: int | None
    message: str
    unchanged: bool
    customers: tuple[int | None, int | None]  # in the database before and after


def refusal_trials(shop: Shop, work: Path) -> list[Refusal]:
    """Each bad backup offered to `restore` over a copy of the shop; paths shown as <work>."""
    offered = bad_backups(shop, work / "bad-backups")
    results = []
    for number, (kind, bad) in enumerate(offered.items()):
        folder = trial_folder(work, "refusals", number)
        db = folder / "shop.db"
        copy_db(shop.big, db)
        before, customers = sha256(db), fingerprint(db)
        run = run_cli(db, "restore", str(bad), folder=folder)
        message = run.message().replace(str(work), "<work>")
        unchanged = sha256(db) == before
        after = customers if unchanged else fingerprint(db)
        results.append(Refusal(kind, run.code, message, unchanged, (
            customers.customers if customers else None, after.customers if after else None)))
        shutil.rmtree(folder)
    return results


# -- a full disk --------------------------------------------------------------------------


def full_disk(work: Path, megabytes: int) -> list[tuple[str, str]]:
    mount = work / "tmpfs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                           str(mount)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip() or f"exit {done.returncode}").splitlines()[-1]
        return [("skipped", f"cannot mount a {megabytes} MB tmpfs: {reason}")]
    try:
        figures = on_full_disk(mount, work / "elsewhere")
    finally:
        subprocess.run(["umount", str(mount)], check=False)
    return [(label, value.replace(str(work), "<work>")) for label, value in figures]


def on_full_disk(mount: Path, elsewhere: Path) -> list[tuple[str, str]]:
    elsewhere.mkdir()
    db = mount / "shop.db"
    figures: list[tuple[str, str]] = []
    run = run_cli(db, "demo", "--customers", str(SHOP_CUSTOMERS), folder=elsewhere)
    figures.append(("demo --customers 5000", f"exit {run.code} in {run.seconds:.1f} s: "
                                              f"{run.message()}"))
    # "customers=N" on success; "N of M sample customers were saved" on a full disk.
    claimed = (re.search(r"customers=(\d+)", run.out)
               or re.search(r"([\d,]+) of [\d,]+ (?:sample )?customers?", run.message())
               or re.search(r"([\d,]+) (?:sample )?customers?", run.message()))
    # Counted on a copy (with its WAL), so counting changes nothing on the full disk.
    copy = elsewhere / "copy" / "shop.db"
    if db.exists():
        copy_db(db, copy)
    counted = fingerprint(copy)
    figures.append(("customers in the file", "no readable file" if counted is None
                    else f"{counted.customers:,}"))
    figures.append(("customers the message claimed", claimed.group(1) if claimed
                    else "no number claimed"))
    used = shutil.disk_usage(mount)
    figures.append(("disk", f"{used.used // 1024} KiB used of {used.total // 1024} KiB; "
                            f"files: {', '.join(sorted(p.name for p in mount.iterdir()))}"))
    out_csv = elsewhere / "customers.csv"
    for label, command in (("check", ["check"]), ("today", ["today"]),
                           ("search a", ["search", "a"]),
                           ("export csv (another disk)", ["export", "csv", str(out_csv)])):
        step = run_cli(db, *command, folder=elsewhere)
        first = next((line for line in step.out.splitlines() if line.strip()), "")
        text = step.message() if step.code != 0 else (first or step.message())
        figures.append((label, f"exit {step.code}: {text[:110]}"))
    if out_csv.exists():
        with out_csv.open(encoding="utf-8-sig", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        figures.append(("rows in the exported CSV", f"{rows:,}"))
    return figures


# -- printing -----------------------------------------------------------------------------


def print_tally(tally: Tally) -> None:
    outcomes = ", ".join(f"{name} {count}" for name, count in tally.outcomes.most_common())
    writing = ("after the rows were checked (later than a dry run's "
               f"{tally.late_after:.1f} s)" if tally.late_after is not None
               else "while a -wal/-journal/.partial was being written")
    print(f"\n{tally.job}: {tally.trials} trials, job length {tally.seconds:.1f} s; "
          f"killed {tally.killed}, {tally.writing} of them {writing}")
    print(f"  outcomes: {outcomes}")
    print(f"  committed rows lost: {tally.rows_lost:,} (in {tally.trials_losing} trials); "
          f"files failing integrity_check: {tally.bad_files}; reported done but not done: "
          f"{tally.reported_not_done}")
    if tally.leftovers:
        print(f"  .partial files left by a kill: {tally.leftovers}; listed among the backups: "
              f"{tally.leftovers_listed}; taken away by the same command run again: "
              f"{tally.leftovers_cleared}")
    for note in tally.notes[:8]:
        print(f"  - {note}")
    if len(tally.notes) > 8:
        print(f"  - ... and {len(tally.notes) - 8} more")


def print_summary(tallies: list[Tally], refusals: list[Refusal],
                  disk: list[tuple[str, str]] | None, disk_mb: int) -> None:
    print("\n=== Summary ===")
    if tallies:
        print(f"{'kill -9 during':<15}{'trials':>7}{'killed':>7}{'writing':>8}{'rows lost':>10}"
              f"{'bad files':>10}{'lied':>5}{'leftover':>9}  outcomes")
        for t in tallies:
            outcomes = ", ".join(f"{n} {c}" for n, c in t.outcomes.most_common())
            left = (f"{t.leftovers}/{t.leftovers_listed}/{t.leftovers_cleared}"
                    if t.leftovers else "0")
            print(f"{t.job:<15}{t.trials:>7}{t.killed:>7}{t.writing:>8}{t.rows_lost:>10,}"
                  f"{t.bad_files:>10}{t.reported_not_done:>5}{left:>9}  {outcomes}")
        print("(writing: kills that came while writing: for import, later than a dry run "
              "takes; for restore and backup, while a -wal/-journal/.partial was being "
              "written. lied: reported done, not done. leftover: .partial files left by kills / "
              "listed among the backups / removed when the same command ran again)")
    if refusals:
        print(f"\n{'restore of a bad backup':<26}{'exit':>5}  database byte-for-byte unchanged"
              " (customers before -> after)\n    and the one-line message")
        for r in refusals:
            before, after = (f"{n:,}" if n is not None else "unreadable" for n in r.customers)
            print(f"{r.kind:<26}{r.code!s:>5}  {'yes' if r.unchanged else 'NO, changed'} "
                  f"({before} -> {after})")
            print(f"    {r.message}")
    if disk is not None:
        print(f"\nfull disk ({disk_mb} MB tmpfs):")
        for label, value in disk:
            print(f"  {label:<30}{value}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50, help="kills per job (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--disk-mb", type=int, default=3,
                        help="size of the tmpfs the full-disk part fills (default 3; one "
                        "committed chunk of 2,000 demo customers needs about 9)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    only = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="kill-trials-"))
    started = time.perf_counter()
    try:
        shop = make_shop(work, args.seed)
        print(f"Made the shop in {work}: " + ", ".join(
            f"{name} {seconds:.1f} s" for name, seconds in shop.made_in.items()), flush=True)
        rng = random.Random(args.seed)
        tallies = []
        for job, trials in (("import", import_trials), ("restore", restore_trials),
                            ("backup", backup_trials)):
            if job in only:
                tallies.append(trials(shop, work, args.trials, rng))
                print_tally(tallies[-1])
                sys.stdout.flush()
        refusals = refusal_trials(shop, work) if "bad" in only else []
        disk = full_disk(work, args.disk_mb) if "disk" in only else None
        print_summary(tallies, refusals, disk, args.disk_mb)
        print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
