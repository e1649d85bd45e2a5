"""The README is a promise too: its Quick start, generated sections and settings table stay current."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from scripts.dev import docs

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```\w*\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_a_quick_start_of_exactly_two_commands():
    first_heading = re.search(r"^## (.+)$", README, re.M).group(1)
    assert first_heading == "Quick start"
    commands = quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("invoke publish") and commands[1].endswith("invoke test")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_generated_sections_are_current():
    assert docs.render(README) == README, "run `invoke docs`"


def test_every_setting_is_documented():
    names = set()
    for config in ("pelicanconf.py", "publishconf.py"):
        # Assignment targets, including chained ones: `A = B = ""`.
        targets = re.findall(r"^((?:[A-Z][A-Z0-9_]*\s*=\s*)+)", (ROOT / config).read_text(encoding="utf-8"), re.M)
        names |= {name for chain in targets for name in re.findall(r"[A-Z][A-Z0-9_]*", chain)}
    undocumented = sorted(name for name in names - {"ROOT"} if f"`{name}`" not in README)
    assert undocumented == []


# The requirements file each command installs, for the modules another command than `invoke publish` runs.
REQUIREMENTS_OF = {
    "bench.py": "requirements-bench.txt",
    "budgets.py": "requirements-bench.txt",
    "geometry.py": "requirements-geometry.txt",
    "nation.py": "requirements-cluster.txt",  # distributed, with --scheduler (invoke publish-nation)
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(requirements: Path) -> list[Requirement]:
    found = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.partition("#")[0].strip()
        if line.startswith("-r "):
            found += pinned(requirements.parent / line.removeprefix("-r ").strip())
        elif line:
            found.append(Requirement(line))
    return found


def installed_by(requirements: Path) -> set[str]:
    """Distributions pip installs from ``requirements``: its pins, what they depend on, and so on."""
    seen, pending = set(), pinned(requirements)
    while pending:
        requirement = pending.pop()
        key = (canonical(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dependencies = [Requirement(text) for text in requires(requirement.name) or []]
        except PackageNotFoundError:  # an optional command's library this machine lacks: pinned is enough
            continue
        extras = requirement.extras or {""}
        pending += [d for d in dependencies if d.marker is None or any(d.marker.evaluate({"extra": extra}) for extra in extras)]
    return {name for name, _ in seen}


def imported_distributions(module: Path) -> set[str]:
    """Every library ``module`` imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.partition(".")[0])
    names -= set(sys.stdlib_module_names) | {"scripts", "tests", "tasks", "pelicanconf"}
    distributions = packages_distributions()
    return {canonical(distribution) for name in names for distribution in distributions.get(name, [name])}


@pytest.mark.parametrize("module", ["tasks.py", "pelicanconf.py", "publishconf.py", *sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "scripts").rglob("*.py"))])
def test_the_command_that_runs_a_module_installs_every_library_it_imports(module):
    """A lazy import of a library nothing pins fails only on a fresh machine: `invoke bench` once
    crashed there after its first publishes, measuring pages in a browser without playwright."""
    requirements = ROOT / REQUIREMENTS_OF.get(Path(module).name, "requirements.txt")
    assert imported_distributions(ROOT / module) - installed_by(requirements) == set()
