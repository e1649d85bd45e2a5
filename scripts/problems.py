"""Typed validation problems, each with a code, a severity and a Vietnamese message.

Modelled on frictionless: one class per kind of problem, a message template, and the
coordinates (file, row, column) that point staff at the cell to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    code: ClassVar[str]
    title: ClassVar[str]
    template: ClassVar[str]
    severity: ClassVar[str] = ERROR

    file: str
    row: int | None = None
    column: str | None = None
    value: str = ""
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(value=self.value, column=self.column, **self.params)

    def as_row(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def _kind(code: str, title: str, template: str, severity: str = ERROR) -> type[Problem]:
    """Declare a problem class; the class name is derived from the code for readable reprs."""
    name = "".join(part.capitalize() for part in code.split("-"))
    return type(name, (Problem,), {"code": code, "title": title, "template": template, "severity": severity})


# Problems with a whole file.
FileMissing = _kind("file-missing", "Thiếu tệp", "Không tìm thấy tệp bắt buộc này.")
EmptyFile = _kind("empty-file", "Tệp rỗng", "Tệp không có dữ liệu, kể cả dòng tiêu đề.")
EncodingError = _kind(
    "encoding-error",
    "Sai bảng mã",
    "Không đọc được tệp bằng bảng mã UTF-8. Hãy lưu lại tệp bằng “CSV UTF-8”. Chi tiết: {detail}",
)
ParseError = _kind(
    "parse-error",
    "Lỗi cấu trúc CSV",
    "Không tách được các cột của tệp (thường do dấu ngoặc kép không đóng). Chi tiết: {detail}",
)
MetadataMissing = _kind(
    "metadata-missing",
    "Thiếu thông tin năm ngân sách",
    "Tệp year.toml thiếu mục “{column}” hoặc mục này không hợp lệ.",
)

# Problems with the header.
MissingColumn = _kind(
    "missing-column", "Thiếu cột", "Thiếu cột bắt buộc “{column}”. Hãy thêm cột này vào dòng tiêu đề."
)
UnknownColumn = _kind(
    "unknown-column",
    "Cột không có trong mẫu",
    "Cột “{column}” không có trong mẫu dữ liệu. Hãy xoá cột hoặc sửa tên cho đúng mẫu: {expected}.",
)

# Problems with one cell.
MissingValue = _kind(
    "missing-value", "Thiếu giá trị", "Ô cột “{column}” đang để trống; cột này bắt buộc phải có giá trị."
)
TypeError_ = _kind(
    "type-error", "Sai kiểu dữ liệu", "Giá trị “{value}” ở cột “{column}” không hợp lệ: {expected}."
)
NegativeAmount = _kind(
    "negative-amount", "Số âm", "Cột “{column}” không được là số âm (giá trị hiện tại: “{value}”)."
)
NonIntegerAmount = _kind(
    "non-integer-amount",
    "Số tiền không phải đồng chẵn",
    "Số tiền ở cột “{column}” phải là số đồng chẵn, không có phần lẻ (giá trị hiện tại: “{value}”).",
)
OutOfRange = _kind(
    "out-of-range", "Giá trị ngoài giới hạn", "Giá trị “{value}” ở cột “{column}” phải nằm trong khoảng {bounds}."
)
MonthRangeReversed = _kind(
    "month-range-reversed",
    "Khoảng tháng ngược",
    "“Từ tháng” ({month_from}) lớn hơn “Đến tháng” ({month_to}).",
)

# Problems across rows and files.
UnknownCommune = _kind(
    "unknown-commune",
    "Mã xã không tồn tại",
    "Mã xã/phường “{value}” không có trong danh mục 56 xã, phường của tỉnh Cao Bằng.",
)
WrongCommune = _kind(
    "wrong-commune",
    "Tổ ghi sai xã",
    "Giá trị “{value}” ở cột “{column}” không khớp với xã/phường của tệp ({expected}).",
)
DuplicateCommune = _kind(
    "duplicate-commune",
    "Xã bị lặp",
    "Xã/phường “{value}” xuất hiện nhiều lần trong quyết định của tỉnh (lần đầu ở dòng {first_row}).",
)
DuplicateTeamId = _kind(
    "duplicate-team-id",
    "Trùng mã tổ",
    "Mã tổ “{value}” đã dùng cho một tổ khác ({other}, {other_file} dòng {other_row}). Mỗi tổ phải có mã riêng.",
)
OverlappingFunding = _kind(
    "overlapping-funding",
    "Tổ được cấp trùng tháng",
    "Tổ “{value}” được phân bổ hai lần cho cùng tháng {months} (đã có ở {other_file} dòng {other_row}).",
)
DecisionMismatch = _kind(
    "decision-mismatch",
    "Số quyết định không khớp",
    "Số quyết định “{value}” khác với quyết định giao dự toán của tỉnh trong year.toml (“{expected}”).",
)
CommuneNotAllocated = _kind(
    "commune-not-allocated",
    "Xã chưa được giao dự toán",
    "Xã/phường “{value}” có tệp phân bổ cho tổ nhưng không có dòng nào trong quyết định giao dự toán của tỉnh.",
)
CommuneOverallocated = _kind(
    "commune-overallocated",
    "Phân bổ vượt dự toán",
    "Tổng kinh phí phân bổ cho các tổ ({teams_total} đồng) vượt dự toán tỉnh giao cho xã/phường "
    "({allocated} đồng) là {excess} đồng.",
)
ProvinceTotalMismatch = _kind(
    "province-total-mismatch",
    "Tổng dự toán không khớp",
    "Tổng dự toán giao cho các xã/phường ({rows_total} đồng) khác tổng của quyết định tỉnh "
    "({decision_total} đồng) là {difference} đồng.",
)

# Findings published on the site: they do not stop publication.
TeamBelowMinimum = _kind(
    "team-below-minimum",
    "Tổ dưới số thành viên tối thiểu",
    "Tổ có {value} thành viên, ít hơn mức tối thiểu {minimum} thành viên.",
    WARNING,
)
AmountDiffersFromRate = _kind(
    "amount-differs-from-rate",
    "Số tiền khác định mức",
    "Số tiền {value} đồng khác định mức × số tháng = {expected} đồng (chênh {difference} đồng).",
    WARNING,
)
CommuneUnallocatedBalance = _kind(
    "commune-unallocated-balance",
    "Dự toán chưa phân bổ hết",
    "Xã/phường còn {balance} đồng dự toán chưa phân bổ cho tổ nào.",
    WARNING,
)
TeamCountDiffers = _kind(
    "team-count-differs",
    "Số tổ khác quyết định của tỉnh",
    "Quyết định của tỉnh ghi {decided} tổ nhưng xã/phường phân bổ cho {funded} tổ.",
    WARNING,
)

ALL_KINDS: tuple[type[Problem], ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, type) and issubclass(value, Problem) and value is not Problem
)
