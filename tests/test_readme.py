"""The README is a promise too: its Quick start, generated sections and settings table stay current."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from pelican.settings import read_settings

from scripts.dev import docs
from scripts.publish import deploy

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
    reference = docs.DATA_REFERENCE.read_text(encoding="utf-8")
    assert docs.render(reference) == reference, "run `invoke docs`"


def test_every_setting_is_documented():
    # Assignment targets, including chained ones: `A = B = ""`.
    targets = re.findall(r"^((?:[A-Z][A-Z0-9_]*\s*=\s*)+)", (ROOT / "pelicanconf.py").read_text(encoding="utf-8"), re.M)
    names = {name for chain in targets for name in re.findall(r"[A-Z][A-Z0-9_]*", chain)}
    undocumented = sorted(name for name in names - {"ROOT"} if f"`{name}`" not in README)
    assert undocumented == []


def test_the_build_and_the_deploy_read_one_settings_file():
    """There is one build, the one that publishes: a second settings file for it would be read by nothing."""
    assert not (ROOT / "publishconf.py").exists()
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    assert deploy.target_settings() == {key: settings[key] for key in ("SSH_HOST", "SSH_PORT", "SSH_USER", "SSH_TARGET_DIR")}


# The requirements file each command installs, for the modules another command than `invoke publish` runs.
REQUIREMENTS_OF = {
    "scripts/dev/bench.py": "requirements-bench.txt",
    "scripts/dev/budgets.py": "requirements-bench.txt",
    "scripts/dev/search_bench.py": "requirements-bench.txt",
    "scripts/dev/geometry.py": "requirements-geometry.txt",
    "scripts/publish/nation.py": "requirements-cluster.txt",  # distributed, with --scheduler (invoke publish-nation)
}
# What pyproject.toml declares each requirements file to hold: the project's dependencies or an extra.
DECLARED_IN = {
    "requirements.txt": ("dependencies",),
    "requirements-test.txt": ("optional-dependencies", "test"),
    "requirements-bench.txt": ("optional-dependencies", "bench"),
    "requirements-geometry.txt": ("optional-dependencies", "geometry"),
    "requirements-cluster.txt": ("optional-dependencies", "cluster"),
}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(requirements: Path, included: bool = True) -> list[Requirement]:
    """The pins of a requirements file, and with ``included`` those of the files it includes (`-r`)."""
    found = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.partition("#")[0].strip()
        if line.startswith("-r "):
            found += pinned(requirements.parent / line.removeprefix("-r ").strip()) if included else []
        elif line:
            found.append(Requirement(line))
    return found


def spelled_alike(requirements: list[Requirement]) -> list[str]:
    return sorted(f"{canonical(r.name)}{sorted(r.extras)}{r.specifier}" for r in requirements)


@pytest.mark.parametrize("requirements", sorted(DECLARED_IN))
def test_each_requirements_file_pins_what_pyproject_declares(requirements):
    """pyproject.toml declares the project; the requirements files are what the Quick start, `invoke bench`
    and the geometry tool install. The same pins in both, or one of them lies."""
    declared = PYPROJECT["project"]
    for key in DECLARED_IN[requirements]:
        declared = declared[key]
    assert spelled_alike(pinned(ROOT / requirements, included=False)) == spelled_alike(map(Requirement, declared))
    # An extra comes with the project's own dependencies, and so does each file that needs them.
    includes_runtime = "-r requirements.txt" in (ROOT / requirements).read_text(encoding="utf-8").splitlines()
    assert includes_runtime == (requirements in ("requirements-test.txt", "requirements-bench.txt", "requirements-cluster.txt"))


def test_installing_the_project_installs_no_package_of_its_own():
    """Not a library: `pip install .` must bring the dependencies and not put a package named `scripts`
    (or `tests`, or the settings) into site-packages, where it would shadow or be shadowed."""
    assert PYPROJECT["tool"]["setuptools"] == {"packages": [], "py-modules": []}


def test_pytest_reads_its_settings_from_pyproject_alone():
    # pytest prefers pytest.ini, tox.ini or setup.cfg to pyproject.toml: one of them would silently win.
    assert [name for name in ("pytest.ini", "tox.ini", "setup.cfg") if (ROOT / name).exists()] == []
    assert "browser" in " ".join(PYPROJECT["tool"]["pytest"]["ini_options"]["markers"])


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


def test_each_command_module_named_exists():
    assert [module for module in REQUIREMENTS_OF if not (ROOT / module).is_file()] == []


@pytest.mark.parametrize("module", ["tasks.py", "pelicanconf.py", *sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "scripts").rglob("*.py"))])
def test_the_command_that_runs_a_module_installs_every_library_it_imports(module):
    """A lazy import of a library nothing pins fails only on a fresh machine: `invoke bench` once
    crashed there after its first publishes, measuring pages in a browser without playwright."""
    requirements = ROOT / REQUIREMENTS_OF.get(module, "requirements.txt")
    assert imported_distributions(ROOT / module) - installed_by(requirements) == set()
