"""The records of the validated dataset, build/dataset.json: written by scripts/validate/rules.py, read by every later stage.

TypedDicts, not classes: the file stays plain JSON and readers keep reading each field by name,
``team["amount_vnd"]``, now with a declared type. Dates are ISO 8601 strings (``IsoDate``), amounts
whole đồng, months 1–12 of the fiscal year. tests/test_dataset.py holds these declarations to the
bundled sample's dataset, key by key and type by type.
"""

# No ``from __future__ import annotations``: with it, Python 3.11 cannot see NotRequired in a TypedDict.
from typing import NotRequired, TypedDict

IsoDate = str  # YYYY-MM-DD


class Province(TypedDict):
    """data/reference/province.toml: the province the data belongs to."""

    name: str  # as a sentence starts with it: "Tỉnh Cao Bằng"
    boundaries_source: str
    sample_note: str  # "" when the data is real


class Contact(TypedDict):
    """One row of data/reference/contacts.csv: an office where citizens report a figure they believe wrong."""

    office: str
    phone: str  # as written: "0206 3852 000"
    email: str
    address: str
    sample: bool  # a placeholder, labelled "(mẫu)" wherever it is shown


class Contacts(TypedDict):
    province: Contact  # the province's feedback channel ("phản ánh hiện trường")
    communes: dict[str, Contact]  # by commune code


class Rate(TypedDict):
    """One support rate of data/policy/policy.toml, with its legal basis and the years it applies to."""

    amount_vnd: int
    basis: str  # "per_team_month" or "per_member_month"
    from_year: int
    to_year: NotRequired[int]  # left out: still in force
    sample: NotRequired[bool]
    resolution_number: str
    resolution_date: IsoDate
    resolution_title: str
    effective_from: IsoDate
    effective_to: IsoDate
    basis_note: str


class Policy(TypedDict):
    """data/policy/policy.toml."""

    minimum_members: int
    publication_deadline_days: int
    publication_deadline_basis: str
    rates: list[Rate]
    maximum_members: NotRequired[int]  # left out: no team is flagged for its size


class Commune(TypedDict):
    """One commune of data/reference/communes.csv, as published."""

    code: str  # 5 digits, leading zeros kept
    type: str  # "xa" or "phuong"
    name: str
    full_name: str
    area_km2: str  # as the reference file writes it; downloads publish it as a number


class ProvinceDecision(TypedDict):
    """The province's decision that allocates a year's funds to the communes."""

    number: str
    date: IsoDate
    title: str
    total_amount_vnd: int


class CommuneAllocation(TypedDict):
    """One row of allocations/<year>/province.csv: what the province allocated to a commune."""

    commune_code: str
    team_count: int
    amount_vnd: int
    decision_number: str
    decision_date: IsoDate
    source_file: str  # relative to data/
    source_row: int


class Period(TypedDict):
    """One allocation row of a team (allocations/<year>/teams/<commune>.csv): months a decision funds."""

    month_from: int
    month_to: int
    member_count: int  # as this decision row states it
    amount_vnd: int
    decision_number: str
    decision_date: IsoDate
    source_file: str
    source_row: int


class Team(TypedDict):
    """A team in one year: its periods merged, with the latest period's membership."""

    team_id: str  # "<commune code>-<3 digits>", the same across years
    team_name: str
    village: str
    commune_code: str
    member_count: int
    amount_vnd: int  # over every period
    months: int  # over every period
    periods: list[Period]  # by month_from


class Payment(TypedDict):
    """One payment to a team (allocations/<year>/payments/<commune>.csv), inside one period of its team."""

    team_id: str
    commune_code: str
    month_from: int
    month_to: int
    amount_vnd: int
    payment_date: IsoDate
    document_number: str
    source_file: str
    source_row: int


class Source(TypedDict):
    """An input file a year's figures come from, as pages cite it."""

    sha256: str
    bytes: int


class Year(TypedDict):
    """One fiscal year's validated data."""

    fiscal_year: int
    sample: bool
    published_on: IsoDate
    province_decision: ProvinceDecision
    rate: Rate | None  # None without a usable policy
    communes: list[CommuneAllocation]  # by commune code
    teams: list[Team]  # by team id
    payments: list[Payment]
    payments_published_on: IsoDate | None  # None without payment files
    sources: dict[str, Source]  # by path relative to data/


class Finding(TypedDict):
    """A warning of validation, published on the checks pages (scripts/model/problems.py, ``Problem.as_row``)."""

    code: str
    severity: str
    file: str
    row: int | None
    column: str | None
    value: str
    message: str


class Dataset(TypedDict):
    """build/dataset.json."""

    province: Province
    contacts: Contacts
    policy: Policy
    communes: list[Commune]
    years: list[Year]
    findings: list[Finding]
