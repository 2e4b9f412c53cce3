"""The web client in a real headless Chromium (Debian's `chromium` and `chromium-driver`),
driven by selenium. One `Browser` is one person's browser with its own profile; screenshots
go to `$PARTA_ARTIFACTS` (default `.build/artifacts/browser`)."""
import os
import re
import shutil
from pathlib import Path

from parta_client import latest_code
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("PARTA_ARTIFACTS", ROOT / ".build" / "artifacts" / "browser"))


FIND_BUTTON = """
const [css, label] = arguments;
for (const e of document.querySelectorAll(css)) {
  const shown = e.checkVisibility ? e.checkVisibility({ visibilityProperty: true, opacityProperty: true }) : e.getClientRects().length > 0;
  if (shown && e.innerText.trim() === label) return e;
}
return null;
"""


def chromium_available():
    return shutil.which("chromedriver") is not None and (shutil.which("chromium") or shutil.which("chromium-browser"))


class Browser:
    def __init__(self, base_url, width=1280, height=860, name="browser", media=False):
        self.base_url = base_url
        self.name = name
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    f"--window-size={width},{height}", "--lang=ru-RU", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update"):
            options.add_argument(arg)
        if media:
            # A fake camera and microphone, granted without asking (media tests).
            for arg in ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"):
                options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        self.driver.set_window_size(width, height)
        if height and width:
            # Headless windows include no browser chrome: make the viewport exactly the size asked.
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self.console = []

    # ——— navigation and waiting ———
    def open(self, path="/"):
        self.driver.get(self.base_url + path)

    def wait(self, predicate, timeout=15, message="condition"):
        try:
            return WebDriverWait(self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: predicate())
        except Exception as error:
            self.shot(f"failed-{message.replace(' ', '_')[:40]}")
            raise AssertionError(f"{self.name}: timed out waiting for {message}; page text:\n{self.text()[:2000]}") from error

    def find(self, css, timeout=15):
        return self.wait(lambda: self._visible(css), timeout, f"visible {css}")

    def _visible(self, css):
        for element in self.driver.find_elements(By.CSS_SELECTOR, css):
            if element.is_displayed():
                return element
        return None

    def all(self, css):
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    def text(self):
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except WebDriverException:
            return ""

    def wait_text(self, text, css="body", timeout=15):
        return self.wait(lambda: any(text in e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()) or None,
                         timeout, f"text {text!r} in {css}")

    def button(self, label, css="button, a.button, a", timeout=15):
        """A visible button or link whose text is `label` (exactly, after trimming). Looked for in
        one script, so that a page re-rendering while it is searched (a call's tiles repaint every
        few seconds) cannot make every attempt stale."""
        return self.wait(lambda: self.driver.execute_script(FIND_BUTTON, css, label), timeout, f"button {label!r}")

    def click(self, label, css="button, a.button, a"):
        """Clicks the button `label`, looking for it again if it was replaced before the click."""
        def attempt():
            element = self.button(label, css)
            try:
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
                element.click()
                return element
            except StaleElementReferenceException:
                return None
        return self.wait(attempt, message=f"a click on {label!r}")

    def click_in_row(self, rows_css, text, inner_css):
        """Clicks `inner_css` inside the first visible row containing `text`, retrying while the
        list re-renders (searches reload as people type). A checkbox is clicked until it is
        checked: a click that lands while its list is being replaced may not take."""
        def attempt():
            for row in self.all(rows_css):
                if text in row.text:
                    target = row.find_element(By.CSS_SELECTOR, inner_css)
                    # Centred, so that the sticky header cannot cover it.
                    self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
                    if target.get_attribute("type") == "checkbox":
                        if not target.is_selected():
                            target.click()
                        return target if target.is_selected() else None
                    target.click()
                    return target
            return None
        return self.wait(attempt, message=f"{inner_css} in a row with {text!r}")

    def type(self, css, text, clear=True):
        element = self.find(css)
        if clear:
            element.clear()
        element.send_keys(text)
        return element

    def select(self, css, visible_text):
        Select(self.find(css)).select_by_visible_text(visible_text)

    def press_enter(self, css):
        self.find(css).send_keys(Keys.ENTER)

    def labelled(self, label):
        """The form control whose <label> reads `label`: tests find fields as people do."""
        def lookup():
            for element in self.driver.find_elements(By.TAG_NAME, "label"):
                if element.is_displayed() and element.text.strip() == label and element.get_attribute("for"):
                    return self.driver.find_element(By.ID, element.get_attribute("for"))
            return None
        return self.wait(lookup, message=f"field labelled {label!r}")

    # ——— people ———
    def sign_in(self, phone, name=None):
        """Signs in through the page, reading the demo code from /dev/codes.json."""
        if "#/signin" not in self.driver.current_url:
            self.open("/#/signin")
        self.type("input[name=phone]", phone)
        self.click("Получить код")
        self.find("input[name=code]")
        code = latest_code(self.base_url, phone)
        self.type("input[name=code]", code)
        self.click("Войти")
        if name:
            surname, given = name
            self.type("input[name=surname]", surname)
            self.type("input[name=given_name]", given)
            self.click("Сохранить")
        self.wait(lambda: self._visible("header nav") is not None or None, message="signed in")

    # ——— evidence ———
    def shot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def errors(self):
        """Console errors (script errors, CSP violations, failed loads) since the last call."""
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        # Refusals the test provoked on purpose (4xx answers) are the API working, not errors.
        refused = re.compile(r"the server responded with a status of 4\d\d")
        return [e for e in entries if e["level"] == "SEVERE" and not (e.get("source") == "network" and refused.search(e["message"]))]

    def no_horizontal_scroll(self):
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth")

    def close(self):
        try:
            self.driver.quit()
        except WebDriverException:
            pass

