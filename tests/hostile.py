"""The hostile-string corpus, and the tiny dataset with one team per string in every text column.

Each string becomes team ``01273-NNN`` whose name, village and decision number are all that
string, paid once under a payment document of that number; amounts, counts and the province
decision are adjusted so that nothing else is wrong.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from scripts.ingest.read import normalise_text
from scripts.publish import pipeline as publish
from tests.conftest import FIXTURES, assemble_data

CORPUS = FIXTURES / "hostile_strings.txt"
TEXT_COLUMNS = ("team_name", "village", "decision_number", "document_number")
COMMUNE = "01273"
RATE = 500_000  # the tiny policy's rate for one team-month: no finding about the amount
OTHER_COMMUNE_VND = 9_000_000  # 01786's line in the tiny province decision, kept as it is
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}


def decode(line: str) -> str:
    return re.sub(r"\\(u[0-9a-fA-F]{4}|[nrt\\])", lambda m: chr(int(m[1][1:], 16)) if m[1][0] == "u" else ESCAPES[m[1]], line)


def corpus() -> dict[str, str | None]:
    """Every string → the problem code that must refuse it, or None when it must be published."""
    expected: dict[str, str | None] = {}
    section = None
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#:"):
            words = line[2:].split()
            if words[:1] == ["published"]:
                section = None
            elif words[:1] == ["refused"]:
                section = words[1]
            continue
        expected[decode(line)] = section
    return expected


def team_id(index: int) -> str:
    return f"{COMMUNE}-{index + 1:03d}"


def write_data(data: Path, strings: list[str]) -> dict[str, str]:
    """Replace commune 01273's teams with one team per string; return team id → string."""
    teams = data / "allocations" / "2025" / "teams" / f"{COMMUNE}.csv"
    header = ["team_id", *TEXT_COLUMNS[:2], "commune_code", "member_count", "month_from", "month_to", "amount_vnd",
              TEXT_COLUMNS[2], "decision_date"]
    with teams.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for index, text in enumerate(strings):
            writer.writerow([team_id(index), text, text, COMMUNE, 10, 1, 1, RATE, text, "2025-01-30"])
    with (data / "allocations" / "2025" / "payments" / f"{COMMUNE}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["team_id", "commune_code", "month_from", "month_to", "amount_vnd", "payment_date", TEXT_COLUMNS[3]])
        for index, text in enumerate(strings):
            writer.writerow([team_id(index), COMMUNE, 1, 1, RATE, "2025-02-10", text])
    province = data / "allocations" / "2025" / "province.csv"
    lines = province.read_text(encoding="utf-8").splitlines()
    lines = [f"{COMMUNE},{len(strings)},{len(strings) * RATE},01/QĐ-UBND,2025-01-20" if line.startswith(COMMUNE) else line for line in lines]
    province.write_text("\n".join(lines) + "\n", encoding="utf-8")
    year = data / "allocations" / "2025" / "year.toml"
    total = len(strings) * RATE + OTHER_COMMUNE_VND
    year.write_text(re.sub(r"total_amount_vnd = \d+", f"total_amount_vnd = {total}", year.read_text(encoding="utf-8")), encoding="utf-8")
    return {team_id(index): text for index, text in enumerate(strings)}


def hostile_data(destination: Path, strings: list[str]) -> Path:
    data = assemble_data(FIXTURES / "tiny", destination)
    write_data(data, strings)
    return data


def publish_published_strings(root: Path) -> tuple[Path, dict[str, str]]:
    """The site built from every string the corpus says must be published: (output, team id → text shown)."""
    strings = [text for text, refused in corpus().items() if refused is None]
    data = hostile_data(root / "data", strings)
    publish.publish(publish.Paths(root, data))
    return root / "output", {team_id(index): normalise_text(text) for index, text in enumerate(strings)}
