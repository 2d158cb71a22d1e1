"""The configuration side of a synthetic inputs folder.

config.yaml (the KPI catalogue, stakeholders, delivery), one partners/<id>.yaml
per partner (contract, versioned service levels, two objectives), and the
scope-change log, corrective actions and comments. Choices where the brief is
silent: one vendor manager and one procurement lead follow every partner, and
each partner has its own account manager (so the outbox holds one message per
partner and stakeholder); every tenth partner had its service-level target
raised by an implemented scope change in the last year; about one partner in
ten has a contract ending within 90 days of the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from benchmarks.kpi_library import KpiSpec
from benchmarks.synth_logs import (
    VENDOR_MANAGER,
    actions,
    change_day,
    change_id,
    comments,
    raised_by_change,
    scope_changes,
)

CLIENT_DOMAIN = "client.example"
PARTNER_DOMAIN = "partners.example"


@dataclass(frozen=True)
class Partners:
    """The synthetic partners: ids, and each one's size (a volume factor around 1)."""

    ids: list[str]
    volume: np.ndarray
    fee: np.ndarray
    end_offset_months: np.ndarray  # contract end, in months after the as-of month

    @classmethod
    def draw(cls, rng: np.random.Generator, count: int) -> Partners:
        volume = rng.lognormal(mean=0.0, sigma=0.45, size=count)
        fee = np.round(volume * 40000 * rng.uniform(0.8, 1.2, size=count), -2)
        ends = rng.choice([3, 9, 15, 27, 39], size=count, p=[0.1, 0.2, 0.3, 0.25, 0.15])
        return cls([f"P{i + 1:04d}" for i in range(count)], volume, fee, ends)


def write_configuration(
    target: Path,
    kpis: tuple[KpiSpec, ...],
    partners: Partners,
    months: pd.PeriodIndex,
    values: dict[str, dict[str, np.ndarray]],
    as_of: date,
) -> list[str]:
    """config.yaml, partners/*.yaml and the three optional CSV logs; the paths written."""
    _dump(target / "config.yaml", config_document(kpis, partners))
    (target / "partners").mkdir()
    written = ["config.yaml"]
    for i, pid in enumerate(partners.ids):
        _dump(
            target / "partners" / f"{pid}.yaml", partner_document(i, kpis, partners, months, values)
        )
        written.append(f"partners/{pid}.yaml")
    scope_changes(partners.ids, kpis, months).to_csv(target / "scope_changes.csv", index=False)
    actions(partners.ids, kpis, as_of).to_csv(target / "actions.csv", index=False)
    comments(partners.ids, kpis, months).to_csv(target / "comments.csv", index=False)
    return [*written, "scope_changes.csv", "actions.csv", "comments.csv"]


def config_document(kpis: tuple[KpiSpec, ...], partners: Partners) -> dict[str, Any]:
    everyone = [
        _person(VENDOR_MANAGER, "claire.martin", "vendor_manager", ["*"], ["nightly", "quarterly"]),
        _person("Hugo Bernard", "hugo.bernard", "procurement", ["*"], ["quarterly"]),
    ]
    everyone[0]["nightly"] = "on_change"
    for pid in partners.ids:
        person = _person(
            f"Account manager {pid}",
            f"am.{pid.lower()}",
            "partner_account_manager",
            [pid],
            ["quarterly"],
        )
        person["email"] = f"am.{pid.lower()}@{PARTNER_DOMAIN}"
        everyone.append(person)
    return {
        "organisation": {
            "name": "Acme Retail (synthetic)",
            "currency": "EUR",
            "timezone": "Europe/Paris",
            "language": "en",
            "fiscal_year_start_month": 1,
        },
        "reporting": {
            "nightly_cron": "0 6 * * *",
            "quarterly_cron": None,
            "freshness_days": 3,
            "spc": {"window": 24, "min_points": 8},
        },
        "limits": {"max_file_mb": 200},
        "kpis": [k.config_entry() for k in kpis],
        "stakeholders": everyone,
        "delivery": {
            "sender": f"Partner Review <reviews@{CLIENT_DOMAIN}>",
            "allowed_domains": [CLIENT_DOMAIN, PARTNER_DOMAIN],
            "subject_prefix": "[Partner Review]",
        },
    }


def _person(name: str, local: str, role: str, follows: list[str], reports: list[str]) -> dict:
    return {
        "name": name,
        "email": f"{local}@{CLIENT_DOMAIN}",
        "role": role,
        "language": "en",
        "partners": follows,
        "reports": reports,
        "nightly": "always",
    }


def partner_document(
    index: int,
    kpis: tuple[KpiSpec, ...],
    partners: Partners,
    months: pd.PeriodIndex,
    values: dict[str, dict[str, np.ndarray]],
) -> dict[str, Any]:
    pid = partners.ids[index]
    start = months[0].start_time.date()
    end = (months[-1] + int(partners.end_offset_months[index])).end_time.date()
    levels = []
    for kpi in kpis:
        if kpi.service_level is None:
            continue
        expected, minimum, credit = kpi.service_level
        levels.append(
            {
                "kpi": kpi.id,
                "expected": expected,
                "minimum": minimum,
                "credit_pct": credit,
                "effective_from": start,
            }
        )
        if kpi.id == "service_level" and raised_by_change(index):
            levels.append(
                {
                    "kpi": kpi.id,
                    "expected": expected + 2,
                    "minimum": minimum + 2,
                    "credit_pct": credit,
                    "effective_from": change_day(months),
                    "change": change_id(pid),
                }
            )
    return {
        "id": pid,
        "name": f"Partner {pid[1:]} Contact Services",
        "service": "Customer contact centre",
        "currency": "EUR",
        "monthly_fee": float(partners.fee[index]),
        "contract": {
            "start": start,
            "end": end,
            "credit_cap_pct": 12,
            "earnback_months": 3 if index % 2 == 0 else 0,
            "chronic": {"breaches": 3, "window_months": 6},
        },
        "service_levels": levels,
        "objectives": _objectives(index, pid, kpis, months, values),
    }


def _objectives(
    index: int,
    pid: str,
    kpis: tuple[KpiSpec, ...],
    months: pd.PeriodIndex,
    values: dict[str, dict[str, np.ndarray]],
) -> list[dict[str, Any]]:
    """Cost per contact down 8% over a year (running), quality up 3% (ended two months ago)."""
    ids = {k.id for k in kpis}
    found = []
    end = months[-1]
    if "cost_per_contact" in ids:
        before = (end - 9).strftime("%Y-%m")
        found.append(
            {
                "id": f"OBJ-{pid}-01",
                "title": "Reduce cost per contact by 8% in a year",
                "kpi": "cost_per_contact",
                "baseline": {"value": round(float(values["cost_per_contact"][before][index]), 2)},
                "target": {"change_pct": -8},
                "start": (end - 8).start_time.date(),
                "deadline": (end + 3).end_time.date(),
                "tolerance_pct": 10,
                "owner": VENDOR_MANAGER,
            }
        )
    if "quality_score" in ids:
        found.append(
            {
                "id": f"OBJ-{pid}-02",
                "title": "Raise the quality score by 3%",
                "kpi": "quality_score",
                "baseline": {"period": (end - 12).strftime("%Y-%m")},
                "target": {"change_pct": 3},
                "start": (end - 11).start_time.date(),
                "deadline": (end - 2).end_time.date(),
                "tolerance_pct": 5,
                "owner": f"Account manager {pid}",
            }
        )
    return found


class _PlainDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes a value used twice (the same date) twice: the inputs refuse YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(path: Path, document: dict[str, Any]) -> None:
    text = yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
