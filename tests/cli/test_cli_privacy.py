"""The command line keeps customer data where it belongs: out of the log, private on disk,
and unable to send control sequences to the owner's terminal."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from smallbiz_crm.cli import printable

CLI = [sys.executable, "-m", "smallbiz_crm"]

PEOPLE = [("Philippa Quillfeather", "philippa.q@example.com", "+1 415 555 0134"),
          ("Bartholomew Zanzibar", "bart.zanzibar@example.org", "+44 20 7946 0958"),
          ("Ottoline Marchbanks", "ottoline@example.net", "+1 212 555 0199")]


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    # The usual umask, so a file written without an explicit mode would come out 0644.
    env = dict(os.environ, SMALLBIZ_CRM_DATA_DIR=str(data_dir))
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120,
                          umask=0o022)


def write_csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    lines = ["Name,Email,Phone,Birthday"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_whole_session_leaves_no_customer_data_in_the_log_and_only_private_files(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = tmp_path / "out"
    out.mkdir()
    good = write_csv(tmp_path / "customers.csv", [(*person, "") for person in PEOPLE])
    # A second file with a bad phone and e-mail: nothing imported, problems on stdout.
    bad = write_csv(tmp_path / "more.csv",
                    [("Quentin Abernathy-Fforde", "quentin@", "555 01", "")])

    assert run("import", "csv", str(good), data_dir=data).returncode == 0
    refused = run("import", "csv", str(bad), data_dir=data)
    assert refused.returncode == 1 and "555 01" in refused.stdout
    assert "Quillfeather" in run("search", "Quillfeather", data_dir=data).stdout
    assert run("today", data_dir=data).returncode == 0
    assert run("report", "summary", "1", "-o", str(out / "summary.pdf"),
               data_dir=data).returncode == 0
    assert run("report", "checklist", "-o", str(out / "checklist.pdf"),
               data_dir=data).returncode == 0
    assert run("export", "csv", str(out / "all.csv"), data_dir=data).returncode == 0
    assert run("export", "json", str(out / "all.json"), data_dir=data).returncode == 0
    assert run("backup", data_dir=data).returncode == 0
    # An error the app did not expect: it goes to the log, with its traceback.
    crashed = run("report", "summary", "9" * 25, "-o", str(out / "x.pdf"), data_dir=data)
    assert crashed.returncode == 1

    logs = list((data / "logs").iterdir())
    content = "".join(path.read_text(encoding="utf-8") for path in logs)
    for name, email, phone in [*PEOPLE, ("Quentin Abernathy-Fforde", "quentin@", "555 01")]:
        for secret in (name, name.split()[-1], email, phone):
            assert secret not in content, (secret, content)
    written = [path for folder in (out, data) for path in folder.rglob("*") if path.is_file()]
    assert {path.name for path in written} >= {"summary.pdf", "checklist.pdf", "all.csv",
                                               "all.json", "smallbiz-crm.log"}
    loose = {path: oct(stat.S_IMODE(path.stat().st_mode)) for path in written}
    assert all(mode == "0o600" for mode in loose.values()), loose


def test_control_characters_in_customer_text_reach_the_terminal_escaped(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    soon = (date.today() + timedelta(days=2)).replace(year=1990)
    name = "Eve \x1b[31mRed\x1b[0m Mallory\x07"
    good = write_csv(tmp_path / "c.csv", [
        (f'"{name}"', "eve@example.com", "+1 415 555 0177", soon.isoformat())])
    bad = write_csv(tmp_path / "bad.csv", [('"Zed\x1b]0;owned\x07"', "zed\x9b31m@", "", "")])

    imported = run("import", "csv", str(good), data_dir=data)
    refused = run("import", "csv", str(bad), data_dir=data)
    found = run("search", "Mallory", data_dir=data)
    today = run("today", data_dir=data)

    assert imported.returncode == 0 and refused.returncode == 1
    for result in (imported, refused, found, today):
        shown = result.stdout + result.stderr
        assert not any((ord(char) < 32 and char not in "\t\n") or 0x7f <= ord(char) <= 0x9f
                       for char in shown), repr(shown)
    assert "Eve \\x1b[31mRed\\x1b[0m Mallory\\x07" in found.stdout
    assert found.stdout.count("\t") == 4 and found.stdout.count("\n") == 1
    assert "Eve \\x1b[31mRed" in today.stdout and "\n\n" in today.stdout
    assert "\\x9b31m" in refused.stdout


@pytest.mark.parametrize(("text", "keep", "shown"), [
    ("plain Zoë, 東京", "", "plain Zoë, 東京"),
    ("a\x1b[2Jb", "", "a\\x1b[2Jb"),
    ("line\nnext\r\x00\x7f\x85", "\n", "line\nnext\\x0d\\x00\\x7f\\x85"),
    ("tab\there", "", "tab\\x09here"),
])
def test_printable(text: str, keep: str, shown: str) -> None:
    assert printable(text, keep) == shown
