"""Chats from the command line: roster edits create them, `chats list` shows them, `chats init` reports."""
import datetime

from conftest import run_cli


def current_school_year():
    today = datetime.date.today()
    first = today.year if today.month >= 9 else today.year - 1
    return f"{first}/{first + 1}"


def test_roster_chats_appear_and_initialize_reports(workdir):
    run_cli(["demo"], workdir, check=True)
    org = ["--org", "1"]
    year = current_school_year()
    run_cli(["roster", "year-add", "--name", year, *org], workdir, check=True)
    teacher = run_cli(["roster", "person-add", "--role", "учитель", "--surname", "Чатова", "--given-name", "Вера", *org],
                      workdir, check=True).stdout
    teacher_id = teacher.split("(")[-1].rstrip(")\n")
    run_cli(["roster", "class-add", "--year", year, "--name", "7в", "--homeroom", teacher_id, *org], workdir, check=True)

    listed = run_cli(["chats", "list", "--type", "class", "--type", "parents", "--name", "7в", *org], workdir, check=True).stdout
    assert "7В - Ученики\tclass\t1" in listed
    assert "7В - Родители\tparents\t1" in listed
    assert "Чатова В." in listed
    assert "Учительская" in run_cli(["chats", "list", "--type", "staff_room", *org], workdir, check=True).stdout

    dry = run_cli(["chats", "init", "--dry-run", *org], workdir, check=True).stdout
    assert dry.startswith("Would change (dry run):")
    assert "total: 0 chats created, 0 members added, 0 removed" in dry

    bad = run_cli(["chats", "init", "--type", "custom", *org], workdir)
    assert bad.returncode != 0
