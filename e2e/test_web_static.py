"""Checks of the web client's sources that need no browser: every string in both languages,
no way for text to become markup, no inline script the Content-Security-Policy would block, modules
that import downward only."""
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


# `import … from "…"`, `import "…"` and `export … from "…"`, over several lines if need be.
IMPORT = re.compile(r'^\s*(?:import|export)\s+(?:[^"\';]*?\s+from\s+)?["\']([^"\']+)["\']', re.M)


def module_graph():
    """Every module under Public/js (strings included) → the modules it imports, as paths under js/."""
    js = PUBLIC / "js"
    graph = {}
    for source in sorted(js.rglob("*.js")):
        name = source.relative_to(js).as_posix()
        graph[name] = []
        for specifier in IMPORT.findall(source.read_text()):
            assert specifier.startswith("."), f"{name} imports {specifier!r}: only relative imports exist here"
            target = (source.parent / specifier).resolve()
            assert target.is_file(), f"{name} imports {specifier!r}, which does not exist"
            graph[name].append(target.relative_to(js.resolve()).as_posix())
    assert "views/messenger.js" in graph.get("main.js", []), "the import parser found nothing: the checks would be empty"
    return graph


def test_modules_import_without_cycles():
    """Modules import downward only (docs/architecture.md, the web client's structure): no cycles."""
    graph = module_graph()
    cycles, state = [], {}  # state: "open" while on the path, "done" after

    def visit(module, path):
        state[module] = "open"
        for target in graph[module]:
            if state.get(target) == "open":
                cycles.append(" → ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in graph:
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_nothing_imports_the_shell():
    """main.js (the shell and router) is the top: the page loads it, no module imports it."""
    importers = sorted(m for m, targets in module_graph().items() if "main.js" in targets)
    assert not importers, f"main.js is imported by {importers}; shared pieces belong in a lower module"


def test_views_import_no_other_view():
    """What several screens share lives below the views, so a view never depends on another."""
    graph = module_graph()
    crossing = sorted(f"{m} → {t}" for m, targets in graph.items() if m.startswith("views/")
                      for t in targets if t.startswith("views/"))
    assert not crossing, f"views importing views: {crossing}"
