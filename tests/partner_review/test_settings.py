"""Configuration checks of SPEC §1: every problem listed at once, each with file and key."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from partner_review.errors import ConfigError
from partner_review.settings import load_settings

CONFIG: dict[str, Any] = {
    "organisation": {"name": "Acme", "currency": "EUR", "timezone": "Europe/Paris"},
    "kpis": [
        {
            "id": "service_level",
            "name": {"en": "Service level", "fr": "Niveau de service"},
            "unit": "percent",
            "direction": "higher_is_better",
            "aggregation": "ratio",
            "scale": 100,
        },
        {
            "id": "cost_per_contact",
            "name": "Cost per contact",
            "unit": "currency",
            "direction": "lower_is_better",
            "aggregation": "mean",
        },
    ],
    "stakeholders": [
        {"name": "Claire", "email": "claire@acme.example", "partners": ["*"]},
    ],
    "delivery": {"sender": "Reviews <r@acme.example>", "allowed_domains": ["acme.example"]},
}
PARTNER: dict[str, Any] = {
    "id": "P1",
    "name": "Partner One",
    "monthly_fee": 1000,
    "contract": {"start": "2025-01-01", "end": "2027-12-31"},
    "service_levels": [{"kpi": "service_level", "expected": 80, "minimum": 75}],
    "objectives": [
        {
            "id": "O1",
            "title": "Cheaper",
            "kpi": "cost_per_contact",
            "baseline": {"value": 4.8},
            "target": {"change_pct": -15},
            "start": "2026-01-01",
            "deadline": "2026-06-30",
        }
    ],
}


def write_inputs(root: Path, config: dict[str, Any], partners: dict[str, dict[str, Any]]) -> Path:
    (root / "partners").mkdir(parents=True)
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    for name, partner in partners.items():
        (root / "partners" / f"{name}.yaml").write_text(yaml.safe_dump(partner))
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(root)
    return [str(p) for p in caught.value.problems]


def test_valid_configuration_loads(tmp_path: Path) -> None:
    settings = load_settings(write_inputs(tmp_path, CONFIG, {"P1": PARTNER}))
    assert list(settings.partners) == ["P1"]
    assert settings.kpi("cost_per_contact").name.get("fr") == "Cost per contact"


def test_unchanged_files_are_read_once_and_any_change_is_read_again(tmp_path: Path) -> None:
    root = write_inputs(tmp_path, CONFIG, {"P1": PARTNER})
    first = load_settings(root)
    assert load_settings(root) is first
    (root / "partners" / "P1.yaml").write_text(yaml.safe_dump({**PARTNER, "name": "Renamed"}))
    renamed = load_settings(root)
    assert renamed is not first and renamed.partners["P1"].name == "Renamed"
    (root / "scope_changes.csv").write_text("change_id\nCHG-1\n")
    assert load_settings(root).change_ids == frozenset({"CHG-1"})
    (root / "partners" / "P1.yaml").write_text("id: [\n")
    assert problems_of(root)[0].startswith("partners/P1.yaml:2: invalid YAML")
    (root / "partners" / "P1.yaml").write_text(yaml.safe_dump({**PARTNER, "name": "Renamed"}))
    assert load_settings(root).partners["P1"].name == "Renamed"


def test_minimum_above_expected_names_file_key_and_values(tmp_path: Path) -> None:
    partner = copy.deepcopy(PARTNER)
    partner["service_levels"].append(
        {"kpi": "service_level", "expected": 80, "minimum": 82, "effective_from": "2026-01-01"}
    )
    assert problems_of(write_inputs(tmp_path, CONFIG, {"P1": partner})) == [
        "partners/P1.yaml: service_levels[1].minimum: 82 is above expected 80 "
        "for a higher_is_better KPI"
    ]


def test_unknown_key_typo_is_an_error_with_allowed_keys(tmp_path: Path) -> None:
    partner = copy.deepcopy(PARTNER)
    partner["service_levels"][0]["expceted"] = 80
    (problem,) = problems_of(write_inputs(tmp_path, CONFIG, {"P1": partner}))
    assert problem.startswith(
        "partners/P1.yaml: service_levels[0].expceted: unknown key 'expceted' (allowed keys"
    )
    assert "expected" in problem


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    config = copy.deepcopy(CONFIG)
    config["stakeholders"].append(
        {"name": "Eve", "email": "eve@elsewhere.example", "partners": ["NOPE"]}
    )
    partner = copy.deepcopy(PARTNER)
    partner["service_levels"][0]["kpi"] = "speed"
    partner["objectives"][0]["target"] = {"change_pct": 10}
    partner["objectives"][0]["deadline"] = "2025-06-30"
    found = problems_of(write_inputs(tmp_path, config, {"P1": partner}))
    assert any(
        "config.yaml: stakeholders[1].email: eve@elsewhere.example is outside" in p for p in found
    )
    assert any("stakeholders[1].partners[0]: unknown partner id 'NOPE'" in p for p in found)
    assert any(
        "partners/P1.yaml: objectives[0]: deadline 2025-06-30 must be after start" in p
        for p in found
    )
    assert len(found) == 3  # the objective fails as a whole; kpi check needs a valid model


def test_target_that_does_not_improve_is_an_error(tmp_path: Path) -> None:
    partner = copy.deepcopy(PARTNER)
    partner["objectives"][0]["target"] = {"change_pct": 10}
    assert problems_of(write_inputs(tmp_path, CONFIG, {"P1": partner})) == [
        "partners/P1.yaml: objectives[0].target.change_pct: change_pct 10 does not improve "
        "a lower_is_better KPI (use a negative change_pct)"
    ]


def test_unknown_kpi_and_change_references(tmp_path: Path) -> None:
    partner = copy.deepcopy(PARTNER)
    partner["service_levels"][0]["kpi"] = "speed"
    partner["objectives"][0]["change"] = "CHG-404"
    found = problems_of(write_inputs(tmp_path, CONFIG, {"P1": partner}))
    assert found == [
        "partners/P1.yaml: service_levels[0].kpi: unknown KPI 'speed' "
        "(known KPI ids: cost_per_contact, service_level)",
        "partners/P1.yaml: objectives[0].change: unknown change id 'CHG-404' "
        "(add it to scope_changes.csv or correct the id)",
    ]


def test_change_ids_come_from_scope_changes_csv(tmp_path: Path) -> None:
    partner = copy.deepcopy(PARTNER)
    partner["objectives"][0]["change"] = "CHG-1"
    root = write_inputs(tmp_path, CONFIG, {"P1": partner})
    (root / "scope_changes.csv").write_text("change_id,partner_id,title\nCHG-1,P1,More volume\n")
    assert load_settings(root).change_ids == frozenset({"CHG-1"})


def test_partner_file_name_must_equal_id(tmp_path: Path) -> None:
    assert problems_of(write_inputs(tmp_path, CONFIG, {"other": PARTNER})) == [
        "partners/other.yaml: id: id 'P1' differs from the file name "
        "(rename the file to P1.yaml or set id to the file name)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", "config.yaml: the file must be a mapping of keys, not list"),
        ("a: &x [1]\nb: *x\n", "config.yaml:2: invalid YAML: YAML aliases"),
        ("a: 1\na: 2\n", "config.yaml:2: invalid YAML: duplicate key 'a'"),
    ],
)
def test_unreadable_yaml_is_one_clear_problem(tmp_path: Path, text: str, expected: str) -> None:
    write_inputs(tmp_path, CONFIG, {"P1": PARTNER})
    (tmp_path / "config.yaml").write_text(text)
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(expected)


def test_multiline_name_is_refused(tmp_path: Path) -> None:
    partner = copy.deepcopy(PARTNER)
    partner["name"] = "Evil\nBcc: all@acme.example"
    (problem,) = problems_of(write_inputs(tmp_path, CONFIG, {"P1": partner}))
    assert problem.startswith("partners/P1.yaml: name:")
    assert "single line" in problem
