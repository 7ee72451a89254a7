"""The import wizard, driven end to end on the sample files, down to undoing the import."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QPushButton, QWizard
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery, CustomerRecord
from smallbiz_crm.services.importing import import_batches, import_csv
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.import_wizard import (
    AUTO,
    DuplicateModel,
    ImportWizard,
    PreviewModel,
    ProblemModel,
    undo_last_import,
)
from smallbiz_crm.ui.tasks import TaskRunner

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.fixture
def tasks(qtbot: QtBot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait_all()


def make(qtbot: QtBot, services: Services, tasks: TaskRunner,
         path: Path | None = None) -> ImportWizard:
    wizard = ImportWizard(services, tasks, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard)
    return wizard


def settle(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: not wizard.is_busy(), timeout=30_000)


def everyone(services: Services) -> dict[str, CustomerRecord]:
    ids = services.customers.list_ids(CustomerQuery())
    return {r.name: r for r in (services.customers.get(i) for i in ids)}


def next_enabled(wizard: ImportWizard) -> bool:
    page = wizard.currentPage()
    button = (QWizard.WizardButton.CommitButton if page.isCommitPage()
              else QWizard.WizardButton.NextButton)
    return wizard.button(button).isEnabled() and wizard.button(button).isVisible()


def test_google_file_end_to_end_with_duplicates_and_undo(
        qtbot: QtBot, services: Services, tasks: TaskRunner) -> None:
    maria = services.customers.create(CustomerDraft(
        name="Maria Delgado", email="maria.delgado@example.com", notes="Regular since 2019"))
    tom = services.customers.create(CustomerDraft(name="Thomas Becker", phone="555-201-0188"))
    wizard = make(qtbot, services, tasks, SAMPLES / "google-contacts.csv")

    # 1. The file: how it was read, and its first rows.
    assert wizard.objectName() == "importWizard"
    assert wizard.currentId() == ImportWizard.PAGE_FILE
    info = wizard.file_page.info.text()
    assert "UTF-8" in info and "commas" in info and "5 rows" in info
    preview = wizard.file_page.preview_model
    assert preview.rowCount() == 5 and preview.headerData(0, _vertical()) == "Line 2"
    assert next_enabled(wizard)

    # 2. The columns, found by their titles.
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    combos = wizard.mapping_page.combos
    assert combos["name"].currentText().startswith("Name — e.g. Maria Delgado")
    assert combos["company"].currentText().startswith("Organization 1 - Name")
    assert combos["email"].currentData() == AUTO  # E-mail 1, then E-mail 2
    assert combos["stage"].currentData() is None
    assert "Yomi Name" in wizard.mapping_page.ignored.text()
    assert "E-mail 2 - Value" not in wizard.mapping_page.ignored.toolTip()

    # 3. The dry run: no bad rows; two likely duplicates, each with a choice.
    wizard.next()
    settle(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.PAGE_CHECK
    plan = wizard.plan
    assert plan is not None and plan.problems == () and len(plan.notices) == 1
    model = wizard.check_page.duplicate_model
    assert model.rowCount() == 2
    assert wizard.choices == {2: "skip", 6: "new"}  # the same email is skipped at first
    assert "4 customers will be added" in wizard.check_page.summary.text()
    wizard.set_duplicate_choice(2, "merge")
    wizard.set_duplicate_choice(6, "skip")
    assert "3 customers will be added" in wizard.check_page.summary.text()
    assert "1 merged" in wizard.check_page.summary.text()
    with pytest.raises(ValueError):
        wizard.set_duplicate_choice(3, "skip")  # line 3 is no duplicate
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "Import"
    assert next_enabled(wizard)

    # 4. The import, in the background, then the done page.
    with qtbot.waitSignal(wizard.data_changed, timeout=30_000):
        wizard.next()
    settle(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.PAGE_DONE
    result = wizard.import_result
    assert result is not None and (result.imported, result.merged, result.skipped) == (3, 1, 1)
    assert "3 customers added from google-contacts.csv" in wizard.done_page.summary.text()
    found = everyone(services)
    assert set(found) == {"Maria Delgado", "Thomas Becker", "Aisha Rahman",
                          "Jean-Luc Fournier", "Priya S. Natarajan"}
    merged = services.customers.get(maria.id)
    assert merged.company == "Delgado Flowers" and merged.birthday == date(1985, 3, 14)
    assert merged.notes.startswith("Regular since 2019\n\nPrefers a call after 6pm.")
    assert services.customers.get(tom.id).company == ""  # skipped

    # 5. Undo: exactly what it added and changed is gone.
    button = wizard.done_page.undo_button
    assert button.isEnabled()
    with qtbot.waitSignal(wizard.data_changed, timeout=30_000):
        button.click()
    settle(qtbot, wizard)
    assert not button.isEnabled()
    assert "3 customers removed" in wizard.done_page.undo_status.text()
    assert set(everyone(services)) == {"Maria Delgado", "Thomas Becker"}
    back = services.customers.get(maria.id)
    assert (back.company, back.birthday, back.notes) == ("", None, "Regular since 2019")
    assert import_batches(services.db)[0].undone_at is not None


def test_changing_the_columns(qtbot: QtBot, services: Services, tasks: TaskRunner) -> None:
    wizard = make(qtbot, services, tasks, SAMPLES / "outlook-contacts.csv")
    wizard.next()
    # Through the drop-down, as the owner would.
    combo: QComboBox = wizard.mapping_page.combos["phone"]
    combo.setCurrentIndex(combo.findData(wizard.raw.header.index("Business Phone")))  # type: ignore[union-attr]
    wizard.set_mapping("tags", None)
    assert wizard.mapping() == {"phone": wizard.raw.header.index("Business Phone"),  # type: ignore[union-attr]
                                "tags": None}
    assert "Categories" in wizard.mapping_page.ignored.toolTip()
    # Without a name column nothing can go on.
    for name in ("first_name", "middle_name", "last_name", "company"):
        wizard.set_mapping(name, None)
    assert not next_enabled(wizard) and wizard.mapping_page.hint.isVisibleTo(wizard)
    wizard.set_mapping("name", "E-mail Display Name")
    assert next_enabled(wizard)
    wizard.set_mapping("name", None)
    wizard.set_mapping("first_name", "First Name")
    wizard.set_mapping("last_name", "Last Name")
    wizard.set_mapping("company", "Company")
    wizard.next()
    settle(qtbot, wizard)
    wizard.next()
    settle(qtbot, wizard)
    hannah = everyone(services)["Hannah Müller"]
    assert hannah.phone == "+49 30 901820" and hannah.tags == ()


def test_bad_rows_block_the_import_until_fixed(qtbot: QtBot, services: Services,
                                               tasks: TaskRunner, tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_bytes((SAMPLES / "bad-rows.csv").read_bytes())
    wizard = make(qtbot, services, tasks, path)
    wizard.next()
    wizard.next()
    settle(qtbot, wizard)
    problems = wizard.check_page.problem_model
    assert [(p.line, p.field) for p in problems.items()] == [
        (3, "email"), (5, "name"), (6, "stage"), (7, "phone")]
    assert problems.data(problems.index(1, 1)) == "Name"
    assert "4 rows of 6 have a problem" in wizard.check_page.summary.text()
    assert not next_enabled(wizard)
    assert services.customers.count() == 0

    # The owner fixes the file and reads it again: the same columns, checked again.
    path.write_text("Name,Email,Phone,Stage\nAda Lovelace,ada@example.com,,Prospect\n"
                    "Bob Stone,bob@example.com,(555) 201-0102,Repeat\n")
    wizard.check_page.recheck_button.click()
    settle(qtbot, wizard)
    assert wizard.plan is not None and wizard.plan.problems == ()
    assert next_enabled(wizard)
    wizard.next()
    settle(qtbot, wizard)
    assert set(everyone(services)) == {"Ada Lovelace", "Bob Stone"}


def test_a_vcard_needs_no_column_matching(qtbot: QtBot, services: Services,
                                          tasks: TaskRunner) -> None:
    wizard = make(qtbot, services, tasks, SAMPLES / "apple-contacts.vcf")
    assert "vCard 3.0" in wizard.file_page.info.text()
    wizard.next()
    settle(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.PAGE_CHECK
    assert wizard.check_page.notice_model.rowCount() == 1  # Grace's birthday without a year
    wizard.next()
    settle(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.PAGE_DONE
    assert len(everyone(services)) == 4


def test_a_file_that_cannot_be_read(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                    tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    wizard = make(qtbot, services, tasks, path)
    assert wizard.raw is None and not next_enabled(wizard)
    assert wizard.file_page.error.isVisibleTo(wizard)
    assert "binary data" in wizard.file_page.error.text()
    # Then a good one.
    wizard.load(SAMPLES / "customers.csv")
    settle(qtbot, wizard)
    assert wizard.file_page.error.isHidden() and next_enabled(wizard)


def test_cancel_during_an_import_adds_all_or_nothing(qtbot: QtBot, services: Services,
                                                     tasks: TaskRunner, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("Name,Phone\n" + "".join(
        f"Person {i},555-301-{i:04d}\n" for i in range(8000)))
    wizard = make(qtbot, services, tasks, path)
    wizard.next()
    wizard.next()
    settle(qtbot, wizard)
    wizard.next()
    wizard.reject()
    tasks.wait_all()
    qtbot.wait(50)
    assert services.customers.count() in (0, 8000)


def test_undo_last_import_from_the_file_menu(qtbot: QtBot, services: Services) -> None:
    assert undo_last_import(None, services, confirm=False) is None
    first = import_csv(services.db, SAMPLES / "customers.csv")
    services.customers.create(CustomerDraft(name="Typed By Hand"))
    second = import_csv(services.db, SAMPLES / "excel-unicode.txt")
    assert services.customers.count() == 15
    undone = undo_last_import(None, services, confirm=False)
    assert undone is not None and undone.removed == 4 and services.customers.count() == 11
    undone = undo_last_import(None, services, confirm=False)
    assert undone is not None and undone.removed == 10
    assert set(everyone(services)) == {"Typed By Hand"}
    assert {b.id for b in import_batches(services.db) if b.undone_at} == {
        first.batch_id, second.batch_id}
    assert undo_last_import(None, services, confirm=False) is None


def test_models(qtmodeltester: Any, services: Services, qtbot: QtBot) -> None:
    from smallbiz_crm.services.importing import plan_import, read_file

    services.customers.create(CustomerDraft(name="Maria", email="maria.delgado@example.com"))
    raw = read_file(SAMPLES / "google-contacts.csv")
    preview = PreviewModel()
    preview.set_table(raw)
    qtmodeltester.check(preview)
    plan = plan_import(services.db, raw)
    problems = ProblemModel()
    problems.set_items(plan.notices)
    qtmodeltester.check(problems)
    duplicates = DuplicateModel()
    duplicates.set_items(plan.duplicates, {})
    qtmodeltester.check(duplicates)
    assert duplicates.setData(duplicates.index(0, 4), "merge")
    assert duplicates.choices() == {2: "merge"}
    assert not duplicates.setData(duplicates.index(0, 4), "maybe")


def _vertical() -> Any:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Vertical


def test_choices_from_the_table_and_for_all(qtbot: QtBot, services: Services,
                                            tasks: TaskRunner, tmp_path: Path) -> None:
    services.customers.create(CustomerDraft(name="Ada Lovelace", email="ada@example.com"))
    path = tmp_path / "dups.csv"
    path.write_text("Name,Email\nAda L.,ada@example.com\nCleo,c@example.com\n"
                    "Cleo again,c@example.com\n")
    wizard = make(qtbot, services, tasks, path)
    wizard.next()
    wizard.next()
    settle(qtbot, wizard)
    assert wizard.choices == {2: "skip", 4: "skip"}
    view = wizard.check_page.duplicates
    editors = view.findChildren(QComboBox, "duplicateChoiceCombo")
    assert len(editors) == 2
    first = view.indexWidget(wizard.check_page.duplicate_model.index(0, 4))
    assert isinstance(first, QComboBox) and first.count() == 3
    second = view.indexWidget(wizard.check_page.duplicate_model.index(1, 4))
    assert isinstance(second, QComboBox) and second.count() == 2  # no merge into line 3
    first.setCurrentIndex(first.findData("merge"))
    assert wizard.choices[2] == "merge"
    wizard.check_page.findChild(QPushButton, "newAllButton").click()
    assert wizard.choices == {2: "new", 4: "new"}
    assert second.currentData() == "new"
    wizard.check_page.findChild(QPushButton, "mergeAllButton").click()
    assert wizard.choices == {2: "merge", 4: "new"}
    assert "2 customers will be added, 1 merged" in wizard.check_page.summary.text()


def test_undo_last_import_in_the_background(qtbot: QtBot, services: Services,
                                            tasks: TaskRunner) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    import_csv(services.db, SAMPLES / "customers.csv")
    calls: list[int] = []
    undo_last_import(parent, services, tasks, confirm=False,
                     after=lambda: calls.append(services.customers.count()))
    qtbot.waitUntil(lambda: calls == [0], timeout=10_000)


def test_the_region_of_numbers_and_dates(qtbot: QtBot, services: Services,
                                         tasks: TaskRunner) -> None:
    wizard = make(qtbot, services, tasks, SAMPLES / "excel-latin1.csv")
    combo = wizard.file_page.region_combo
    assert combo.currentData() == "US" and combo.currentText() == "United States"
    combo.setCurrentIndex(combo.findData("FR"))
    assert wizard.region == "FR"
    wizard.next()
    wizard.next()
    settle(qtbot, wizard)
    wizard.next()
    settle(qtbot, wizard)
    found = everyone(services)
    assert found["Jérôme Côté"].phone == "+33 6 12 34 56 78"
    assert found["Zoé Næss"].birthday == date(1990, 11, 2)  # 02/11/1990, read the French way
