"""The roster from the command line: imports with dry run, progress and problem lists; everyday edits."""
from pathlib import Path

from conftest import ROOT, run_cli

FIXTURES = ROOT / "Tests" / "Fixtures"


def test_oneroster_import_dry_run_then_real_then_again(workdir):
    run_cli(["demo"], workdir, check=True)
    folder = str(FIXTURES / "oneroster-1.1")
    dry = run_cli(["roster", "import-oneroster", folder, "--org", "1", "--dry-run"], workdir, check=True).stdout
    assert dry.startswith("dry run — nothing written")
    assert "persons created: 9" in dry
    assert "id" in run_cli(["roster", "classes", "--org", "1"], workdir, check=True).stdout
    assert "10А" not in run_cli(["roster", "classes", "--org", "1"], workdir, check=True).stdout

    done = run_cli(["roster", "import-oneroster", folder, "--org", "1"], workdir, check=True)
    assert done.stdout.startswith("imported:")
    assert "people: 9/9" in done.stderr  # progress
    classes = run_cli(["roster", "classes", "--org", "1"], workdir, check=True).stdout
    assert "10А" in classes and "Иванова Мария Петровна" in classes

    again = run_cli(["roster", "import-oneroster", folder, "--org", "1"], workdir, check=True).stdout
    assert "change nothing" in again


def test_problems_are_listed_and_nothing_is_written(workdir):
    run_cli(["demo"], workdir, check=True)
    # The demo's named staff are roster persons: four of them.
    before = run_cli(["roster", "people", "--org", "1"], workdir, check=True).stdout
    assert "4 people" in before
    bad = workdir / "people.csv"
    bad.write_text("external_id;role;surname;given_name;birth_date\nS-1;ученик;Петров;Пётр;31.02.2010\nS-2;директор;Иванов;Иван;\n")
    result = run_cli(["roster", "import-csv", str(bad), "--org", "1"], workdir)
    assert result.returncode == 2
    assert "people.csv:2 [birth_date]" in result.stderr
    assert "people.csv:3 [role]" in result.stderr
    assert run_cli(["roster", "people", "--org", "1"], workdir, check=True).stdout == before


def test_everyday_edits(workdir):
    run_cli(["demo"], workdir, check=True)
    org = ["--org", "1"]
    assert "2025/2026" in run_cli(["roster", "year-add", "--name", "2025/2026", *org], workdir, check=True).stdout
    teacher = run_cli(["roster", "person-add", "--role", "учитель", "--surname", "Иванова", "--given-name", "Мария", *org], workdir, check=True).stdout
    teacher_id = teacher.split("(")[-1].rstrip(")\n")
    student = run_cli(["roster", "person-add", "--role", "student", "--surname", "Петров", "--given-name", "Пётр",
                       "--birth-date", "17.05.2010", *org], workdir, check=True).stdout
    student_id = student.split("(")[-1].rstrip(")\n")
    created = run_cli(["roster", "class-add", "--year", "2025/2026", "--name", "10а", "--homeroom", teacher_id, *org], workdir, check=True).stdout
    class_id = created.split("(")[1].split(")")[0]
    assert "enrolled in 10А" in run_cli(["roster", "enroll", "--student", student_id, "--class", class_id, "--date", "01.09.2025", *org], workdir, check=True).stdout
    refused = run_cli(["roster", "withdraw", "--student", student_id, "--class", class_id, "--date", "01.08.2025", *org], workdir)
    assert refused.returncode == 2 and "not in 10А" in refused.stderr
    shown = run_cli(["roster", "person-show", student_id, *org], workdir, check=True).stdout
    assert "from 01.09.2025" in shown
    orders = run_cli(["roster", "orders", "--student", student_id, *org], workdir, check=True).stdout
    order_id = orders.splitlines()[1].split()[0]
    assert "cancelled order" in run_cli(["roster", "cancel-order", order_id, *org], workdir, check=True).stdout
    edited = run_cli(["roster", "person-edit", student_id, "--given-name", "Петр", "--birth-date", "none", *org], workdir, check=True).stdout
    assert "Петров Петр" in edited and "17.05.2010" not in edited
    kept = run_cli(["roster", "person-remove", student_id, *org], workdir)
    assert kept.returncode == 2 and "inactive" in kept.stderr
    assert "inactive" in run_cli(["roster", "person-edit", student_id, "--active", "false", *org], workdir, check=True).stdout
    key = run_cli(["roster", "api-key-create", "--name", "ЭЖ", *org], workdir, check=True).stdout.splitlines()[-1]
    assert key.startswith("pk_")
    assert "ЭЖ" in run_cli(["roster", "api-keys", *org], workdir, check=True).stdout
