"""Typed validation problems, each with a code, a severity and a Vietnamese message.

Modelled on frictionless: one class per kind of problem, a message template, and the
coordinates (file, row, column) that point staff at the cell to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from scripts.common.formatting import number

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"  # what the reader detected or repaired: reported to staff, never published
# Sums of money a message names (whole đồng, by these names; "expected" also names columns and codes)
# read as on the pages, "1.000.000 đồng", not "1000000 đồng"; a cell's own text ({value}) is quoted as typed.
MONEY = frozenset({"amount", "balance", "expected", "difference", "teams_total", "allocated", "excess", "rows_total", "decision_total", "paid"})


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
        params = {key: number(value) if key in MONEY and type(value) is int else value for key, value in self.params.items()}
        return self.template.format(value=self.value, column=self.column, **params)

    def __reduce__(self):
        # Pickled by code (a publish's worker hands the staff's reports back): a kind's class is named after
        # its code, not after the name this module gives it, so pickle could not find it by name.
        return kind_of, (self.code,), self.__dict__

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
ProvinceMissing = _kind(
    "province-missing",
    "Thiếu thông tin tỉnh",
    "Tệp data/reference/province.toml thiếu mục “{column}” hoặc mục này không hợp lệ: name là tên tỉnh "
    "(ví dụ name = \"Tỉnh Cao Bằng\") và boundaries_source là nơi vẽ ranh giới xã, không để trống; "
    "sample_note, nếu có, là một câu chữ.",
)
PolicyInvalid = _kind(
    "policy-invalid",
    "Chính sách hỗ trợ thiếu hoặc sai",
    "Tệp data/policy/policy.toml: mục “{column}” thiếu hoặc không hợp lệ; cần {expected}.",
)
PolicyNoRate = _kind(
    "policy-no-rate",
    "Không có mức hỗ trợ cho năm",
    "Không mức hỗ trợ nào trong data/policy/policy.toml áp dụng cho năm ngân sách {value} (from_year … to_year).",
)
MetadataMissing = _kind(
    "metadata-missing",
    "Thiếu thông tin năm ngân sách",
    "Tệp year.toml thiếu mục “{column}” hoặc mục này không hợp lệ; cần {expected}.",
)
TomlSyntax = _kind(
    "toml-syntax",
    "Tệp cấu hình sai cú pháp",
    "Không đọc được tệp cấu hình ({detail}). Mỗi dòng có dạng khóa = giá trị; chữ đặt trong dấu ngoặc kép, "
    "ngày viết 2025-03-15 không có ngoặc kép; lưu tệp bằng UTF-8.",
)
UnexpectedError = _kind(
    "unexpected-error",
    "Lỗi không lường trước khi đọc tệp",
    "Chương trình gặp lỗi không lường trước ({error}) khi đọc tệp này; chưa công bố gì. "
    "Hãy kiểm tra tệp, hoặc gửi tệp và thông báo này cho người quản trị.",
)

# Files under data/ that are not read as data (scripts/ingest/load.py accounts for every one).
UnsafePath = _kind(
    "unsafe-path",
    "Tệp trỏ ra ngoài thư mục dữ liệu",
    "“{value}” là liên kết (symlink) hoặc trỏ ra ngoài thư mục data/: không đọc. "
    "Hãy chép chính tệp (không phải lối tắt) vào thư mục này.",
)
YearFolderName = _kind(
    "year-folder-name",
    "Tên thư mục năm không hợp lệ",
    "Thư mục “{value}” trong allocations/ không được đọc: tên thư mục năm phải gồm đúng 4 chữ số, "
    "ví dụ 2026{detail}. Hãy đổi tên thư mục.",
)
UnexpectedFile = _kind(
    "unexpected-file",
    "Tệp không đúng định dạng hoặc không đúng chỗ",
    "“{value}” không được đọc: ở đây chỉ có {expected}, còn “{value}” là {kind}. Bảng dữ liệu phải có đuôi "
    ".csv hoặc .xlsx viết thường: trong Excel hãy lưu lại bằng “CSV UTF-8 (.csv)”; tệp khác hãy chuyển ra khỏi data/.",
)

# Problems with the header.
MissingColumn = _kind(
    "missing-column", "Thiếu cột", "Thiếu cột bắt buộc “{column}”. Hãy thêm cột này vào dòng tiêu đề."
)
MisnamedColumn = _kind(
    "misnamed-column",
    "Tên cột chưa đúng mẫu",
    "Cột “{column}” có vẻ là cột “{expected}” ({title}). Dòng tiêu đề phải dùng đúng tên trong mẫu: hãy đổi “{column}” thành {expected}.",
)
UnknownColumn = _kind(
    "unknown-column",
    "Cột không có trong mẫu",
    "Cột “{column}” không có trong mẫu dữ liệu. Hãy xóa cột hoặc sửa tên cho đúng mẫu: {expected}.",
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

# Problems found while reading a file (scripts/ingest/read.py) and in one cell (scripts/ingest/parse.py).
DuplicateSource = _kind(
    "duplicate-source",
    "Hai tệp cho cùng một bảng",
    "Có cả tệp {value} và tệp {other} cho cùng một bảng: chỉ giữ lại một tệp, tệp đúng, và xóa hoặc chuyển tệp kia ra khỏi data/.",
)
TableTooLarge = _kind(
    "table-too-large",
    "Tệp quá lớn",
    "Tệp {size}, vượt giới hạn {limit} của một bảng nhập liệu: không đọc tiếp. Mỗi tệp là bảng của một "
    "xã/phường; hãy kiểm tra có phải đã xuất nhầm cả sổ hoặc dán lặp dữ liệu.",
)
MoreProblems = _kind(
    "more-problems",
    "Còn nhiều lỗi cùng loại",
    "Còn {count} lỗi “{title}” ({value}) nữa trong tệp này, không liệt kê: sửa các lỗi trên rồi chạy lại để xem tiếp.",
)
MoreNotices = _kind(
    "more-notices",
    "Còn nhiều điều đã tự nhận ra cùng loại",
    "Còn {count} dòng “{title}” ({value}) nữa trong tệp này, không liệt kê.",
    NOTICE,
)
PaymentsUnchecked = _kind(
    "payments-unchecked",
    "Chưa kiểm tra được kết quả chi",
    "{count} dòng chi của tệp này chưa được kiểm tra vì tệp phân bổ {teams_file} {reason}: sửa tệp đó trước.",
)
NoRows = _kind(
    "no-rows", "Tệp không có dòng dữ liệu", "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."
)
HeaderNotFirst = _kind(
    "header-not-first",
    "Dòng tiêu đề không ở dòng 1",
    "Dòng 1 phải là dòng tên các cột, như trong mẫu. Tệp này có {count} dòng phía trên dòng tên cột (dòng "
    "{header_row}), bắt đầu bằng {first}: hãy xóa các dòng đó rồi lưu lại.",
)
DuplicateColumn = _kind(
    "duplicate-column",
    "Cột bị lặp",
    "Cột “{column}” xuất hiện hai lần trong dòng tiêu đề (cột thứ {first} và thứ {second}). Hãy xóa một cột.",
)
RaggedRow = _kind(
    "ragged-row",
    "Dòng thừa hoặc thiếu ô",
    "Dòng này có {cells} ô nhưng dòng tiêu đề có {columns} cột (thường do dấu phân cách hoặc dấu ngoặc kép "
    "thừa trong một ô).",
)
NotADataRow = _kind(
    "not-a-data-row",
    "Dòng không phải dữ liệu",
    "Dòng {rows} ở cuối bảng có vẻ không phải dòng dữ liệu: ít hơn nửa số ô bắt buộc có giá trị, bắt đầu bằng “{first}”. "
    "Bảng chỉ gồm dòng tên cột và các dòng dữ liệu: hãy xóa dòng tổng cộng, chữ ký hay ghi chú; nếu là dữ liệu, "
    "hãy điền đủ các ô.",
)
PersonalDataColumn = _kind(
    "personal-data-column",
    "Cột chứa thông tin cá nhân",
    "Cột “{column}” có vẻ chứa thông tin cá nhân ({what}). Trang công khai không đăng thông tin cá nhân: "
    "hãy xóa cột này khỏi tệp trước khi nộp.",
)
PersonalDataValue = _kind(
    "personal-data-value",
    "Ô chứa thông tin cá nhân",
    "Giá trị ở cột “{column}” có vẻ chứa {what} (“{match}”). Cột này được công bố công khai: hãy xóa thông tin cá nhân.",
)
FormulaInCell = _kind(
    "formula-in-cell",
    "Ô còn công thức Excel",
    "Ô cột “{column}” chứa công thức “{value}” thay vì giá trị. Trong Excel hãy sao chép rồi "
    "“Dán giá trị” (Paste Values) trước khi lưu.",
)
AmbiguousNumber = _kind(
    "ambiguous-number",
    "Số viết không rõ nghĩa",
    "Không rõ “{value}” ở cột “{column}” là số bao nhiêu ({reason}). Hãy viết số nguyên đầy đủ, ví dụ 1500000.",
)
AmbiguousDate = _kind(
    "ambiguous-date",
    "Ngày viết không rõ nghĩa",
    "Không rõ “{value}” ở cột “{column}” là ngày nào ({reason}). Hãy viết dạng YYYY-MM-DD, ví dụ 2025-03-15.",
)
CellTooLong = _kind(
    "cell-too-long",
    "Ô quá dài",
    "Ô cột “{column}” dài {length} ký tự, vượt giới hạn {limit} ký tự (thường do dán nhầm cả đoạn văn bản).",
)
ControlCharacter = _kind(
    "control-character",
    "Ký tự điều khiển ẩn",
    "Ô cột “{column}” chứa ký tự ẩn {character} (ký tự điều khiển hoặc đổi chiều văn bản), "
    "có thể làm sai lệch cách hiển thị. Hãy gõ lại ô này.",
)
CodeCharacter = _kind(
    "code-character",
    "Mã có ký tự không hợp lệ",
    "Mã “{value}” ở cột “{column}” có ký tự {character}; mã chỉ gồm chữ cái, chữ số không dấu (0–9) và dấu gạch ngang.",
)
LegacyFontText = _kind(
    "legacy-font-text",
    "Chữ gõ bằng phông TCVN3",
    "Giá trị “{value}” ở cột “{column}” có vẻ được gõ bằng phông cũ TCVN3/VNI (ví dụ .VnTime). "
    "Hãy chuyển mã sang Unicode (ví dụ bằng Unikey) rồi lưu lại.",
)
InvalidPhone = _kind(
    "invalid-phone",
    "Số điện thoại sai dạng",
    "“{value}” ở cột “{column}” không phải số điện thoại: cần 0 hoặc +84 rồi 9–10 chữ số, ví dụ 0206 3852 000.",
)
InvalidEmail = _kind(
    "invalid-email",
    "Thư điện tử sai dạng",
    "“{value}” ở cột “{column}” không phải địa chỉ thư điện tử, dạng ten@ten-mien.vn.",
)

# Problems across rows and files.
UnknownCommune = _kind(
    "unknown-commune",
    "Mã xã không tồn tại",
    "Mã xã/phường “{value}” không có trong danh mục xã, phường của tỉnh (tệp data/reference/communes.csv).",
)
MisnamedFile = _kind(
    "misnamed-file",
    "Tên tệp không phải mã xã của các dòng",
    "Mọi dòng của tệp ghi mã xã {code} ({commune}), còn tệp tên là “{name}” ({named}). Nếu đây là tệp của "
    "{commune}, hãy đổi tên tệp thành {expected}; nếu không, hãy sửa mã xã ở các dòng.",
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
ContactMissing = _kind(
    "contact-missing",
    "Thiếu nơi tiếp nhận phản ánh",
    "Tệp data/reference/contacts.csv không có dòng cho {what}: mọi trang của xã và thông báo công khai phải ghi "
    "nơi người dân phản ánh. Hãy thêm một dòng mã “{value}”.",
)
DuplicateContact = _kind(
    "duplicate-contact",
    "Nơi tiếp nhận phản ánh bị lặp",
    "Mã “{value}” đã có một dòng ở dòng {first_row}: mỗi xã/phường và kênh của tỉnh chỉ ghi một dòng.",
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
PaymentUnknownTeam = _kind(
    "payment-unknown-team",
    "Chi cho tổ không có trong phân bổ",
    "Mã tổ “{value}” không có trong quyết định phân bổ năm {fiscal_year}: không thể chi cho tổ chưa được phân bổ kinh phí.",
)
PaymentOutsideAllocation = _kind(
    "payment-outside-allocation",
    "Chi ngoài đợt phân bổ",
    "Lần chi cho {months} không nằm trọn trong một đợt phân bổ của tổ “{team_id}” (các đợt đã phân bổ: {periods}).",
)
PaymentExceedsAllocation = _kind(
    "payment-exceeds-allocation",
    "Chi vượt phân bổ",
    "Tổng các lần chi cho tổ “{team_id}”, đợt {months}, là {paid} đồng, vượt số tiền phân bổ {allocated} đồng "
    "là {excess} đồng; tổng vượt từ lần chi ở dòng này. Các lần chi của đợt ở dòng {rows}.",
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
    "Số tiền {amount} đồng khác định mức × số tháng = {expected} đồng (chênh {difference} đồng).",
    WARNING,
)
CommuneUnallocatedBalance = _kind(
    "commune-unallocated-balance",
    "Dự toán chưa phân bổ hết",
    "Xã/phường còn {balance} đồng dự toán chưa phân bổ cho tổ nào.",
    WARNING,
)
DatedAfterPublication = _kind(
    "dated-after-publication",
    "Ngày ghi sau ngày công bố",
    "Ngày {value} ở cột “{column}” sau ngày công bố {published_on} ghi trong year.toml: "
    "cần cập nhật ngày công bố khi bổ sung số liệu.",
    WARNING,
)
PaidBeforeDecision = _kind(
    "paid-before-decision",
    "Chi trước ngày quyết định phân bổ",
    "Ngày chi {value} trước ngày {decision_date} của quyết định phân bổ {decision_number} mà lần chi này trả cho.",
    WARNING,
)
PaidOutsideFiscalYear = _kind(
    "paid-outside-fiscal-year",
    "Chi ngoài năm ngân sách",
    "Ngày chi {value} nằm ngoài năm ngân sách {fiscal_year} và quý I năm sau (thời gian chỉnh lý quyết toán).",
    WARNING,
)
TeamAboveMaximum = _kind(
    "team-above-maximum",
    "Tổ vượt số thành viên tối đa",
    "Tổ có {value} thành viên, nhiều hơn mức tối đa {maximum} thành viên ghi trong data/policy/policy.toml.",
    WARNING,
)
TeamCountDiffers = _kind(
    "team-count-differs",
    "Số tổ khác quyết định của tỉnh",
    "Quyết định của tỉnh ghi {decided} tổ nhưng xã/phường phân bổ cho {funded} tổ.",
    WARNING,
)

# What the reader detected or repaired: shown to staff, never published and never blocking.
FileFormatDetected = _kind("file-format-detected", "Định dạng tệp đã nhận ra", "Đã đọc tệp: {detail}.", NOTICE)
ScratchFileIgnored = _kind(
    "scratch-file-ignored",
    "Bỏ qua tệp tạm",
    "Tệp “{value}” là tệp tạm của Excel, LibreOffice hoặc hệ điều hành: đã bỏ qua. Có thể xóa tệp này.",
    NOTICE,
)
CodeRestored = _kind(
    "code-restored",
    "Mã đã khôi phục số 0 ở đầu",
    "Mã “{value}” ở cột “{column}” được hiểu là “{restored}” (Excel đã bỏ số 0 ở đầu). "
    "Nên định dạng cột này là Văn bản (Text) trong Excel.",
    NOTICE,
)

ALL_KINDS: tuple[type[Problem], ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, type) and issubclass(value, Problem) and value is not Problem
)
KINDS_BY_CODE = {kind.code: kind for kind in ALL_KINDS}


def kind_of(code: str) -> Problem:
    """An empty problem of the kind ``code``, for unpickling to fill in."""
    kind = KINDS_BY_CODE[code]
    return kind.__new__(kind)
