"""Checks of the web client's sources that need no browser: every string in both languages,
no way for text to become markup, no inline script the Content-Security-Policy would block."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ROOT / "Public"
SOURCES = [p for p in (PUBLIC / "js").rglob("*.js") if "strings" not in p.parts]


def keys(language):
    return set(re.findall(r'"([a-z_]+(?:\.[a-z_0-9]+)+)"\s*:', (PUBLIC / "js" / "strings" / f"{language}.js").read_text()))


def test_both_languages_have_the_same_keys_and_every_used_key():
    ru, en = keys("ru"), keys("en")
    assert len(ru) > 300
    assert ru == en, f"only in ru: {sorted(ru - en)}; only in en: {sorted(en - ru)}"
    used = set()
    for source in SOURCES:
        used |= set(re.findall(r'\bt\(\s*"([a-z_.0-9]+)"', source.read_text()))
    assert used, "no t() calls found: the check would be empty"
    assert not used - ru, f"used but missing: {sorted(used - ru)}"


def test_no_html_from_strings():
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(")
    for source in SOURCES + [PUBLIC / "js" / "strings" / "ru.js", PUBLIC / "js" / "strings" / "en.js"]:
        hits = forbidden.findall(source.read_text())
        assert not hits, f"{source.relative_to(ROOT)} uses {hits}"


def test_pages_have_no_inline_script_or_style():
    for page in PUBLIC.glob("*.html"):
        text = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{page.name} has an inline script"
        assert not re.search(r"\son[a-z]+=", text), f"{page.name} has an inline handler"
        assert "<style" not in text and "style=" not in text, f"{page.name} has inline style"


def test_every_audit_action_reads_as_words():
    """The audit log shows actions in words: every action the API documents has a translation."""
    document = (ROOT / "docs" / "openapi.yaml").read_text()
    block = document[document.index("    AuditAction:", document.index("components:")):]
    block = block[:block.index("    AuditEntry:")]
    actions = set(re.findall(r"^\s+- ([a-z_]+\.[a-z_]+)$", block, re.M))
    assert len(actions) > 40
    for language in ("ru", "en"):
        missing = {a for a in actions if f"audit_action.{a}" not in keys(language)}
        assert not missing, f"{language}: {sorted(missing)}"
