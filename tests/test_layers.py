"""Data flows one way through scripts/: no module imports from a higher layer, and no modules import each
other in a cycle. Imports inside functions count: deferring one hides the dependency, it does not remove it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
LAYERS = ("common", "model", "ingest", "validate", "site", "outputs", "publish", "dev")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SCRIPTS.rglob("*.py"))}


def layer(module: str) -> int | None:
    """The rank of the layer ``module`` belongs to; None for the ``scripts`` package itself."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 else None


def imports(module: str) -> list[tuple[str, int]]:
    """The project modules ``module`` imports, anywhere in it, with the line of each import."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            # `from scripts.publish import checks` imports the module checks; `from x import name`, x.
            names = {f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names}
        else:
            continue
        found += [(name, node.lineno) for name in sorted(names) if name in MODULES and name != module]
    return found


GRAPH = {module: imports(module) for module in MODULES}


def upward_imports() -> list[str]:
    found = []
    for module, targets in GRAPH.items():
        for target, line in targets:
            own, theirs = layer(module), layer(target)
            if own is not None and theirs is not None and theirs > own:
                found.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {LAYERS[own]} imports {target} ({LAYERS[theirs]})")
    return sorted(found)


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target, _ in GRAPH[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    return sorted(components)


def test_every_module_belongs_to_a_layer():
    assert sorted({module.split(".")[1] for module in MODULES if module != "scripts"} - set(LAYERS)) == []


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports() == []


def test_no_import_cycles():
    assert cycles() == []


# Calls that change the file system: pathlib's and shutil's, PIL's and openpyxl's save, and the project's own writers.
WRITING_CALLS = {"write_bytes", "write_text", "write_if_changed", "write_new", "write_anew", "mkdir", "makedirs", "symlink_to", "copyfile", "copytree", "rmtree", "save"}
WRITING_MODE = re.compile(r"[wxa][bt+]*")


def writes_files(module: str) -> bool:
    """Whether ``module`` itself writes to the file system: one of WRITING_CALLS, or an open() to write."""
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in WRITING_CALLS:
                return True
            if name == "open" and any(isinstance(arg, ast.Constant) and WRITING_MODE.fullmatch(str(arg.value)) for arg in node.args):
                return True
    return False


def stages() -> list[str]:
    """The modules the pipeline calls, and every other module of a stage's layer that writes a file
    (scripts.common is plumbing, scripts.model definitions, scripts.dev tools: none is a stage)."""
    called = {target for target, _ in GRAPH["scripts.publish.pipeline"] if layer(target) > LAYERS.index("model")}
    writing = {module for module in MODULES if layer(module) not in (None, *map(LAYERS.index, ("common", "model", "dev"))) and writes_files(module)}
    return sorted(called | writing)


def test_every_stage_opens_by_saying_what_it_reads_and_writes():
    found = stages()
    assert {"scripts.outputs.downloads", "scripts.publish.nation", "scripts.site.sitemap"} <= set(found)
    openings = {stage: (ast.get_docstring(ast.parse(MODULES[stage].read_text(encoding="utf-8"))) or "").splitlines()[0] for stage in found}
    assert [f"{stage}: {line}" for stage, line in openings.items() if not re.search(r"\breads\b.*\bwrites\b", line, re.IGNORECASE)] == []


@pytest.mark.parametrize(
    "source, writes",
    [("Path(p).write_text(s)", True), ("with open(p, 'xb') as f: pass", True), ("target.open('w')", True),
     ("open(p, encoding='utf-8')", False), ("text.replace('a', 'b')", False)],
)
def test_the_walk_tells_a_module_that_writes_files(source, writes, tmp_path, monkeypatch):
    fake = tmp_path / "x.py"
    fake.write_text(source, encoding="utf-8")
    monkeypatch.setitem(MODULES, "scripts.outputs.x", fake)
    assert writes_files("scripts.outputs.x") == writes


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from scripts.publish import checks", ["scripts/outputs/x.py:1: outputs imports scripts.publish.checks (publish)"]),
        ("def f():\n    import scripts.dev.bench", ["scripts/outputs/x.py:2: outputs imports scripts.dev.bench (dev)"]),
        ("from ..publish.checks import inspect", ["scripts/outputs/x.py:1: outputs imports scripts.publish.checks (publish)"]),
        ("from scripts.common import cache\nfrom scripts.outputs import maps\nfrom . import search", []),
    ],
)
def test_the_walk_sees_every_form_of_import(source, expected, tmp_path, monkeypatch):
    """The checks above pass only if the walk finds imports; here it must find a planted one."""
    fake = tmp_path / "scripts" / "outputs" / "x.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(source, encoding="utf-8")
    modules = {**MODULES, "scripts.outputs.x": fake}
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "MODULES", modules)
    monkeypatch.setitem(globals(), "GRAPH", {"scripts.outputs.x": imports("scripts.outputs.x")})
    assert upward_imports() == expected


def test_the_walk_finds_a_cycle(monkeypatch):
    graph = {"scripts.site.a": [("scripts.site.b", 1)], "scripts.site.b": [("scripts.site.a", 3)], "scripts.site.c": []}
    monkeypatch.setitem(globals(), "GRAPH", graph)
    assert cycles() == [["scripts.site.a", "scripts.site.b"]]


def test_a_staff_command_loads_no_developer_tool():
    """Every staff command loads tasks.py; the tools under scripts/dev/ are imported by the tasks that use them."""
    listing = "import sys, tasks; print(*sorted(name for name in sys.modules if name.startswith('scripts.dev')))"
    loaded = subprocess.run([sys.executable, "-c", listing], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
