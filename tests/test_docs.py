"""docs/ is read by the next maintainer: a file it names that has moved sends them to the wrong place."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# `name.ext`: a file name; anything else in code type without a slash (a command, a setting) is not a path.
FILE_SUFFIX = re.compile(r"\.(py|html|css|js|md|toml|csv|json|geojson|txt|ttf)$")


def project_file_names() -> set[str]:
    """Names of the project's files; what a build or git makes is not the project's."""
    made = {".git", "build", "output", "__pycache__", ".pytest_cache"}
    return {path.name for path in ROOT.rglob("*") if path.is_file() and made.isdisjoint(path.relative_to(ROOT).parts)}


def named_paths(text: str) -> list[str]:
    """Paths in code type: with a slash, from the repository's root (`<year>` is any one folder), or
    bare file names. URLs (`/xa/…`) and commands (with a space) are not paths."""
    found = []
    for token in re.findall(r"`([^`\s]+)`", text):
        if token.startswith("/") or "://" in token:
            continue
        if "/" in token or FILE_SUFFIX.search(token):
            found.append(token)
    return found


def exists(path: str, names: set[str]) -> bool:
    if "/" not in path:
        return path in names
    pattern = re.sub(r"<[^>]+>", "*", path.rstrip("/"))
    return any(ROOT.glob(pattern))


def test_maintaining_names_only_files_that_exist():
    text = (DOCS / "maintaining.md").read_text(encoding="utf-8")
    paths = named_paths(text)
    assert len(paths) > 20, "the guide names the files to change"
    names = project_file_names()
    assert [path for path in paths if not exists(path, names)] == []


# A project file named in the code, templates, prose pages or docs (not the tests, whose examples are made up).
PROJECT_PATH = re.compile(r"\b(?:scripts|theme|content|docs|data|tests)/[\w./-]*\.(?:py|html|css|js|md|toml|csv|json)\b")


def project_sources() -> list[Path]:
    sources = [ROOT / name for name in ("tasks.py", "pelicanconf.py", "README.md")]
    return sources + [path for folder in ("scripts", "theme", "content", "docs") for path in (ROOT / folder).rglob("*")
                      if path.suffix in {".py", ".html", ".js", ".css", ".md", ".toml"} and "vendor" not in path.parts]


def test_the_code_and_pages_name_only_files_that_exist():
    """The layout moved every module once: a comment, a template or a page of the site naming the old place
    sends its reader nowhere."""
    missing = {
        f"{source.relative_to(ROOT)}: {path}"
        for source in project_sources()
        for path in PROJECT_PATH.findall(source.read_text(encoding="utf-8"))
        if "<" not in path and not any(ROOT.glob(path))
    }
    assert sorted(missing) == []


def defines(module: Path, name: str) -> bool:
    return re.search(rf"^\s*(?:def|class) {name}\b|^{name}\b[^=\n]*=", module.read_text(encoding="utf-8"), re.M) is not None


def test_the_code_and_pages_name_only_modules_and_functions_that_exist():
    """`scripts.site.pages.source_of` in a template's comment: the module, and the function or constant named in it."""
    missing = set()
    for source in project_sources():
        for reference in re.findall(r"\bscripts(?:\.\w+)+", source.read_text(encoding="utf-8")):
            parts = reference.split(".")
            for length in range(len(parts), 1, -1):
                path = ROOT.joinpath(*parts[:length])
                module = path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"
                if module.is_file():
                    if length < len(parts) and not defines(module, parts[length]):
                        missing.add(f"{source.relative_to(ROOT)}: {reference}")
                    break
            else:
                missing.add(f"{source.relative_to(ROOT)}: {reference}")
    assert sorted(missing) == []


def test_the_module_map_lists_every_module_and_only_those():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    mapped = {path for path in named_paths(text) if path.startswith("scripts/") and path.endswith(".py")}
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "scripts").rglob("*.py") if path.name != "__init__.py"}
    assert sorted(modules - mapped) == [], "add a line for each new module to docs/architecture.md"
    assert sorted(mapped - modules) == [], "a module in docs/architecture.md no longer exists"


def test_the_readme_links_every_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(doc.name for doc in DOCS.glob("*.md") if f"(docs/{doc.name})" not in readme) == []


def test_the_finder_sees_paths_names_and_skips_the_rest():
    text = "`data/allocations/<year>/` `year.toml` `/xa/01273/` `invoke docs` `--no-browser` `commune_url` `a b.py`"
    assert named_paths(text) == ["data/allocations/<year>/", "year.toml"]
    assert exists("data/allocations/<year>/", set()) and not exists("data/allocations/<year>/nothing.csv", set())
    assert exists("year.toml", {"year.toml"}) and not exists("year.toml", {"province.toml"})
