"""Deterministic generator of the bundled sample data.

The 56 communes are real; the province totals for the first year are the published ones
(1,431 teams, 12,151 members); every team row is synthetic and is named so that it cannot
pass for a real one ("Tổ CĐSCĐ thôn mẫu 07"). Run: ``python -m scripts.dev.sample``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from scripts.common.files import write_if_changed
from scripts.common.formatting import mid_sentence
from scripts.ingest.load import PROVINCE_FILE, load_references, read_toml
from scripts.model.schema import CONTACTS, PAYMENTS, PROVINCE_ALLOCATIONS, PROVINCE_CONTACT, TEAM_ALLOCATIONS

FIRST_YEAR_TEAMS = 1431
FIRST_YEAR_MEMBERS = 12151
RATE_VND = 500_000
SEED = 20250701
MEMBER_RANGE = (5, 13)
LAGGING_COMMUNES = 6  # communes one quarter behind with payments, so partial payment shows


def split_exactly(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def member_counts(rng: random.Random, teams: int, total: int) -> list[int]:
    """Random team sizes within MEMBER_RANGE that add up to exactly ``total``."""
    low, high = MEMBER_RANGE
    counts = [rng.randint(low, high) for _ in range(teams)]
    while (difference := total - sum(counts)) != 0:
        index = rng.randrange(teams)
        step = 1 if difference > 0 else -1
        if low <= counts[index] + step <= high:
            counts[index] += step
    return counts


def csv_bytes(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def team_label(commune_type: str, number: int) -> tuple[str, str]:
    unit = "tổ dân phố" if commune_type == "phuong" else "thôn"
    village = f"{unit.capitalize()} mẫu {number:02d}"
    return f"Tổ CĐSCĐ {unit} mẫu {number:02d}", village


def first_year_teams(rng: random.Random, communes: list[dict], total_teams: int, total_members: int) -> dict[str, list[dict]]:
    weights = [1 + record["truoc_sap_nhap"].count(",") + rng.random() for record in communes]
    team_counts = split_exactly(total_teams, weights)
    members = iter(member_counts(rng, total_teams, total_members))
    teams = {}
    for record, count in zip(communes, team_counts):
        teams[record["code"]] = [
            {"number": n, "type": record["type"], "members": next(members), "month_from": 1}
            for n in range(1, count + 1)
        ]
    # A few teams were set up mid-year and are funded from July.
    for team in rng.sample([t for ts in teams.values() for t in ts], 40):
        team["month_from"] = 7
    return teams


def next_year_teams(rng: random.Random, previous: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Year two: some teams merge away, some new ones start, sizes drift."""
    teams = {}
    for code, old in previous.items():
        kept = [dict(t, month_from=1, members=max(3, t["members"] + rng.choice((-1, 0, 0, 1, 2)))) for t in old]
        if len(kept) > 20 and rng.random() < 0.3:
            kept.pop(rng.randrange(len(kept)))
        if rng.random() < 0.25:
            number = max(t["number"] for t in old) + 1
            kept.append({"number": number, "type": old[0]["type"], "members": rng.randint(10, 14), "month_from": 4})
        teams[code] = kept
    return teams


def payment_files(year: int, rows_by_commune: dict[str, list[dict]], quarters: int) -> dict[str, bytes]:
    """Quarterly payments for the first ``quarters`` quarters, pro rata by month; lagging communes pay one less."""
    rng = random.Random(SEED + year)  # its own generator: the allocation files stay byte-identical
    lagging = set(rng.sample(sorted(rows_by_commune), LAGGING_COMMUNES))
    files = {}
    for code, rows in rows_by_commune.items():
        payments = []
        for quarter in range(1, quarters + 1 - (code in lagging)):
            paid_on = dt.date(year, 3 * quarter, rng.randint(10, 25))
            for row in rows:
                first, last = max(row["month_from"], 3 * quarter - 2), min(row["month_to"], 3 * quarter)
                if first > last:
                    continue
                funded = row["month_to"] - row["month_from"] + 1
                # Differences of cumulative floors: the quarters add up to the allocation exactly.
                before = (first - row["month_from"]) * row["amount_vnd"] // funded
                through = (last - row["month_from"] + 1) * row["amount_vnd"] // funded
                payments.append(
                    {
                        "team_id": row["team_id"],
                        "commune_code": code,
                        "month_from": first,
                        "month_to": last,
                        "amount_vnd": through - before,
                        "payment_date": paid_on.isoformat(),
                        "document_number": f"Mẫu {quarter}/{year}/UNC xã {code}",
                    }
                )
        if payments:
            files[f"payments/{code}.csv"] = csv_bytes(PAYMENTS.column_names, payments)
    return files


def year_files(
    rng: random.Random,
    year: int,
    teams: dict[str, list[dict]],
    published_on: dt.date,
    paid_quarters: int,
    payments_published_on: dt.date,
) -> dict[str, bytes]:
    decision_date = dt.date(year, 1, 20)
    province_number = f"Mẫu {year % 100:02d}/QĐ-UBND"
    files: dict[str, bytes] = {}
    province_rows = []
    odd_amounts = set(rng.sample([(c, t["number"]) for c, ts in teams.items() for t in ts], 6))
    unspent = set(rng.sample(sorted(teams), 4))
    rows_by_commune = {}
    for code, commune_teams in teams.items():
        commune_date = decision_date + dt.timedelta(days=rng.randint(5, 18))
        rows = []
        for team in commune_teams:
            name, village = team_label(team["type"], team["number"])
            amount = RATE_VND * (13 - team["month_from"])
            if (code, team["number"]) in odd_amounts:
                amount -= RATE_VND  # a deliberate finding: one month short of the rate
            rows.append(
                {
                    "team_id": f"{code}-{team['number']:03d}",
                    "team_name": name,
                    "village": village,
                    "commune_code": code,
                    "member_count": team["members"],
                    "month_from": team["month_from"],
                    "month_to": 12,
                    "amount_vnd": amount,
                    "decision_number": f"Mẫu {year % 100:02d}/QĐ-UBND xã {code}",
                    "decision_date": commune_date.isoformat(),
                }
            )
        files[f"teams/{code}.csv"] = csv_bytes(TEAM_ALLOCATIONS.column_names, rows)
        rows_by_commune[code] = rows
        allocated = sum(row["amount_vnd"] for row in rows) + (2 * RATE_VND if code in unspent else 0)
        province_rows.append(
            {
                "commune_code": code,
                "team_count": len(rows),
                "amount_vnd": allocated,
                "decision_number": province_number,
                "decision_date": decision_date.isoformat(),
            }
        )
    files["province.csv"] = csv_bytes(PROVINCE_ALLOCATIONS.column_names, province_rows)
    files.update(payment_files(year, rows_by_commune, paid_quarters))
    total = sum(row["amount_vnd"] for row in province_rows)
    files["year.toml"] = (
        f"# Dữ liệu mẫu do scripts/dev/sample.py sinh ra; không phải số liệu thật.\n"
        f"sample = true\n"
        f"published_on = {published_on.isoformat()}\n"
        f"payments_published_on = {payments_published_on.isoformat()}\n\n"
        f"[province_decision]\n"
        f'number = "{province_number}"\n'
        f"date = {decision_date.isoformat()}\n"
        f'title = "Quyết định mẫu giao dự toán kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng năm {year}"\n'
        f"total_amount_vnd = {total}\n"
    ).encode("utf-8")
    return files


def contacts_file(communes: list[dict], province: str) -> bytes:
    """Placeholders where the real contacts go, marked sample: numbers of zeros and addresses under the
    reserved .example domain, so that none can pass for, or reach, a real office."""
    rows = [
        {
            "code": PROVINCE_CONTACT,
            "office": f"Kênh “Phản ánh hiện trường” của Trung tâm điều hành {mid_sentence(province)}",
            "phone": "0000 000 000",
            "email": "phan-anh@mau.example",
            "address": f"Trung tâm điều hành {mid_sentence(province)}",
            "sample": "true",
        }
    ]
    rows += [
        {
            "code": record["code"],
            "office": f"Ủy ban nhân dân {record['full_name']}",
            "phone": f"0000 000 {index:03d}",
            "email": f"ubnd-{record['code']}@mau.example",
            "address": f"Trụ sở Ủy ban nhân dân {record['full_name']}",
            "sample": "true",
        }
        for index, record in enumerate(communes, start=1)
    ]
    return csv_bytes(CONTACTS.column_names, rows)


POLICY_TOML = """\
# Mức hỗ trợ và căn cứ pháp lý. Mức thật của Cao Bằng chưa công bố: đây là giả định mẫu.
minimum_members = 10
# Số thành viên nhiều hơn mức này được công bố như một phát hiện cần xem lại (không chặn công bố).
maximum_members = 50
# Dự toán đã được quyết định phải công khai chậm nhất 30 ngày kể từ ngày ký quyết định.
publication_deadline_days = 30
publication_deadline_basis = "Điều 15 Luật Ngân sách nhà nước số 83/2015/QH13: dự toán ngân sách đã được cấp có thẩm quyền quyết định phải được công khai chậm nhất 30 ngày kể từ ngày văn bản được ban hành."

[[rates]]
amount_vnd = 500000
basis = "per_team_month"   # per_team_month | per_member_month
from_year = 2025
to_year = 2026
sample = true
resolution_number = "Chưa ban hành (giả định mẫu)"
resolution_date = 2025-01-01
resolution_title = "Giả định mẫu: mức hỗ trợ 500.000 đồng/tổ/tháng, lấy theo mức của tỉnh Yên Bái"
effective_from = 2025-01-01
effective_to = 2026-12-31
basis_note = "Mức của tỉnh Yên Bái tại Nghị quyết 60/2022/NQ-HĐND (500.000 đồng/tổ/tháng)."
"""


def generate(data_dir: Path, teams: int = FIRST_YEAR_TEAMS, members: int = FIRST_YEAR_MEMBERS) -> list[Path]:
    """Write the sample under data/; return the files whose bytes changed.

    ``teams`` and ``members`` size the first year; scripts/dev/synthetic.py uses them for other provinces.
    """
    rng = random.Random(SEED)
    communes = load_references(data_dir)
    first = first_year_teams(rng, communes, teams, members)
    second = next_year_teams(rng, first)
    outputs = {
        data_dir / "policy" / "policy.toml": POLICY_TOML.encode("utf-8"),
        data_dir / CONTACTS.path_pattern: contacts_file(communes, read_toml(data_dir / PROVINCE_FILE)["name"]),
    }
    # 2025 is paid for the whole year, 2026 for its first half; payment results are published after them.
    plans = (
        (2025, first, dt.date(2025, 2, 14), 4, dt.date(2026, 1, 15)),
        (2026, second, dt.date(2026, 2, 27), 2, dt.date(2026, 7, 10)),
    )
    for year, teams, published_on, paid_quarters, payments_published_on in plans:
        for name, content in year_files(rng, year, teams, published_on, paid_quarters, payments_published_on).items():
            outputs[data_dir / "allocations" / str(year) / name] = content
    return [path for path, content in outputs.items() if write_if_changed(path, content)]


if __name__ == "__main__":
    changed = generate(Path(__file__).resolve().parents[2] / "data")
    print(f"{len(changed)} tệp thay đổi")
