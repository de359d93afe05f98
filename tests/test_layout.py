"""The package's rooms: stages import one way (import-linter's contracts) and no module imports itself back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["content", "adapters", "tailor", "render", "pdf", "jobs", "cli"]
MAX_LINES = 600


def strongly_connected(graph: grimp.ImportGraph, modules: set[str]) -> list[set[str]]:
    """Tarjan's algorithm over the package's import graph: every set of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.find_modules_directly_imported_by(node) & modules:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles():
    graph = grimp.build_graph("booklet")
    # A package's __init__ re-exporting its own modules is not a cycle of meaning; leave them out.
    packages = {f"booklet.{s}" for s in STAGES} | {"booklet", "booklet.adapters.sheets"}
    modules = {m for m in graph.modules if m not in packages}
    assert strongly_connected(graph, modules) == []


def test_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    package = tmp_path / "looped"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("from . import a\n")
    (package / "c.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("looped")
    assert strongly_connected(graph, set(graph.modules) - {"looped"}) == [{"looped.a", "looped.b"}]


def test_every_stage_says_what_it_owns_and_must_not_import():
    for stage in STAGES:
        doc = (ROOT / "booklet" / stage / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""'), stage
        assert "must not import" in doc or "nothing imports it" in doc, stage


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "0 broken" in done.stdout


def test_tests_mirror_the_stages():
    for stage in STAGES:
        assert list((ROOT / "tests" / stage).glob("test_*.py")), f"tests/{stage}/ has no tests"


def test_no_module_is_longer_than_a_newcomer_can_read():
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "booklet").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_folder_is_named_like_generated_output():
    # Tools skip folders named build or dist (pytest, packagers, structure viewers).
    named = [p for p in (ROOT / "booklet").rglob("*") if p.is_dir() and p.name in ("build", "dist")]
    assert named == []


def test_every_folder_of_the_package_is_installed():
    """A folder of templates, starter files or assets that pyproject.toml does not list is left out of
    an installed booklet (and `booklet init` fails there): every one is declared, with its files."""
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    declared = set(setuptools["packages"])
    folders = {
        ".".join(("booklet", *p.relative_to(ROOT / "booklet").parts))
        for p in (ROOT / "booklet").rglob("*")
        if p.is_dir() and p.name != "__pycache__" and any(f.is_file() for f in p.iterdir())
    }
    assert folders - declared == set()
    data = {name for name in folders if not (ROOT / "booklet" / Path(*name.split(".")[1:]) / "__init__.py").exists()}
    assert data - set(setuptools["package-data"]) == set()
