"""The README is a promise too: its Quick start, generated sections and settings table stay current."""

from __future__ import annotations

import re
from pathlib import Path

from scripts import docs

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
