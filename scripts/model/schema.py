"""The columns of every input table: one source for validation, documentation and downloads.

Each column says its type, whether it is required and whether it may be published.
Only columns marked ``public`` ever leave the pipeline (personal data stays out by construction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scripts.common.formatting import ascii_fold


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "code", "text", "integer", "date", "month", "boolean", "phone", "email"
    title: str  # Vietnamese label shown to people
    description: str  # Vietnamese explanation for the data dictionary
    unit: str = ""
    required: bool = True
    public: bool = True
    pattern: str = ""  # for codes: a regular expression the value must match
    pattern_words: str = ""  # the same rule as staff read it, with an example
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200  # characters; longer text is a pasted paragraph, not a name or a number
    document: bool = False  # a document or decision number: its serial digits are not personal data

    @property
    def described(self) -> str:
        """Its description, with its unit when it has one, as every published schema words it."""
        return f"{self.description} Đơn vị: {self.unit}." if self.unit else self.description

    @property
    def bounds(self) -> dict[str, int]:
        """The bounds it has, named as JSON Schema and Table Schema both name them."""
        return {name: value for name, value in (("minimum", self.minimum), ("maximum", self.maximum)) if value is not None}

    def __hash__(self) -> int:
        # By name only: validation looks a column up once per cell (parse.parse_value's cache), and
        # hashing all eleven fields was a tenth of it. Equal columns still hash equal.
        return hash(self.name)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    path_pattern: str  # where staff put the file, relative to data/
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def column_meant_by(self, header: str) -> Column | None:
        """The column a header names by its Vietnamese title, or by its name in other case or spacing
        ("Mã tổ", "Ma to", "Team ID" for team_id): what staff who typed their own header meant."""
        key = header_key(header)
        return next((c for c in self.columns if key in (header_key(c.title), header_key(c.name))), None)


def header_key(text: str) -> str:
    """A header as it is compared: no tone marks, đ as d, lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(text).lower()))


TEAM_ID_PATTERN = r"^\d{5}-\d{3}$"
TEAM_ID_WORDS = "mã tổ gồm mã xã 5 chữ số, dấu gạch ngang và số thứ tự 3 chữ số, ví dụ 01273-005"
# Bounds no real figure reaches, so that a typo (25 digits) is a located error, never a number too big to store.
MAX_AMOUNT = 10**12  # đồng: a thousand billion, a hundred times a province's yearly support
MAX_COUNT = 100_000  # teams or members
# The licence of every published figure, said once: the site's footer and downloads page (pelicanconf.py),
# the data package and workbooks (scripts/outputs/downloads.py) and the database's metadata.
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "short": "CC BY 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

COMMUNE_CODE = Column(
    "commune_code",
    "code",
    "Mã xã/phường",
    "Mã đơn vị hành chính cấp xã gồm 5 chữ số theo Quyết định 19/2025/QĐ-TTg; giữ nguyên số 0 ở đầu.",
    pattern=r"^\d{5}$",
    pattern_words="mã xã gồm đúng 5 chữ số, ví dụ 01273",
)
DECISION_NUMBER = Column(
    "decision_number", "text", "Số quyết định", "Số hiệu quyết định giao hoặc phân bổ dự toán.", document=True
)
DECISION_DATE = Column(
    "decision_date", "date", "Ngày quyết định", "Ngày ký quyết định, định dạng YYYY-MM-DD."
)

PROVINCE_ALLOCATIONS = Table(
    name="province_allocations",
    title="Dự toán tỉnh giao cho từng xã/phường",
    description=(
        "Một dòng cho mỗi xã/phường: số tổ và số tiền Ủy ban nhân dân tỉnh giao dự toán "
        "theo quyết định của tỉnh."
    ),
    path_pattern="allocations/<năm>/province.csv",
    columns=(
        COMMUNE_CODE,
        Column(
            "team_count",
            "integer",
            "Số tổ",
            "Số Tổ chuyển đổi số cộng đồng được giao kinh phí.",
            unit="tổ",
            minimum=0,
            maximum=MAX_COUNT,
        ),
        Column(
            "amount_vnd",
            "integer",
            "Dự toán giao",
            "Số tiền dự toán tỉnh giao cho xã/phường, đồng chẵn.",
            unit="đồng",
            minimum=0,
            maximum=MAX_AMOUNT,
        ),
        DECISION_NUMBER,
        DECISION_DATE,
    ),
)

TEAM_ALLOCATIONS = Table(
    name="team_allocations",
    title="Xã/phường phân bổ kinh phí cho từng tổ",
    description=(
        "Một tệp cho mỗi xã/phường, một dòng cho mỗi tổ và mỗi khoảng tháng được hỗ trợ, "
        "theo quyết định phân bổ của xã/phường."
    ),
    path_pattern="allocations/<năm>/teams/<mã xã>.csv",
    columns=(
        Column(
            "team_id",
            "code",
            "Mã tổ",
            "Mã định danh ổn định của tổ: mã xã, dấu gạch ngang, số thứ tự 3 chữ số. "
            "Không đổi qua các năm.",
            pattern=TEAM_ID_PATTERN,
            pattern_words=TEAM_ID_WORDS,
        ),
        Column("team_name", "text", "Tên tổ", "Tên Tổ chuyển đổi số cộng đồng."),
        Column(
            "village",
            "text",
            "Thôn/xóm, tổ dân phố",
            "Thôn, xóm hoặc tổ dân phố mà tổ phục vụ.",
        ),
        COMMUNE_CODE,
        Column(
            "member_count",
            "integer",
            "Số thành viên",
            "Số thành viên của tổ (quy định tối thiểu 10 người).",
            unit="người",
            minimum=1,
            maximum=MAX_COUNT,
        ),
        Column(
            "month_from",
            "month",
            "Từ tháng",
            "Tháng đầu tiên được hỗ trợ trong năm ngân sách (1–12).",
            minimum=1,
            maximum=12,
        ),
        Column(
            "month_to",
            "month",
            "Đến tháng",
            "Tháng cuối cùng được hỗ trợ trong năm ngân sách (1–12).",
            minimum=1,
            maximum=12,
        ),
        Column(
            "amount_vnd",
            "integer",
            "Kinh phí phân bổ",
            "Số tiền phân bổ cho tổ trong khoảng tháng trên, đồng chẵn.",
            unit="đồng",
            minimum=0,
            maximum=MAX_AMOUNT,
        ),
        DECISION_NUMBER,
        DECISION_DATE,
    ),
)

PAYMENTS = Table(
    name="payments",
    title="Kết quả chi trả cho từng tổ",
    description=(
        "Tệp không bắt buộc, một tệp cho mỗi xã/phường, một dòng cho mỗi lần chi trả cho một tổ. "
        "Khoảng tháng của mỗi lần chi phải nằm trọn trong một đợt phân bổ của tổ; "
        "tổng các lần chi của một đợt không được vượt số tiền phân bổ của đợt đó."
    ),
    path_pattern="allocations/<năm>/payments/<mã xã>.csv",
    columns=(
        Column(
            "team_id",
            "code",
            "Mã tổ",
            "Mã của tổ nhận tiền, như trong tệp phân bổ của xã/phường.",
            pattern=TEAM_ID_PATTERN,
            pattern_words=TEAM_ID_WORDS,
        ),
        COMMUNE_CODE,
        Column(
            "month_from",
            "month",
            "Chi cho từ tháng",
            "Tháng đầu tiên mà lần chi này trả cho (1–12).",
            minimum=1,
            maximum=12,
        ),
        Column(
            "month_to",
            "month",
            "Chi cho đến tháng",
            "Tháng cuối cùng mà lần chi này trả cho (1–12).",
            minimum=1,
            maximum=12,
        ),
        Column(
            "amount_vnd",
            "integer",
            "Số tiền đã chi",
            "Số tiền đã chi trả cho tổ trong lần chi này, đồng chẵn.",
            unit="đồng",
            minimum=0,
            maximum=MAX_AMOUNT,
        ),
        Column("payment_date", "date", "Ngày chi", "Ngày chi trả ghi trên chứng từ, định dạng YYYY-MM-DD."),
        Column(
            "document_number",
            "text",
            "Số chứng từ",
            "Số hiệu chứng từ chi (ủy nhiệm chi hoặc phiếu chi) làm căn cứ cho lần chi.",
            document=True,
        ),
    ),
)

INPUT_TABLES = (PROVINCE_ALLOCATIONS, TEAM_ALLOCATIONS, PAYMENTS)
# The sheet of a staff template (data/templates/) that holds the table: an XLSX is read from it wherever it
# stands in the workbook, and from its first sheet when it has none.
DATA_SHEET = "Dữ liệu"

FISCAL_YEAR = Column(
    "fiscal_year",
    "integer",
    "Năm ngân sách",
    "Năm ngân sách của dự toán; trong tệp nhập liệu, đó là tên thư mục allocations/<năm>/.",
    minimum=2000,
    maximum=2100,
)

# The administrative reference every allocation points at, as published (the file has more columns).
COMMUNES = Table(
    name="communes",
    title="Danh mục xã, phường",
    description="Các đơn vị hành chính cấp xã của tỉnh từ ngày 1/7/2025, sau khi sắp xếp lại.",
    path_pattern="reference/communes.csv",
    columns=(
        Column("code", "code", "Mã xã/phường", COMMUNE_CODE.description, pattern=COMMUNE_CODE.pattern, pattern_words=COMMUNE_CODE.pattern_words),
        Column("type", "text", "Loại đơn vị", "phuong (phường) hoặc xa (xã)."),
        Column("name", "text", "Tên", "Tên xã, phường không kèm chữ “Xã”, “Phường”."),
        Column("full_name", "text", "Tên đầy đủ", "Tên đầy đủ, ví dụ “Phường Thục Phán”."),
        Column("area_km2", "number", "Diện tích", "Diện tích tự nhiên.", unit="km²", minimum=0),
    ),
)

# Published tables computed from the ones above; their figures come from scripts/model/figures.py.
COMMUNE_NAME = Column("commune_name", "text", "Tên xã/phường", "Tên đầy đủ của xã/phường, ví dụ “Phường Thục Phán”.")
PAID = Column("paid_vnd", "integer", "Đã chi", "Tổng số tiền đã chi trả đến ngày công bố, đồng chẵn.", unit="đồng", minimum=0)
REMAINING = Column("remaining_vnd", "integer", "Còn lại", "Kinh phí phân bổ trừ số đã chi, đồng chẵn.", unit="đồng")
PER_MEMBER = Column(
    "amount_per_member_vnd",
    "integer",
    "Bình quân mỗi thành viên",
    "Kinh phí phân bổ chia cho số thành viên, làm tròn đến đồng. Để trống khi không có thành viên.",
    unit="đồng",
    required=False,
    minimum=0,
)
PAID_SHARE = Column(
    "paid_share_pct",
    "number",
    "Tỷ lệ đã chi",
    "Số đã chi chia cho kinh phí phân bổ, tính theo phần trăm, làm tròn một chữ số thập phân. "
    "Để trống khi kinh phí phân bổ bằng 0.",
    unit="%",
    required=False,
    minimum=0,
)

COMMUNE_TEAM_FIGURES = Table(
    name="commune_team_figures",
    title="Kinh phí từng tổ của một xã/phường",
    description=(
        "Một tệp cho mỗi xã/phường và mỗi năm, một dòng cho mỗi tổ và mỗi đợt phân bổ: tên tổ, thôn/xóm, "
        "số thành viên, khoảng tháng, quyết định phân bổ của xã/phường, số đã chi, ngày chi gần nhất và số còn lại."
    ),
    path_pattern="allocations/<năm>/teams/<mã xã>.csv",
    columns=(
        COMMUNE_CODE,
        COMMUNE_NAME,
        *(TEAM_ALLOCATIONS.column(name) for name in ("team_id", "team_name", "village", "member_count", "month_from", "month_to", "amount_vnd", "decision_number", "decision_date")),
        PAID,
        Column(
            "last_payment_date",
            "date",
            "Ngày chi gần nhất",
            "Ngày của lần chi trả gần nhất trong đợt, định dạng YYYY-MM-DD. Để trống khi chưa chi.",
            required=False,
        ),
        REMAINING,
        PER_MEMBER,
        PAID_SHARE,
        Column(
            "below_minimum",
            "boolean",
            "Dưới số thành viên tối thiểu",
            "true khi tổ có ít thành viên hơn mức tối thiểu theo quy định, false khi đủ.",
        ),
    ),
)

COMMUNE_SUMMARY = Table(
    name="commune_summary",
    title="Tổng hợp theo xã/phường",
    description=(
        "Một dòng cho mỗi xã/phường trong mỗi năm: dự toán tỉnh giao, kinh phí đã phân bổ cho các tổ, số đã chi, "
        "số còn lại, bình quân mỗi thành viên, tỷ lệ đã chi và số tổ dưới số thành viên tối thiểu."
    ),
    path_pattern="allocations/<năm>/",
    columns=(
        COMMUNE_CODE,
        COMMUNE_NAME,
        Column("allocated_vnd", "integer", "Dự toán giao", "Số tiền dự toán tỉnh giao cho xã/phường, đồng chẵn.", unit="đồng", minimum=0),
        Column("team_count", "integer", "Số tổ", "Số tổ được xã/phường phân bổ kinh phí.", unit="tổ", minimum=0),
        Column("member_count", "integer", "Số thành viên", "Tổng số thành viên của các tổ.", unit="người", minimum=0),
        Column("teams_amount_vnd", "integer", "Đã phân bổ cho các tổ", "Tổng kinh phí xã/phường phân bổ cho các tổ, đồng chẵn.", unit="đồng", minimum=0),
        PAID,
        REMAINING,
        PER_MEMBER,
        PAID_SHARE,
        Column(
            "below_minimum_count",
            "integer",
            "Số tổ dưới mức tối thiểu",
            "Số tổ có ít thành viên hơn mức tối thiểu theo quy định.",
            unit="tổ",
            minimum=0,
        ),
    ),
)

PROVINCE_CONTACT = "tinh"  # the code of contacts.csv's row for the province's own feedback channel

# Where citizens report a figure they believe wrong: every commune's People's Committee, and the province's
# feedback channel. Official offices, not people: their phone and e-mail are published on purpose.
CONTACTS = Table(
    name="contacts",
    title="Nơi tiếp nhận phản ánh",
    description=(
        "Một dòng cho mỗi xã/phường trong danh mục (Ủy ban nhân dân xã/phường) và một dòng mã “tinh” cho kênh "
        "phản ánh của tỉnh. Các trang của xã và của từng tổ, và thông báo công khai, in các thông tin này."
    ),
    path_pattern="reference/contacts.csv",
    columns=(
        Column(
            "code",
            "code",
            "Mã xã/phường",
            "Mã xã/phường gồm 5 chữ số như trong danh mục xã, phường; hoặc “tinh” cho kênh phản ánh của tỉnh.",
            pattern=rf"^(\d{{5}}|{PROVINCE_CONTACT})$",
        ),
        Column("office", "text", "Nơi tiếp nhận", "Tên cơ quan tiếp nhận phản ánh, ví dụ “Ủy ban nhân dân Xã Hòa An”."),
        Column("phone", "phone", "Điện thoại", "Số điện thoại của cơ quan: 0 hoặc +84 rồi 9–10 chữ số; được phép có dấu cách, dấu chấm."),
        Column("email", "email", "Thư điện tử", "Địa chỉ thư điện tử của cơ quan, ví dụ ubnd@example.gov.vn."),
        Column("address", "text", "Địa chỉ", "Địa chỉ trụ sở tiếp công dân."),
        Column(
            "sample",
            "boolean",
            "Thông tin mẫu",
            "true khi thông tin liên hệ là mẫu để thử nghiệm (trang ghi “(mẫu)” bên cạnh), false khi là thông tin thật.",
        ),
    ),
)

TYPE_LABELS = {
    "code": "mã (văn bản)",
    "text": "văn bản",
    "integer": "số nguyên",
    "number": "số thập phân",
    "date": "ngày (YYYY-MM-DD)",
    "month": "tháng (1–12)",
    "boolean": "đúng/sai (true/false)",
    "phone": "số điện thoại",
    "email": "thư điện tử",
}
