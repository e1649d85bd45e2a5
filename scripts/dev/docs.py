"""docs/data.md's schema and error-code sections, generated from scripts/model/schema.py and scripts/model/problems.py.

`invoke docs` rewrites the sections between their markers; a test fails when they are stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.model import problems
from scripts.model.schema import CONTACTS, INPUT_TABLES, TYPE_LABELS

DATA_REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "data.md"


def schema_markdown() -> str:
    parts, described = [], set()
    for table in (*INPUT_TABLES, CONTACTS):
        parts.append(f"### `data/{table.path_pattern}` — {table.title}\n\n{table.description}\n")
        parts.append("| column | type | meaning (vi) |\n|---|---|---|")
        for column in table.columns:
            kind = ", ".join(filter(None, (TYPE_LABELS[column.type], column.unit, "" if column.required else "không bắt buộc")))
            # A column shared by several tables is described once, where it first appears.
            meaning = "như trên." if (column.title, column.description) in described else column.description
            described.add((column.title, column.description))
            parts.append(f"| `{column.name}` | {kind} | {column.title}: {meaning} |")
        parts.append("")
    return "\n".join(parts)


def problems_markdown() -> str:
    rows = ["| code | severity | title (vi) |", "|---|---|---|"]
    for kind in problems.ALL_KINDS:
        rows.append(f"| `{kind.code}` | {kind.severity} | {kind.title} |")
    return "\n".join(rows) + "\n"


SECTIONS = {"schema": schema_markdown, "problems": problems_markdown}


def render(text: str) -> str:
    for name, generate in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda match: match.group(1) + generate() + match.group(2), text)
    return text


def update_data_reference(path: Path = DATA_REFERENCE) -> bool:
    text = path.read_text(encoding="utf-8")
    updated = render(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text
