"""scripts/model/dataset.py declares build/dataset.json: every record has exactly the keys and value types its TypedDict says."""

from __future__ import annotations

import types
import typing

from scripts.model import dataset as model
from scripts.site.pages import read_dataset
from scripts.validate import rules as validate


def mismatches(value, declared, where: str) -> list[str]:
    """Where ``value`` is not of the ``declared`` type, checked all the way down; bool is not an int."""
    origin, arguments = typing.get_origin(declared), typing.get_args(declared)
    if typing.is_typeddict(declared):
        if type(value) is not dict:
            return [f"{where}: {type(value).__name__}, not a {declared.__name__}"]
        keys = set(value)
        found = [f"{where}: {declared.__name__} lacks {key}" for key in sorted(declared.__required_keys__ - keys)]
        found += [f"{where}: {declared.__name__} has undeclared {key}" for key in sorted(keys - declared.__annotations__.keys())]
        hints = typing.get_type_hints(declared)
        for key in sorted(keys & hints.keys()):
            found += mismatches(value[key], hints[key], f"{where}.{key}")
        return found
    if origin in (typing.Union, types.UnionType):
        if any(not mismatches(value, option, where) for option in arguments):
            return []
        return [f"{where}: {value!r:.60} is none of {declared}"]
    if origin is list:
        if type(value) is not list:
            return [f"{where}: {type(value).__name__}, not a list"]
        return [problem for index, item in enumerate(value) for problem in mismatches(item, arguments[0], f"{where}[{index}]")]
    if origin is dict:
        if type(value) is not dict:
            return [f"{where}: {type(value).__name__}, not a dict"]
        return [
            problem
            for key, item in value.items()
            for problem in [*mismatches(key, arguments[0], f"{where} key"), *mismatches(item, arguments[1], f"{where}[{key!r}]")]
        ]
    if declared is type(None):
        return [] if value is None else [f"{where}: {value!r:.60} is not None"]
    return [] if type(value) is declared else [f"{where}: {type(value).__name__} {value!r:.60}, not {declared.__name__}"]


def test_the_sample_dataset_has_exactly_the_declared_records(sample_paths):
    dataset = read_dataset(sample_paths.work / "dataset.json")
    assert dataset["years"] and all(year["teams"] and year["payments"] for year in dataset["years"])
    assert mismatches(dataset, model.Dataset, "dataset") == []


def test_the_tiny_dataset_has_exactly_the_declared_records(tiny_data, tmp_path):
    """Besides the sample: findings of a whole file (no row)."""
    dataset = read_dataset(validate.run(tiny_data, tmp_path / "build"))
    assert dataset["years"] and all(year["teams"] for year in dataset["years"])
    assert mismatches(dataset, model.Dataset, "dataset") == []


def test_a_drifted_record_is_caught():
    team = {"team_id": "01273-001", "team_name": "Tổ 1", "village": "Thôn 1", "commune_code": "01273", "member_count": 10, "amount_vnd": 1, "months": 1, "periods": []}
    assert mismatches(team, model.Team, "team") == []
    assert mismatches({**team, "member_count": True}, model.Team, "team") == ["team.member_count: bool True, not int"]
    assert mismatches({**team, "extra": 1}, model.Team, "team") == ["team: Team has undeclared extra"]
    del team["village"]
    assert mismatches(team, model.Team, "team") == ["team: Team lacks village"]
