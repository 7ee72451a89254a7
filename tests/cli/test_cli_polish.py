"""The command line as an owner meets it: its own name in usage lines, help for every option,
a word when nothing matches or the list was cut, quiet when piped into `head`, a summary in
words after `demo`, and calendar events that calendars accept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smallbiz_crm.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, argv0: str = "smallbiz-crm-cli") -> subprocess.CompletedProcess[str]:
    code = ("import sys; sys.argv[0] = sys.argv.pop(1); from smallbiz_crm.cli import main; "
            "raise SystemExit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", code, argv0, *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_usage_lines_name_the_command_the_owner_typed() -> None:
    result = run("search")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: smallbiz-crm-cli search")


def test_every_option_of_every_command_says_what_it_is_for() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        nested = [a for a in command._actions if a.dest == "report"]
        parsers = list(nested[0].choices.values()) if nested else [command]  # type: ignore[union-attr]
        for each in parsers:
            for action in each._actions:
                if action.dest != "help" and not action.help:
                    pytest.fail(f"{name} {action.dest} has no help text")


def test_search_says_when_nothing_matches_and_when_the_list_was_cut(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "shop.db"
    assert main(["--db", str(db), "demo", "--customers", "30"]) == 0
    out = capsys.readouterr().out
    assert "30 customers" in out and "DemoSummary" not in out

    assert main(["--db", str(db), "search", "zzzz-nobody"]) == 0
    result = capsys.readouterr()
    assert result.out == "" and "No customers match 'zzzz-nobody'." in result.err

    assert main(["--db", str(db), "search", "a", "--limit", "3"]) == 0
    result = capsys.readouterr()
    assert len(result.out.splitlines()) == 3
    assert "first 3 matches" in result.err and "--limit" in result.err


def test_piping_into_head_is_not_an_error(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    assert run("--db", str(db), "demo", "--customers", "300").returncode == 0
    code = ("import sys; from smallbiz_crm.cli import main; "
            "raise SystemExit(main(sys.argv[1:]))")
    piped = subprocess.run(
        f'"{sys.executable}" -c "{code}" --db "{db}" search a --limit 300 | head -n 1',
        shell=True, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert len(piped.stdout.splitlines()) == 1
    assert "Broken pipe" not in piped.stderr and "Traceback" not in piped.stderr


def test_a_concern_deadline_has_no_end_equal_to_its_start(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "shop.db"
    assert main(["--db", str(db), "demo", "--customers", "60"]) == 0
    ics = tmp_path / "shop.ics"
    assert main(["--db", str(db), "export", "ics", str(ics)]) == 0
    events = ics.read_text(encoding="utf-8").split("BEGIN:VEVENT")[1:]
    concerns = [event for event in events if "CATEGORIES:Concern" in event]
    assert concerns
    for event in events:
        fields = dict(line.split(":", 1) for line in event.splitlines() if ":" in line)
        start = next(v for k, v in fields.items() if k.startswith("DTSTART"))
        end = next((v for k, v in fields.items() if k.startswith("DTEND")), None)
        assert end is None or end > start
