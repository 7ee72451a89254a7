"""The command line: every job that makes sense unattended, and the window when none is given."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from smallbiz_crm import APP_NAME, __version__
from smallbiz_crm.paths import AppPaths, resolve
from smallbiz_crm.user_errors import UserError, user_message

if TYPE_CHECKING:
    from smallbiz_crm.assembly import Shop

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2

# C0 and C1 control characters and DEL: in an imported name, ESC[31m recolours the owner's
# terminal, and other sequences can retitle it or worse.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, keep: str = "") -> str:
    """Customer text as it may reach a terminal: every control character but those in `keep`
    (the newlines of a multi-line listing) shown as a visible escape, ESC as \\x1b."""
    return _CONTROL.sub(
        lambda found: found.group() if found.group() in keep else f"\\x{ord(found.group()):02x}",
        text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints usage and exits 2; keep that, but to stderr only and one line more.
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _program_name() -> str:
    """smallbiz-crm or smallbiz-crm-cli, as the owner typed it (usage lines repeat it)."""
    name = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else ""
    return name if name.startswith("smallbiz-crm") else "smallbiz-crm"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=_program_name(), description=f"{APP_NAME}: customers, follow-ups "
                     "and trust-building gestures for a small shop. With no command, opens "
                     "the window.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH", help="the database file to use")
    where.add_argument("--data-dir", metavar="DIR",
                       help="folder for the database, backups and logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help="fill the database with realistic sample data")
    demo.add_argument("--customers", type=int, default=300, metavar="N",
                      help="how many sample customers to add (default 300)")
    demo.add_argument("--seed", type=int, default=1, metavar="S",
                      help="the same seed gives the same sample data (default 1)")

    sub.add_parser("today", help="print what is overdue, due today, waiting for an answer, "
                   "birthdays in the next 7 days and who is losing touch")

    search = sub.add_parser("search", help="find customers; prints id, name, company, email, "
                            "phone separated by tabs")
    search.add_argument("query", help="any part of a name, company, email, phone or note")
    search.add_argument("--limit", type=int, default=50, metavar="N",
                        help="at most this many matches (default 50)")

    imp = sub.add_parser("import", help="import customers from a CSV or vCard (.vcf) file")
    imp.add_argument("format", choices=["csv", "vcard"], help="the kind of file")
    imp.add_argument("file", help="the file to import")
    imp.add_argument("--dry-run", action="store_true", help="check the file, import nothing")

    exp = sub.add_parser("export", help="write customers (csv, vcard), every table (json) or "
                         "open follow-ups and concern deadlines (ics) to a file")
    exp.add_argument("format", choices=["csv", "vcard", "json", "ics"],
                     help="the kind of file to write")
    exp.add_argument("file", help="the file to write")

    backup = sub.add_parser("backup", help="write a verified copy of the database")
    backup.add_argument("dest", nargs="?", help="file or folder (default: the backups folder)")

    restore = sub.add_parser("restore", help="replace the database with a backup "
                             "(the current file is backed up first)")
    restore.add_argument("backup", help="the backup file to bring back")

    sub.add_parser("check", help="check the file's integrity and schema revision")

    report = sub.add_parser("report", help="write a PDF: a customer's relationship summary "
                            "or the follow-up checklist")
    reports = report.add_subparsers(dest="report", metavar="REPORT", required=True,
                                    parser_class=_Parser)
    summary = reports.add_parser("summary", help="one customer's relationship summary")
    summary.add_argument("customer_id", type=int, metavar="ID", help="the id `search` prints")
    summary.add_argument("-o", "--output", required=True, metavar="FILE",
                         help="the PDF to write")
    checklist = reports.add_parser("checklist", help="the open follow-ups to work through on "
                                   "paper (default: overdue plus the next 7 days)")
    checklist.add_argument("--from", dest="date_from", type=_day, metavar="DATE",
                           help="first day, YYYY-MM-DD (default: today)")
    checklist.add_argument("--to", dest="date_to", type=_day, metavar="DATE",
                           help="last day, YYYY-MM-DD (default: six days after the first)")
    checklist.add_argument("-o", "--output", required=True, metavar="FILE",
                           help="the PDF to write")
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2026-11-23") from None


# The command being run, named in the file's registrations ("command import").
_running = ["command"]


@contextmanager
def _shop(paths: AppPaths, create: bool = False, writes: bool = False) -> Iterator[Shop]:
    """The shop as the window opens it (one assembly), closed when the command is done.
    Commands take no automatic backup: that is the window's daily duty. A command that
    writes (`writes`) is refused, before anything is written, when the file is damaged."""
    from smallbiz_crm.assembly import open_shop

    shop = open_shop(paths, create=create, for_writing=writes,
                     what=f"command {_running[0]}")
    notice = shop.services.db.read_only_notice
    if notice is not None and not create and sys.stderr is not None:
        # A reading command (create=False) works on a read-only file and says so; a writing
        # one is refused with its one line when it tries.
        print(f"smallbiz-crm: {printable(notice)}", file=sys.stderr)
    location = shop.location_notice
    if location is not None and sys.stderr is not None:
        print(f"smallbiz-crm: {location}", file=sys.stderr)
    # A write waiting for another window's (a big import) says so instead of looking stuck.
    shop.services.db.wait_listeners.append(
        lambda text: print(text, file=sys.stderr, flush=True) if sys.stderr else None)
    try:
        yield shop
    finally:
        shop.close()


def _progress(label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if sys.stderr is not None and sys.stderr.isatty():
            print(f"\r{label}: {done:,} / {total:,}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)
    return report


def cmd_demo(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.services.demo import fill_demo

    if args.customers < 1 or args.customers > 1_000_000:
        raise UserError("--customers must be between 1 and 1,000,000.")
    with _shop(paths, create=True, writes=True) as shop:
        services = shop.services
        summary = fill_demo(services.db, customers=args.customers, seed=args.seed,
                            progress=_progress("demo customers"))
    print(f"Filled {paths.db_file} with sample data: {summary.customers:,} customers, "
          f"{summary.interactions:,} interactions, {summary.follow_ups:,} follow-ups, "
          f"{summary.gestures:,} gestures, {summary.concerns:,} concerns and "
          f"{summary.feedback:,} pieces of feedback.")
    return EXIT_OK


def cmd_today(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.services.today_text import format_today

    with _shop(paths) as shop:
        services = shop.services
        data = services.today.sections()
    print(printable(format_today(data), keep="\n"), end="")
    return EXIT_OK


def cmd_search(args: argparse.Namespace, paths: AppPaths) -> int:
    with _shop(paths) as shop:
        services = shop.services
        rows = services.customers.search(args.query, limit=args.limit)
    for row in rows:
        fields = (str(row.id), row.name, row.company, row.email, row.phone)
        print("\t".join(printable(field.replace("\t", " ")) for field in fields))
    # Said on stderr, so a script reading the rows from stdout gets only rows.
    if not rows:
        _note(f"No customers match '{printable(args.query)}'.")
    elif len(rows) == args.limit:
        _note(f"Showing the first {args.limit:,} matches; use --limit N to see more.")
    return EXIT_OK


def _note(text: str) -> None:
    if sys.stderr is not None:
        print(text, file=sys.stderr)


def cmd_import(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.services.importing import apply_import, plan_import, read_file

    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"There is no file at {source}.")
    # A file that is no table (or holds no vCard) fails here, before the database is touched.
    raw = read_file(source, args.format)
    with _shop(paths, create=True, writes=not args.dry_run) as shop:
        services = shop.services
        plan = plan_import(services.db, raw, clock=services.clock)
        # Every bad row on standard output (there may be many), one summary line on stderr.
        for problem in plan.problems:
            print(printable(str(problem)))
        for notice in plan.notices:
            print(printable(str(notice)))
        for duplicate in plan.duplicates:
            print(printable(f"{duplicate} (imported anyway)" if not args.dry_run
                            else str(duplicate)))
        if plan.problems:
            lines = sorted({problem.line for problem in plan.problems})
            named = ", ".join(str(line) for line in lines[:10])
            more = f" and {len(lines) - 10:,} more" if len(lines) > 10 else ""
            raise UserError(f"Nothing was imported: line(s) {named}{more} of {source.name} "
                            "have problems, listed above.")
        if args.dry_run:
            print(f"Dry run: {len(plan.customers):,} customer(s) in {source.name} are ready "
                  "to import; nothing was written.")
            return EXIT_OK
        result = apply_import(services.db, plan, source.name, services.clock,
                              progress=_progress("import"))
    print(f"Imported {result.imported:,} customer(s) from {source.name}.")
    if result.ignored_columns:
        print(f"Columns not imported: {', '.join(result.ignored_columns)}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.services import exporting
    from smallbiz_crm.services.calendar_export import export_ics

    target = Path(args.file)
    if target.is_dir():
        raise UserError(f"{target} is a folder: give the name of the file to write.")
    if not target.parent.is_dir():
        raise UserError(f"There is no folder {target.parent}.")
    with _shop(paths) as shop:
        services = shop.services
        if args.format == "csv":
            count = exporting.export_csv(services.db, target, progress=_progress("export"))
            what = f"{count:,} customer(s)"
        elif args.format == "vcard":
            count = exporting.export_vcard(services.db, target, progress=_progress("export"))
            what = f"{count:,} contact(s)"
        elif args.format == "json":
            counts = exporting.export_json(services.db, target, services.clock,
                                           progress=_progress("export"))
            what = f"{sum(counts.values()):,} rows of {len(counts)} tables"
        else:
            count = export_ics(services.db, target, services.clock())
            what = f"{count:,} calendar event(s)"
    print(f"Wrote {what} to {target}.")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.assembly import backups_for
    from smallbiz_crm.store.files import check_is_database

    check_is_database(paths.db_file)
    # The same backups as the window's File → Back up now: into the owner's chosen folder
    # (falling back to the standard one), verified before it is reported.
    info = backups_for(paths).backup_now(Path(args.dest) if args.dest else None)
    fell_back = (f" ({info.fell_back_from} could not be used)"
                 if info.fell_back_from is not None else "")
    print(f"Backed up to {info.path}{fell_back}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.assembly import backups_for

    source = Path(args.backup).expanduser()
    if not source.is_file():
        raise UserError(f"There is no backup file at {source}. Nothing was changed.")
    result = backups_for(paths).restore(source)
    try:
        # Bring an older backup up to this app's schema (taking its own backup first).
        with _shop(paths):
            pass
    except Exception as exc:  # said in one line, with where the file from before is
        reason = user_message(exc)
        if reason is None:
            from smallbiz_crm.logs import log

            log.exception("opening the restored file failed")
            reason = f"{type(exc).__name__}: {exc}. Details are in {paths.log_file}."
        raise UserError(f"{source} was restored into {paths.db_file}, but it could not be "
                        f"opened: {reason} {result.where_previous()}") from exc
    print(f"Restored {paths.db_file} from {source}. {result.where_previous()}".strip())
    return EXIT_OK


def cmd_check(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.store.backup import integrity_problems
    from smallbiz_crm.store.engine import access_for
    from smallbiz_crm.store.migrate import HEAD_REVISION, current_revision

    problems = integrity_problems(paths.db_file)
    if problems:
        raise UserError(f"{paths.db_file} is damaged: {problems[0]}")
    access = access_for(paths.db_file)
    if access.notice is not None:
        print(f"smallbiz-crm: {printable(access.notice)} (The search index was not checked.)",
              file=sys.stderr)
    revision = current_revision(paths.db_file, access)
    state = ("current" if revision == HEAD_REVISION
             else f"older than this app's {HEAD_REVISION}; it is upgraded when opened")
    print(f"{paths.db_file}: integrity ok; schema {revision or 'none'} ({state})")
    return EXIT_OK


def cmd_report(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.services.printing import write_checklist, write_summary

    # The checklist is recorded in the database (its results are entered against it later).
    with _shop(paths, writes=args.report == "checklist") as shop:
        services = shop.services
        if args.report == "summary":
            path = write_summary(services.db, args.customer_id, args.output, services.clock)
            print(f"Wrote the relationship summary to {path}")
            return EXIT_OK
        data = write_checklist(services.db, args.date_from, args.date_to, args.output,
                               progress=_progress("checklist items"), clock=services.clock)
    assert data is not None  # only a cancelled() callback stops it
    print(f"Wrote a checklist of {len(data.items):,} item(s) (overdue, then "
          f"{data.date_from} to {data.date_to}) to {args.output}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, AppPaths], int]] = {
    "demo": cmd_demo,
    "today": cmd_today,
    "search": cmd_search,
    "import": cmd_import,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
    "report": cmd_report,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `smallbiz-crm-cli search a | head`: the reader stopped; that is not an error.
        # Point stdout at nothing so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    paths = resolve(db=args.db, data_dir=args.data_dir)
    if args.command is None:
        from smallbiz_crm.app import run_gui

        return run_gui(paths)
    return run_command(args, paths)


def run_command(args: argparse.Namespace, paths: AppPaths) -> int:
    from smallbiz_crm.logs import log, setup_logging

    try:
        paths.ensure_dirs()
        setup_logging(paths.log_file)
    except OSError as exc:
        return _fail(f"Cannot use the data folder {paths.data_dir}: {exc.strerror}.")
    _running[0] = args.command
    try:
        return COMMANDS[args.command](args, paths)
    except KeyboardInterrupt:
        return _fail("Stopped. Everything committed before the stop is kept.")
    except BrokenPipeError:
        raise  # the reader of our output stopped (`| head`): main() ends quietly
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into one line
        message = user_message(exc)
        if message is None:
            log.exception("command %s failed", args.command)
            message = (f"Unexpected error ({type(exc).__name__}: {exc}). "
                       f"Details are in {paths.log_file}")
        return _fail(message)


def _fail(message: str) -> int:
    # Under gui-scripts on Windows there is no stderr; the log already has the details.
    if sys.stderr is not None:
        print(f"smallbiz-crm: {printable(' '.join(message.split()))}", file=sys.stderr)
    return EXIT_USER_ERROR
