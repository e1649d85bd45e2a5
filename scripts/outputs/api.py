"""Reads the dataset and the release history; writes the static JSON API under api/v1/ and its JSON Schemas.

- ``api/v1/xa/<code>.json``: a commune's every year: the province's allocation and decision, the totals,
  the commune's decisions and each team's figures;
- ``api/v1/to/<team id>.json``: a team's every year: its allocation periods with their decisions, its
  payments, paid and remaining. A team that has left the data keeps its file, which then says since which
  release it is gone, as its page does (theme/templates/gone.html);
- ``api/v1/index.json``: every file above;
- ``api/v1/schema/<kind>.json``: the JSON Schema (draft 2020-12) of each kind, its fields described from
  scripts/model/schema.py.

Every file names the data release it belongs to. Figures are the pages' own (scripts/site/pages.py
``SiteData``). Compact UTF-8 JSON in a fixed key order with a final newline: the same data gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson

from scripts.model.schema import COMMUNES, FISCAL_YEAR, PAYMENTS, PROVINCE_ALLOCATIONS, TEAM_ALLOCATIONS, Column
from scripts.model.urls import (
    api_commune_file,
    api_index_file,
    api_schema_file,
    api_team_file,
    commune_url,
    team_url,
)
from scripts.outputs.downloads import Download, install, manifest_hashes, write_tree
from scripts.site.pages import SiteData, read_dataset

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCOPE = "api"  # listed on no downloads table
KINDS = {"xa": "Một xã/phường, mọi năm", "to": "Một tổ, mọi năm", "index": "Danh sách các tệp của API"}


def encoded(record: dict) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def decision(number: str, date: str) -> dict:
    return {"number": number, "date": date}


def release_of(release: dict) -> dict:
    return {"version": release["version"], "date": release["date"]}


def team_year(fiscal_year: int, team: dict, figures: dict) -> dict:
    """``figures``: the team's year with paid and remaining (``SiteData.team_figures``)."""
    return {
        "fiscal_year": fiscal_year,
        "team_name": team["team_name"],
        "village": team["village"],
        "commune_code": team["commune_code"],
        "member_count": team["member_count"],
        "months": team["months"],
        "amount_vnd": team["amount_vnd"],
        "paid_vnd": figures["paid_vnd"],
        "remaining_vnd": figures["remaining_vnd"],
        "periods": [
            {
                "month_from": p["month_from"],
                "month_to": p["month_to"],
                "member_count": p["member_count"],
                "amount_vnd": p["amount_vnd"],
                "paid_vnd": p["paid_vnd"],
                "decision": decision(p["decision_number"], p["decision_date"]),
            }
            for p in figures["periods"]
        ],
        "payments": [
            {key: p[key] for key in ("month_from", "month_to", "amount_vnd", "payment_date", "document_number")}
            for p in figures["payments"]
        ],
    }


def commune_year(site: SiteData, year: dict, row: dict, figures: dict[tuple[int, str], dict]) -> dict:
    fiscal_year, code = year["fiscal_year"], row["code"]
    allocation, province = row["allocation"], year["province_decision"]
    return {
        "fiscal_year": fiscal_year,
        "sample": year["sample"],
        "province_decision": {**decision(province["number"], province["date"]), "title": province["title"]},
        "allocation": {
            "team_count": allocation["team_count"],
            "amount_vnd": allocation["amount_vnd"],
            "decision": decision(allocation["decision_number"], allocation["decision_date"]),
        },
        "decisions": row["decisions"],
        "totals": {key: row[key] for key in ("team_count", "member_count", "teams_amount_vnd", "unallocated_vnd", "paid_vnd", "remaining_vnd", "below_minimum")},
        "teams": [
            {
                "team_id": team["team_id"],
                "team_name": team["team_name"],
                "village": team["village"],
                "member_count": team["member_count"],
                "amount_vnd": team["amount_vnd"],
                "paid_vnd": figures[fiscal_year, team["team_id"]]["paid_vnd"],
                "remaining_vnd": figures[fiscal_year, team["team_id"]]["remaining_vnd"],
                "api": api_team_file(team["team_id"]),
            }
            for team in site.teams_by_commune[fiscal_year, code]
        ],
    }


def gone_team(team: dict, history: list[dict], release: dict) -> dict:
    """The file of a team that an earlier release had and this one lacks (``releases.describe``'s gone_teams)."""
    versions = [entry["version"] for entry in history]
    return {
        "release": release_of(release),
        "team_id": team["team_id"],
        "status": "gone",
        "page": team_url(team["team_id"]),
        "gone": {
            "last_version": team["version"],
            "since_version": versions[versions.index(team["version"]) + 1],
            "last_fiscal_year": team["fiscal_year"],
            "team_name": team["name"],
            "commune_code": team["commune_code"],
        },
        "years": [],
    }


def files(site: SiteData, history: list[dict], gone_teams: list[dict]) -> list[tuple[str, bytes, str]]:
    """Every API file as (path from the site root, content, title), the index last."""
    release = release_of(history[-1])
    figures = {(year["fiscal_year"], team["team_id"]): site.team_figures(year["fiscal_year"], team) for year in site.years for team in year["teams"]}
    found, communes, teams = [], [], []
    for code, commune in sorted(site.communes.items()):
        years = [commune_year(site, year, row, figures) for year in site.years if (row := site.commune_row(year["fiscal_year"], code))]
        record = {
            "release": release,
            "commune": {**commune, "area_km2": float(commune["area_km2"])},
            "page": commune_url(code),
            "years": years,
        }
        found.append((api_commune_file(code), encoded(record), f"API: {commune['full_name']}"))
        communes.append({"code": code, "full_name": commune["full_name"], "api": api_commune_file(code)})
    current = {}
    for code in sorted(site.team_history):
        for team_id, years in site.team_history[code].items():
            current[team_id] = {
                "release": release,
                "team_id": team_id,
                "status": "current",
                "page": team_url(team_id),
                "years": [team_year(year["fiscal_year"], team, figures[year["fiscal_year"], team_id]) for year, team in years],
            }
    records = {**current, **{team["team_id"]: gone_team(team, history, history[-1]) for team in gone_teams}}
    for team_id, record in sorted(records.items()):
        latest = record["years"][-1] if record["years"] else record["gone"]
        found.append((api_team_file(team_id), encoded(record), f"API: tổ {team_id}"))
        teams.append({"team_id": team_id, "team_name": latest["team_name"], "commune_code": latest["commune_code"], "status": record["status"], "api": api_team_file(team_id)})
    index = {
        "release": release,
        "schemas": {kind: api_schema_file(kind) for kind in KINDS},
        "communes": communes,
        "teams": teams,
    }
    found.append((api_index_file(), encoded(index), "API: danh sách các tệp"))
    return found


def run(dataset_path: Path, downloads_manifest: Path, folder: Path, site_dir: Path) -> list[str]:
    """Write every API file and schema under ``folder``/files/ (laid out as in the site) with their
    manifest.json, and link them into ``site_dir``; return their paths in the site. Needs the downloads'
    manifest (the release and the teams gone from it), and no page needs these files: the pipeline
    runs this beside Pelican. Unchanged files are kept, as the downloads' are (``write_tree``)."""
    history = json.loads(downloads_manifest.read_text(encoding="utf-8"))["history"]
    site = SiteData(read_dataset(dataset_path))
    made = files(site, history["releases"], history["gone_teams"]) + schema_files()
    found = [Download(path, content, title, scope=SCOPE, root="") for path, content, title in made]
    manifest_path = folder / "manifest.json"
    written = manifest_hashes(manifest_path)
    manifest_path.unlink(missing_ok=True)  # gone while the files change, as the downloads' manifest
    write_tree(folder / "files", found, written)
    manifest_path.write_text(json.dumps({"files": [download.entry for download in found]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return install(manifest_path, site_dir)


# The JSON Schemas, their fields described from scripts/model/schema.py.

JSON_TYPES = {"code": "string", "text": "string", "date": "string", "integer": "integer", "month": "integer", "number": "number", "boolean": "boolean"}


def prop(column: Column, name: str | None = None) -> dict:
    """A column as a JSON Schema property: its type, constraints, title and description (with its unit)."""
    found = {"type": JSON_TYPES[column.type], "title": column.title, "description": column.described}
    if column.pattern:
        found["pattern"] = column.pattern
    if column.type == "date":
        found["format"] = "date"
        found["pattern"] = r"^\d{4}-\d{2}-\d{2}$"
    return found | column.bounds


def obj(properties: dict, description: str = "") -> dict:
    found = {"type": "object", "required": list(properties), "additionalProperties": False, "properties": properties}
    return {"description": description, **found} if description else found


def of(table, *names: str) -> dict:
    return {name: prop(table.column(name)) for name in names}


def money(title: str, description: str) -> dict:
    return prop(Column("", "integer", title, description, unit="đồng"))


def path_to(kind: str) -> dict:
    return {"type": "string", "description": f"Đường dẫn của tệp API ({KINDS[kind].lower()}) tính từ gốc trang.", "pattern": f"^api/v1/{kind}/.+\\.json$"}


RELEASE = obj(
    {
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$", "description": "Phiên bản dữ liệu (nhật ký thay đổi: /thay-doi/)."},
        "date": {"type": "string", "format": "date", "description": "Ngày công bố phiên bản."},
    },
    "Phiên bản dữ liệu mà tệp này thuộc về.",
)
DECISION = obj(
    {"number": prop(PROVINCE_ALLOCATIONS.column("decision_number")), "date": prop(PROVINCE_ALLOCATIONS.column("decision_date"))},
    "Quyết định làm căn cứ cho số liệu.",
)
PAGE = {"type": "string", "description": "Địa chỉ trang tương ứng trên trang web, tính từ gốc trang."}
PAID = money("Đã chi", "Tổng các lần chi trả đã ghi, đồng chẵn.")
REMAINING = money("Còn lại", "Đã phân bổ trừ đã chi.")
YEAR = prop(FISCAL_YEAR)


def team_schema() -> dict:
    period = obj(
        {
            **of(TEAM_ALLOCATIONS, "month_from", "month_to", "member_count", "amount_vnd"),
            "paid_vnd": PAID,
            "decision": DECISION,
        },
        "Một đợt phân bổ: khoảng tháng, số tiền, số đã chi trong khoảng đó và quyết định phân bổ.",
    )
    payment = obj(of(PAYMENTS, "month_from", "month_to", "amount_vnd", "payment_date", "document_number"), "Một lần chi trả.")
    year = obj(
        {
            "fiscal_year": YEAR,
            **of(TEAM_ALLOCATIONS, "team_name", "village", "commune_code", "member_count"),
            "months": {"type": "integer", "minimum": 0, "description": "Tổng số tháng được hỗ trợ trong năm."},
            "amount_vnd": money("Kinh phí phân bổ", "Tổng kinh phí phân bổ cho tổ trong năm, đồng chẵn."),
            "paid_vnd": PAID,
            "remaining_vnd": REMAINING,
            "periods": {"type": "array", "items": period},
            "payments": {"type": "array", "items": payment},
        },
        "Số liệu của tổ trong một năm ngân sách.",
    )
    common = {
        "release": RELEASE,
        "team_id": prop(TEAM_ALLOCATIONS.column("team_id")),
        "page": PAGE,
    }
    current = obj({**common, "status": {"const": "current"}, "years": {"type": "array", "minItems": 1, "items": year}})
    gone = obj(
        {
            **common,
            "status": {"const": "gone", "description": "Tổ không còn trong dữ liệu hiện tại, do đính chính số liệu."},
            "gone": obj(
                {
                    "last_version": {"type": "string", "description": "Phiên bản cuối cùng còn có tổ này."},
                    "since_version": {"type": "string", "description": "Phiên bản đầu tiên không còn tổ này."},
                    "last_fiscal_year": YEAR,
                    **of(TEAM_ALLOCATIONS, "team_name", "commune_code"),
                }
            ),
            "years": {"type": "array", "maxItems": 0},
        }
    )
    return {"title": "Một tổ, mọi năm", "oneOf": [current, gone]}


def commune_schema() -> dict:
    team = obj(
        {
            **of(TEAM_ALLOCATIONS, "team_id", "team_name", "village", "member_count"),
            "amount_vnd": money("Kinh phí phân bổ", "Tổng kinh phí phân bổ cho tổ trong năm, đồng chẵn."),
            "paid_vnd": PAID,
            "remaining_vnd": REMAINING,
            "api": path_to("to"),
        }
    )
    count = {"type": "integer", "minimum": 0}
    year = obj(
        {
            "fiscal_year": YEAR,
            "sample": {"type": "boolean", "description": "true: dữ liệu mẫu, không phải số liệu thật."},
            "province_decision": obj({**DECISION["properties"], "title": {"type": "string"}}, "Quyết định của tỉnh giao dự toán năm."),
            "allocation": obj(
                {**of(PROVINCE_ALLOCATIONS, "team_count", "amount_vnd"), "decision": DECISION},
                "Dự toán tỉnh giao cho xã/phường.",
            ),
            "decisions": {"type": "array", "items": DECISION, "description": "Các quyết định phân bổ của xã/phường cho các tổ."},
            "totals": obj(
                {
                    "team_count": {**count, "description": "Số tổ được phân bổ."},
                    "member_count": {**count, "description": "Tổng số thành viên của các tổ."},
                    "teams_amount_vnd": money("Đã phân bổ cho các tổ", "Tổng kinh phí phân bổ cho các tổ, đồng chẵn."),
                    "unallocated_vnd": {"type": "integer", "description": "Dự toán tỉnh giao trừ số đã phân bổ cho các tổ. Đơn vị: đồng."},
                    "paid_vnd": PAID,
                    "remaining_vnd": REMAINING,
                    "below_minimum": {**count, "description": "Số tổ có ít thành viên hơn mức tối thiểu của chính sách."},
                }
            ),
            "teams": {"type": "array", "items": team},
        }
    )
    commune = obj({column.name: prop(column) for column in COMMUNES.columns})
    return {"title": "Một xã/phường, mọi năm", **obj({"release": RELEASE, "commune": commune, "page": PAGE, "years": {"type": "array", "items": year}})}


def index_schema() -> dict:
    commune = obj({"code": prop(COMMUNES.column("code")), "full_name": prop(COMMUNES.column("full_name")), "api": path_to("xa")})
    team = obj(
        {
            **of(TEAM_ALLOCATIONS, "team_id", "team_name", "commune_code"),
            "status": {"enum": ["current", "gone"], "description": "current: có trong dữ liệu hiện tại; gone: đã bị bỏ khi đính chính."},
            "api": path_to("to"),
        }
    )
    schemas = obj({kind: {"type": "string"} for kind in KINDS}, "Lược đồ JSON của từng loại tệp.")
    return {"title": "Danh sách các tệp của API", **obj({"release": RELEASE, "schemas": schemas, "communes": {"type": "array", "items": commune}, "teams": {"type": "array", "items": team}})}


SCHEMAS = {"xa": commune_schema, "to": team_schema, "index": index_schema}


def documented() -> list[dict]:
    """Each kind of API file as the data dictionary lists it (theme/templates/dictionary.html)."""
    return [
        {"path": api_index_file(), "schema": api_schema_file("index"), "what": "Danh sách mọi tệp xã/phường và tổ, kèm trạng thái của từng tổ."},
        {"path": api_commune_file("<mã xã>"), "schema": api_schema_file("xa"),
         "what": "Mọi năm của một xã/phường: dự toán tỉnh giao và quyết định của tỉnh, các quyết định phân bổ, tổng số và số liệu từng tổ."},
        {"path": api_team_file("<mã tổ>"), "schema": api_schema_file("to"),
         "what": "Mọi năm của một tổ: các đợt phân bổ với quyết định, các lần chi trả, đã chi và còn lại. "
                 "Tổ đã bị bỏ khi đính chính vẫn giữ tệp, với \"status\": \"gone\" và phiên bản từ đó tổ không còn."},
    ]


def schema_files() -> list[tuple[str, bytes, str]]:
    return [
        (api_schema_file(kind), (json.dumps({"$schema": SCHEMA_DIALECT, **make()}, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), f"Lược đồ JSON: {KINDS[kind].lower()}")
        for kind, make in SCHEMAS.items()
    ]
