"""The data-quality report: reads the validation problems and what was read of each file; writes build/bao-cao-kiem-tra.html, which staff open after ``invoke validate``.

In Vietnamese, for a finance officer: passed or not, what was read and how, counts and totals
per commune, then every problem grouped by kind with its cell, its value and how to fix it.
Values come from staff files and may be hostile: the template is rendered with autoescape.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter, defaultdict
from pathlib import Path

import jinja2

from scripts.common.formatting import JINJA_FILTERS
from scripts.model import problems as P
from scripts.model.dataset import Dataset

REPORT_NAME = "bao-cao-kiem-tra.html"
VALUE_SHOWN = 200  # characters of an offending value shown; a 100 KB cell would bury the report

SEVERITY_LABELS = {P.ERROR: "Lỗi", P.WARNING: "Cảnh báo", P.NOTICE: "Đã tự nhận ra"}
SEVERITY_ORDER = (P.ERROR, P.WARNING, P.NOTICE)

# How to fix each kind of problem, in the words of someone sitting at Excel.
FIXES = {
    "file-missing": "Đặt tệp đúng tên vào đúng thư mục (xem mục “Dữ liệu” trong README).",
    "contact-missing": "Thêm vào data/reference/contacts.csv một dòng cho xã/phường (hoặc dòng mã “tinh” cho kênh của tỉnh) với điện thoại, thư điện tử và địa chỉ.",
    "duplicate-contact": "Giữ một dòng cho mỗi mã trong data/reference/contacts.csv; xóa dòng thừa.",
    "invalid-phone": "Ghi số điện thoại của cơ quan: 0 hoặc +84, rồi 9–10 chữ số (được phép có dấu cách, dấu chấm).",
    "invalid-email": "Ghi địa chỉ thư điện tử đầy đủ, ví dụ ubnd@example.gov.vn.",
    "empty-file": "Mở tệp gốc trong Excel, kiểm tra có dữ liệu, rồi lưu lại bằng “CSV UTF-8”.",
    "encoding-error": "Trong Excel chọn Tệp → Lưu thành → “CSV UTF-8 (Comma delimited)”, hoặc lưu dạng XLSX.",
    "parse-error": "Mở tệp trong Excel và lưu lại; nếu tự sửa bằng tay, mỗi dấu ngoặc kép mở phải có dấu đóng.",
    "province-missing": "Ghi tên tỉnh vào data/reference/province.toml, ví dụ name = \"Tỉnh Cao Bằng\".",
    "policy-invalid": "Sửa mục đó trong data/policy/policy.toml; các mục và kiểu của chúng có trong docs/data.md.",
    "policy-no-rate": "Thêm vào data/policy/policy.toml một mục [[rates]] có from_year … to_year gồm năm này, theo nghị quyết của HĐND tỉnh.",
    "metadata-missing": "Bổ sung mục còn thiếu trong year.toml theo mẫu của năm trước.",
    "toml-syntax": "Mở tệp bằng một trình soạn thảo văn bản, sửa dòng được chỉ ra theo mẫu của năm trước, lưu bằng UTF-8.",
    "unexpected-error": "Kiểm tra tệp được chỉ ra (mở và lưu lại bằng Excel); nếu lỗi còn, gửi tệp và thông báo cho người quản trị.",
    "unsafe-path": "Xóa lối tắt (symlink) và chép chính tệp vào thư mục data/.",
    "year-folder-name": "Đổi tên thư mục thành đúng 4 chữ số của năm ngân sách, không có khoảng trắng hay ký tự khác.",
    "unexpected-file": "Lưu lại bảng bằng “CSV UTF-8 (.csv)” hoặc “Excel Workbook (.xlsx)”, tên viết thường; chuyển tệp khác ra khỏi data/.",
    "code-character": "Gõ lại mã bằng bàn phím với chữ số thường (0–9), không dùng chữ số toàn khổ hay ký tự đặc biệt.",
    "header-not-first": "Xóa quốc hiệu, tên cơ quan và tiêu đề phía trên bảng, để dòng tên cột là dòng 1.",
    "not-a-data-row": "Xóa dòng tổng cộng, chữ ký và ghi chú ở cuối bảng: các con số được cộng khi công bố.",
    "missing-column": "Thêm cột còn thiếu vào dòng tiêu đề, đúng tên như trong mẫu.",
    "misnamed-column": "Sửa tên cột trong dòng tiêu đề thành tên được nêu (như trong tệp mẫu Excel).",
    "unknown-column": "Xóa cột thừa hoặc sửa tên cột cho đúng mẫu.",
    "missing-value": "Điền giá trị vào ô trống.",
    "type-error": "Sửa giá trị cho đúng kiểu của cột (số, ngày hoặc mã) như trong mẫu.",
    "negative-amount": "Số tiền và số lượng không được âm: kiểm tra lại với quyết định.",
    "non-integer-amount": "Ghi số tiền bằng đồng chẵn, không có phần lẻ.",
    "out-of-range": "Sửa giá trị về trong khoảng cho phép.",
    "month-range-reversed": "Đổi chỗ “Từ tháng” và “Đến tháng”.",
    "unknown-commune": "Dùng mã xã/phường 5 chữ số trong danh mục data/reference/communes.csv.",
    "misnamed-file": "Đặt tên tệp bằng mã 5 chữ số của xã, phường mà các dòng ghi, ví dụ 01273.csv.",
    "wrong-commune": "Chuyển dòng này sang tệp của đúng xã/phường, hoặc sửa mã cho đúng.",
    "duplicate-commune": "Mỗi xã/phường chỉ có một dòng: gộp hoặc xóa dòng lặp.",
    "duplicate-team-id": "Đặt cho tổ này một mã chưa dùng (mã xã-số thứ tự mới).",
    "overlapping-funding": "Sửa khoảng tháng để mỗi tháng của tổ chỉ được phân bổ một lần.",
    "decision-mismatch": "Ghi đúng số quyết định giao dự toán của tỉnh như trong year.toml.",
    "commune-not-allocated": "Bổ sung xã/phường vào quyết định của tỉnh, hoặc xóa tệp phân bổ của xã.",
    "commune-overallocated": "Giảm phân bổ cho các tổ, hoặc kiểm tra lại dự toán tỉnh giao.",
    "province-total-mismatch": "Đối chiếu từng dòng với quyết định của tỉnh; tổng phải bằng tổng của quyết định.",
    "payment-unknown-team": "Kiểm tra mã tổ trên chứng từ chi; tổ phải có trong quyết định phân bổ.",
    "payment-outside-allocation": "Sửa khoảng tháng của lần chi cho nằm trong một đợt phân bổ của tổ.",
    "payment-exceeds-allocation": "Đối chiếu chứng từ chi: tổng chi của một đợt không được vượt số tiền phân bổ.",
    "duplicate-source": "Chỉ giữ một tệp cho mỗi bảng: xóa bản thừa (tệp CSV, tệp XLSX hoặc bản sao) hoặc chuyển nó ra khỏi data/.",
    "table-too-large": "Mở tệp, giữ lại đúng bảng của một xã/phường (hoặc quyết định của tỉnh), xóa phần thừa rồi lưu lại.",
    "more-problems": "Sửa các lỗi đã liệt kê (thường cùng một nguyên nhân, ví dụ sai định dạng cả cột) rồi chạy lại.",
    "more-notices": "Không cần sửa.",
    "payments-unchecked": "Sửa tệp phân bổ của xã/phường được nêu; kết quả chi sẽ được kiểm tra ở lần chạy sau.",
    "no-rows": "Thêm các dòng dữ liệu, hoặc xóa tệp nếu xã/phường không có tổ nào.",
    "duplicate-column": "Xóa một trong hai cột trùng tên.",
    "ragged-row": "Kiểm tra ô có dấu phẩy, chấm phẩy hoặc dấu ngoặc kép thừa; mở và lưu lại bằng Excel.",
    "personal-data-column": "Xóa cột này: trang công khai không đăng họ tên, điện thoại, số căn cước của người.",
    "personal-data-value": "Xóa số điện thoại, số căn cước hoặc địa chỉ thư khỏi ô này.",
    "formula-in-cell": "Chọn cột, Sao chép, rồi Dán đặc biệt → Giá trị (Paste Values) và lưu lại.",
    "ambiguous-number": "Viết số nguyên đầy đủ không có dấu phân cách, ví dụ 1500000.",
    "ambiguous-date": "Viết ngày dạng năm-tháng-ngày, ví dụ 2025-03-15.",
    "cell-too-long": "Rút gọn nội dung ô; có thể đã dán nhầm cả đoạn văn bản.",
    "control-character": "Xóa ô và gõ lại nội dung bằng bàn phím, không sao chép từ nơi khác.",
    "legacy-font-text": "Dùng Unikey (Công cụ → Chuyển mã) đổi từ TCVN3 hoặc VNI sang Unicode.",
    "team-below-minimum": "Được công bố như một phát hiện; nếu số thành viên ghi sai, hãy sửa.",
    "amount-differs-from-rate": "Được công bố như một phát hiện; nếu số tiền ghi sai, hãy sửa theo quyết định.",
    "commune-unallocated-balance": "Được công bố như một phát hiện; không cần sửa nếu đúng với quyết định.",
    "dated-after-publication": "Cập nhật ngày công bố trong year.toml, hoặc sửa ngày ghi sai.",
    "paid-before-decision": "Được công bố như một phát hiện; nếu ngày chi hoặc ngày quyết định ghi sai, hãy sửa.",
    "paid-outside-fiscal-year": "Được công bố như một phát hiện; nếu ngày chi ghi sai năm, hãy sửa.",
    "team-above-maximum": "Được công bố như một phát hiện; nếu số thành viên ghi sai, hãy sửa.",
    "team-count-differs": "Được công bố như một phát hiện; nếu số tổ ghi sai, hãy sửa.",
    "file-format-detected": "Không cần sửa. Lưu bằng “CSV UTF-8” để tệp dễ dùng với mọi công cụ.",
    "scratch-file-ignored": "Không cần sửa. Có thể xóa tệp tạm sau khi đóng Excel.",
    "code-restored": "Không cần sửa. Định dạng cột mã là Văn bản (Text) để Excel giữ số 0 ở đầu.",
}
GENERIC_FIX = "Sửa theo nội dung thông báo rồi chạy lại “invoke validate”."


def shorten(value: str) -> str:
    return value if len(value) <= VALUE_SHOWN else value[:VALUE_SHOWN] + f"… ({len(value)} ký tự)"


def groups(report) -> list[dict]:
    """One group per kind of problem, errors first, in the order the kinds are declared."""
    by_code: dict[str, list[P.Problem]] = defaultdict(list)
    for problem in report.problems:
        by_code[problem.code].append(problem)
    order = {kind.code: index for index, kind in enumerate(P.ALL_KINDS)}
    result = []
    for code, found in by_code.items():
        kind = type(found[0])
        result.append(
            {
                "code": code,
                "title": kind.title,
                "severity": kind.severity,
                "severity_label": SEVERITY_LABELS[kind.severity],
                "fix": FIXES.get(code, GENERIC_FIX),
                "problems": [dataclasses.replace(problem, value=shorten(problem.value)).as_row() for problem in found],
            }
        )
    return sorted(result, key=lambda g: (SEVERITY_ORDER.index(g["severity"]), order.get(g["code"], len(order))))


def commune_totals(dataset: Dataset) -> list[dict]:
    """Per year and commune: what the province allocated, and what the validated team rows add up to."""
    names = {commune["code"]: commune["full_name"] for commune in dataset["communes"]}
    years = []
    for year in sorted(dataset["years"], key=lambda y: y["fiscal_year"]):
        teams = defaultdict(lambda: {"teams": 0, "members": 0, "amount": 0})
        for team in year["teams"]:
            sums = teams[team["commune_code"]]
            sums["teams"] += 1
            sums["members"] += team["member_count"]
            sums["amount"] += team["amount_vnd"]
        rows = [
            {
                "code": row["commune_code"],
                "name": names.get(row["commune_code"], ""),
                "allocated": row["amount_vnd"],
                **teams[row["commune_code"]],
                "balance": row["amount_vnd"] - teams[row["commune_code"]]["amount"],
            }
            for row in year["communes"]
        ]
        total = {key: sum(row[key] for row in rows) for key in ("allocated", "teams", "members", "amount", "balance")}
        years.append({"fiscal_year": year["fiscal_year"], "rows": rows, "total": total})
    return years


@functools.cache  # one per process: compiling the template took a fifth of writing the report
def environment() -> jinja2.Environment:
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    templates.filters.update(JINJA_FILTERS)
    return templates


def file_rows(tables: list) -> list[dict]:
    """What the report says of each input file read (``load.RawTable``): not its rows, only how many."""
    return [{"path": table.relative_path, "detected": table.detected, "rows": len(table.rows)} for table in tables]


def render(report, files: list[dict], years: list[dict]) -> str:
    """``files`` from ``file_rows``, ``years`` from ``commune_totals``."""
    errors = Counter(p.file for p in report.problems if p.severity == P.ERROR)
    return environment().get_template(REPORT_NAME).render(
        passed=not report.errors,
        counts={severity: sum(p.severity == severity for p in report.problems) for severity in SEVERITY_ORDER},
        labels=SEVERITY_LABELS,
        files=[{**file, "errors": errors[file["path"]]} for file in files],
        groups=groups(report),
        years=years,
    )


def write(path: Path, report, files: list[dict], years: list[dict]) -> Path:
    path.write_text(render(report, files, years), encoding="utf-8")
    return path
