"""Import and export benchmark: a 100,000-row CSV through the import service (target ≤ 20 s),
the same import in the wizard's background task while a timer checks the window stays
responsive, and the exports of what was imported.

Prints figures; asserts nothing. Usage:
    python tests/benchmarks/bench_import.py [--rows 100000] [--keep] [--no-ui] [--no-export]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

FIRST = ["Maria", "Tom", "Aisha", "Jean-Luc", "Priya", "Sam", "Hannah", "Kenji", "Grace", "Luis",
         "Zoë", "Björn", "Ana", "Łukasz", "Chloé", "Mohammed", "Olga", "Wei", "Siobhán", "Ravi"]
LAST = ["Delgado", "Becker", "Rahman", "Fournier", "Natarajan", "O'Brien", "Müller", "Watanabe",
        "Okafor", "Ortega", "Núñez", "Köhler", "Silva", "Żółć", "Lefèvre", "Haddad", "Ivanova",
        "Chen", "Murphy", "Patel"]
STREETS = ["Main St", "Rosewood Lane", "Harbor Road", "Station Road", "Market Square"]
CITIES = ["Springfield, IL", "Portland, OR", "Oakdale, CA", "Riverton, NJ"]
TAGS = ["wholesale", "newsletter", "vip", "florist", "birthday club", "referral source"]
NOTES = ["Prefers a call after 6pm", "Daughter starts university in May", "",
         "Orders rye flour every other Friday", "Met at the spring market", ""]


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A spreadsheet-shaped file: every row different, ~10 % sharing an email domain, a few
    cells quoted (commas, line breaks), dates as Excel in the US writes them."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Name,Company,Email,Phone,Address,Birthday,Tags,Notes\r\n")
        for number in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            company = f"{last} & Co" if number % 7 == 0 else ""
            email = f"{first.lower()}.{number}@{rng.choice(['example.com', 'mail.example'])}"
            phone = f"({rng.randint(201, 989)}) 555-{number % 10000:04d}"
            address = f"\"{rng.randint(1, 999)} {rng.choice(STREETS)}, {rng.choice(CITIES)}\""
            birthday = (f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1950, 2005)}"
                        if number % 3 else "")
            tags = ", ".join(rng.sample(TAGS, rng.randint(0, 2)))
            note = rng.choice(NOTES)
            if number % 50 == 0:
                note = f"Two lines:\nline {number}"
            handle.write(f"{first} {last},{company},{email},{phone},{address},{birthday},"
                         f"\"{tags}\",\"{note}\"\r\n")


def timed(label: str, work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:7.2f} s", flush=True)
    return value, seconds


def service_import(csv_path: Path, folder: Path) -> Path:
    from smallbiz_crm.services.import_reading import read_csv
    from smallbiz_crm.services.importing import apply_import, plan_import
    from smallbiz_crm.store.opening import open_database

    db_path = folder / "service.db"
    db = open_database(db_path)
    try:
        print("Import through the service (the CLI's and the wizard's code):")
        raw, read = timed("read and split the file", lambda: read_csv(csv_path))
        plan, check = timed("check every row (dry run)",
                            lambda: plan_import(db, raw, default_region="US"))
        assert plan.ok, plan.problems[:3]
        result, write = timed("write, one transaction", lambda: apply_import(db, plan))
        total = read + check + write
        print(f"  {'total':<34} {total:7.2f} s   ({result.imported:,} customers, "
              f"{len(plan.duplicates):,} likely duplicates reported; target ≤ 20 s)")
    finally:
        db.close()
    return db_path


def wizard_import(csv_path: Path, folder: Path) -> None:
    """The same import as the wizard runs it, timing the UI thread's longest stall."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from smallbiz_crm.services.registry import Services
    from smallbiz_crm.store.opening import open_database
    from smallbiz_crm.ui.dialogs.import_wizard import ImportWizard
    from smallbiz_crm.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = Services(open_database(folder / "wizard.db"))
    tasks = TaskRunner()
    wizard = ImportWizard(services, tasks)
    wizard.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()

    def run(step: Callable[[], None]) -> float:
        start = time.perf_counter()
        gaps.clear()
        last[0] = start
        step()
        while wizard.is_busy():
            app.processEvents()
            time.sleep(0.002)
        return time.perf_counter() - start

    print("The wizard (background task; the window's event loop timed every 10 ms):")
    steps = (("read the file", lambda: wizard.load(csv_path)),
             ("check every row", wizard.run_dry_run),
             ("import", wizard.run_import))
    total = 0.0
    for label, step in steps:
        seconds = run(step)
        total += seconds
        worst = max(gaps) * 1000 if gaps else 0.0
        print(f"  {label:<34} {seconds:7.2f} s   longest UI stall {worst:5.0f} ms", flush=True)
    result = wizard.import_result
    print(f"  {'total':<34} {total:7.2f} s   ({result.imported if result else 0:,} customers)")
    timer.stop()
    tasks.wait_all()
    wizard.close()
    services.close()


def exports(db_path: Path, folder: Path) -> None:
    from smallbiz_crm.services.exporting import export_csv, export_json, export_vcard
    from smallbiz_crm.store.opening import open_database

    db = open_database(db_path)
    try:
        print("Exports of the imported customers:")
        for label, work, name in (
                ("CSV", export_csv, "out.csv"), ("vCard", export_vcard, "out.vcf"),
                ("JSON, every table", export_json, "out.json")):
            target = folder / name
            timed(label, lambda w=work, t=target: w(db, t))
            print(f"  {'':<34} {target.stat().st_size / 1e6:7.1f} MB")
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the files in the temp folder")
    parser.add_argument("--no-ui", action="store_true", help="skip the wizard run")
    parser.add_argument("--no-export", action="store_true", help="skip the exports")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    csv_path = folder / "customers.csv"
    write_csv(csv_path, args.rows)
    print(f"{args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB, in {folder}")
    db_path = service_import(csv_path, folder)
    if not args.no_export:
        exports(db_path, folder)
    if not args.no_ui:
        wizard_import(csv_path, folder)
    if not args.keep:
        for path in sorted(folder.iterdir()):
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
