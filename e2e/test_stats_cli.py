"""`parta stats` from the command line: a snapshot taken once, the table shown, the CSV export
opening with Python's csv (as Russian Excel reads it) and holding the numbers the server's JSON
page holds for the same week."""
import csv
import io

from conftest import run_cli
from parta_client import sign_in
from test_web import ADMIN, demo_env


def test_snapshot_show_and_export_match_the_page(workdir, servers):
    run_cli(["demo", "--students", "60"], cwd=workdir, check=True)
    taken = run_cli(["stats", "snapshot"], cwd=workdir, check=True).stdout
    assert "taken" in taken, taken
    again = run_cli(["stats", "snapshot"], cwd=workdir, check=True).stdout
    assert again.startswith("nothing to take"), again
    week = taken.split()[2]

    shown = run_cli(["stats", "show", "--org", "1"], cwd=workdir, check=True).stdout
    assert week in shown and "total" in shown
    assert run_cli(["stats", "show", "--org", "1", "--region", "1"], cwd=workdir).returncode != 0
    bad = run_cli(["stats", "show", "--week", "2026-W99"], cwd=workdir)
    assert bad.returncode == 2 and "2026-W48" in bad.stderr

    out = workdir / "stats.csv"
    run_cli(["stats", "export", "--org", "1", "--output", str(out)], cwd=workdir, check=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, total = rows[0], rows[-1]
    cell = dict(zip(header, total))
    assert cell["Неделя"] == week

    # The server's page for the same week says the same.
    server = servers(workdir, ["--demo"], env=demo_env()).wait_ready()
    admin = sign_in(server.url, ADMIN)
    page = admin.call("GET", "/api/v1/statistics/organizations/1", params={"week": week}).json()
    figures = page["total"]
    assert page["week"] == week and cell["Название"] == page["name"]
    for title, key in (("Организаций", "organizations"), ("Подтверждённых учителей", "verified_teachers"), ("Учеников", "students"),
                       ("Учеников с аккаунтом", "students_linked"), ("Родителей", "parents"), ("Сообщений за неделю", "messages")):
        assert int(cell[title]) == figures.get(key, 0), (title, cell[title], figures.get(key))
    assert int(cell["Учеников"]) > 0 and int(cell["Подтверждённых учителей"]) >= 0
    exported = admin.call("GET", "/api/v1/statistics/organizations/1", params={"week": week, "format": "csv"})
    assert exported.status_code == 200 and exported.content.decode("utf-8-sig").replace("\r\n", "\n") == raw.decode("utf-8-sig").replace("\r\n", "\n")
