"""The statistics console in headless Chromium on the demo's territory with past weeks: the
regional officer sees the table of municipalities with its charts, sorts and filters it, drills
down to a municipality and a school and back up, changes the week, downloads the Excel workbook;
the municipal officer reads it on a phone. Screenshots in `.build/artifacts/browser/`."""
import os
import time

import pytest
from selenium.webdriver.common.keys import Keys

from browser import Browser, chromium_available
from conftest import run_cli
from test_web import assert_clean, browsers, demo_env  # noqa: F401 (fixture)

if not chromium_available():
    if os.environ.get("PARTA_TEST_REQUIRE_BROWSER") == "1":
        raise RuntimeError("PARTA_TEST_REQUIRE_BROWSER=1 but chromium or chromedriver is missing")
    pytestmark = pytest.mark.skip(reason="needs Debian's chromium and chromium-driver")

MUNICIPAL, REGIONAL = "+79000000002", "+79000000003"


@pytest.fixture
def territory(workdir, servers):
    run_cli(["demo", "--students", "30", "--schools", "3", "--history-weeks", "3"], cwd=workdir, check=True)
    return servers(workdir, ["--demo"], env=demo_env()).wait_ready()


def test_officer_drills_down_changes_the_week_and_downloads_excel(territory, browsers, workdir):
    import openpyxl

    officer = browsers(territory.url, name="regional-officer", height=1200)
    officer.open("/")
    officer.sign_in(REGIONAL)
    officer.click("Статистика", "header nav a")
    officer.wait_text("Демонстрационный край", "h1")
    officer.wait_text("Муниципалитеты", "h2")
    rows = [r.text for r in officer.all(".stats-table tbody th")]
    assert rows == ["Городской округ Образцово", "Образцовский муниципальный район"], rows
    # Real charts: a trend line per figure with a point per week and axes, a bar per municipality.
    trend = officer.find(".chart-grid .chart svg")
    assert trend.get_attribute("role") == "img" and len(trend.find_elements("css selector", ".point")) == 3
    assert len(trend.find_elements("css selector", ".tick")) >= 2
    bars = officer.all(".chart .bar")
    assert len(bars) == 2, "a bar per municipality"
    officer.shot("stats-1-region")

    # Sorting by messages (largest first) and the filter of chat coverage below 0 % (none).
    officer.click("Сообщения", ".stats-table th button")
    sorted_rows = [r.text for r in officer.all(".stats-table tbody th")]
    assert len(sorted_rows) == 2 and officer.find(".stats-table th[aria-sort]").get_attribute("aria-sort") == "descending"
    coverage = officer.labelled("Чаты по контингенту ниже, %")
    coverage.send_keys("0")
    officer.wait_text("Показано 0 из 2", ".stats-table caption")
    coverage.send_keys(Keys.BACKSPACE)
    officer.wait_text("Показано 2 из 2", ".stats-table caption")

    # Down to the city: its schools, one of which has not come onto the platform yet.
    officer.click("Городской округ Образцово", ".stats-table a")
    officer.wait_text("Школы", "h2")
    schools = ["Гимназия № 2 г. Образцово", "Лицей № 3 г. Образцово", "Школа № 1 г. Образцово"]
    assert [r.text for r in officer.all(".stats-table tbody th")] == schools
    officer.select("select[name=status]", "Только неактивные")
    officer.wait(lambda: [r.text for r in officer.all(".stats-table tbody th")] == ["Лицей № 3 г. Образцово"] or None, message="inactive filter")
    officer.select("select[name=status]", "Все")
    officer.click("Школа № 1 г. Образцово", ".stats-table a")
    officer.wait_text("Школа на платформе")
    officer.wait_text("Активна", ".stat-grid")
    assert officer.find(".breadcrumbs").text.startswith("Демонстрационный край")
    officer.shot("stats-2-school")

    # An earlier week: the page and its trend end with it.
    weeks = [o.get_attribute("value") for o in officer.all("select[name=week] option") if "-W" in o.get_attribute("value")]
    assert len(weeks) == 3
    officer.select("select[name=week]", f"Неделя {weeks[-1]}")
    officer.wait(lambda: weeks[-1] in officer.driver.current_url or None, message="week in the address")
    officer.wait(lambda: len(officer.all(".chart-grid .chart svg")[0].find_elements("css selector", ".point")) == 1 or None,
                 message="a one-week trend")

    # Back up to the municipality by the breadcrumbs, and the workbook of that week.
    officer.click("Городской округ Образцово", ".breadcrumbs a")
    officer.wait_text("Школы", "h2")
    downloads = workdir / "downloads"
    downloads.mkdir()
    officer.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    officer.click("Скачать Excel (XLSX)")
    deadline = time.time() + 15
    while time.time() < deadline and not list(downloads.glob("*.xlsx")):
        time.sleep(0.2)
    files = list(downloads.glob("*.xlsx"))
    assert files, "the workbook was downloaded"
    book = openpyxl.load_workbook(files[0])
    assert book.sheetnames == ["Школы"]
    sheet_rows = list(book["Школы"].iter_rows(values_only=True))
    assert [r[1] for r in sheet_rows[1:]] == schools + ["Городской округ Образцово"]
    assert {r[0] for r in sheet_rows[1:]} == {weeks[-1]}, "the week on the page"
    assert_clean(officer)

    # The municipal officer on a phone: the page fits, the charts are there; the region is not theirs.
    phone = browsers(territory.url, name="municipal-phone", width=390, height=900)
    phone.open("/")
    phone.sign_in(MUNICIPAL)
    phone.open("/#/stats")
    phone.wait_text("Школы", "h2")
    phone.find(".chart svg")
    assert phone.no_horizontal_scroll()
    assert not phone.all(".breadcrumbs a"), "no way up into the region"
    phone.shot("stats-3-phone")
    phone.open("/#/stats/region/1")
    phone.find(".error")
    assert_clean(phone)
