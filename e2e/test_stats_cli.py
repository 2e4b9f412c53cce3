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


REGIONAL = "+79000000003"
MUNICIPAL = "+79000000002"


def test_demo_territory_history_and_xlsx_match_the_page(workdir, servers):
    """The demo's territory with past weeks: the regional officer's page has both municipalities
    and a trend over the weeks; the XLSX workbook (over HTTP and from the CLI) opens with
    openpyxl, holds a sheet per level, typed numbers and formatted percentages equal to the JSON."""
    import openpyxl

    made = run_cli(["demo", "--students", "40", "--schools", "3", "--history-weeks", "3"], cwd=workdir, check=True).stdout
    assert "territory: 4 schools in 2 municipalities" in made, made
    assert "3 weekly snapshots" in made, made
    again = run_cli(["demo", "--students", "40", "--schools", "3", "--history-weeks", "3"], cwd=workdir, check=True).stdout
    assert "history: not played again" in again, "the history is played once"

    server = servers(workdir, ["--demo"], env=demo_env()).wait_ready()
    regional = sign_in(server.url, REGIONAL)
    page = regional.call("GET", "/api/v1/statistics/regions/1").json()
    assert [row["name"] for row in page["rows"]] == ["Городской округ Образцово", "Образцовский муниципальный район"]
    assert page["total"]["organizations"] == 4 and len(page["weeks"]) == 3
    trend = page["trend"]
    assert [p["week"] for p in trend] == sorted(page["weeks"])
    # Schools come on one after another and parents link week by week.
    active = [p["figures"]["active_organizations"] for p in trend]
    linked = [p["figures"]["parents_linked"] for p in trend]
    assert active == sorted(active) and active[0] < active[-1], active
    assert linked == sorted(linked) and linked[0] < linked[-1], linked
    assert sum(p["figures"]["messages"] for p in trend) > 0
    municipal = sign_in(server.url, MUNICIPAL)
    assert municipal.call("GET", "/api/v1/statistics/regions/1").status_code == 403

    response = regional.call("GET", "/api/v1/statistics/regions/1", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    path = workdir / "region.xlsx"
    path.write_bytes(response.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Муниципалитеты", "Школы"]
    sheet = book["Муниципалитеты"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:2] == ["Неделя", "Название"]
    by_name = {row[1]: dict(zip(header, row)) for row in rows[1:]}
    assert list(by_name) == [r["name"] for r in page["rows"]] + [page["name"]], "a row per municipality, the total last"
    for row in page["rows"] + [{"name": page["name"], "figures": page["total"]}]:
        cells, f = by_name[row["name"]], row["figures"]
        assert cells["Неделя"] == page["week"]
        for title, key in (("Организаций", "organizations"), ("Активных", "active_organizations"), ("Подтверждённых учителей", "verified_teachers"),
                           ("Родителей", "parents"), ("Родителей с аккаунтом", "parents_linked"), ("Сообщений за неделю", "messages")):
            assert cells[title] == f.get(key, 0) and isinstance(cells[title], int), (row["name"], title, cells[title], f.get(key))
        expected = round(f["parents_linked"] * 1000 / f["parents"]) / 10 if f["parents"] else None
        share = cells["Родителей с аккаунтом, %"]
        assert (share is None) if expected is None else abs(share - expected / 100) < 1e-9, (row["name"], share, expected)
    percent_column = header.index("Активных, %") + 1
    assert sheet.cell(row=2, column=percent_column).number_format == "0.0%"
    assert sheet.cell(row=1, column=1).font.b, "the header is bold"
    assert sheet.freeze_panes == "C2"

    schools = list(book["Школы"].iter_rows(values_only=True))
    school_header = list(schools[0])
    assert school_header[:3] == ["Неделя", "Название", "Входит в"]
    school_rows = [dict(zip(school_header, row)) for row in schools[1:-1]]
    assert len(school_rows) == 4 and {r["Входит в"] for r in school_rows} == {r["name"] for r in page["rows"]}
    assert sum(r["Сообщений за неделю"] for r in school_rows) == page["total"]["messages"]
    assert schools[-1][1] == page["name"]

    # A school's administrator: one sheet, their school and their municipality's total, no other name.
    admin = sign_in(server.url, ADMIN)
    own = admin.call("GET", "/api/v1/statistics/organizations/1", params={"format": "xlsx"})
    assert own.status_code == 200
    (workdir / "school.xlsx").write_bytes(own.content)
    school_book = openpyxl.load_workbook(workdir / "school.xlsx")
    assert school_book.sheetnames == ["Школа"]
    names = [row[1] for row in school_book["Школа"].iter_rows(min_row=2, values_only=True)]
    assert names == ["Школа № 1 г. Образцово", "Городской округ Образцово — все школы"], names
    assert admin.call("GET", "/api/v1/statistics/organizations/2", params={"format": "xlsx"}).status_code == 403

    # The CLI writes the same workbook for the same week.
    out = workdir / "cli.xlsx"
    written = run_cli(["stats", "export", "--region", "1", "--output", str(out)], cwd=workdir, check=True).stdout
    assert "Муниципалитеты (2 rows), Школы (4 rows)" in written, written
    cli = openpyxl.load_workbook(out)
    for name in book.sheetnames:
        assert list(cli[name].iter_rows(values_only=True)) == list(book[name].iter_rows(values_only=True))
    refused = run_cli(["stats", "export", "--region", "1", "--format", "xlsx"], cwd=workdir)
    assert refused.returncode != 0 and "--output" in refused.stderr, "a workbook needs --output"
