"""Loading and cross-checking a whole inputs folder's configuration at once.

One :class:`ConfigError` lists every problem found, each as
``partners/outokia-cx.yaml: service_levels[1].minimum: 82 is above expected 80 ...``.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from partner_review.config import Config, Kpi, Partner
from partner_review.errors import ConfigError, Problem
from partner_review.paths import InputPaths
from partner_review.yamlfile import YAML_MAX_BYTES, YamlProblem, read_yaml_mapping


@dataclass(frozen=True)
class Settings:
    """Everything configured for one inputs folder, validated."""

    inputs: InputPaths
    config: Config
    partners: dict[str, Partner]
    change_ids: frozenset[str]

    def kpi(self, kpi_id: str) -> Kpi:
        return self.config.kpi(kpi_id)

    @property
    def kpis(self) -> dict[str, Kpi]:
        return {k.id: k for k in self.config.kpis}


# the last valid configuration read in this process, by what it was read from (a CLI run
# checks it before starting the flow, whose first task reads it again)
_last: tuple[str, Settings] | None = None


def load_settings(inputs_dir: Path) -> Settings:
    """config.yaml and every partner file of ``inputs_dir``, or ConfigError listing all problems.

    Reading the same unchanged files again in one process returns the same Settings.
    """
    global _last
    key = _content_key(inputs_dir)
    if key is not None and _last is not None and _last[0] == key:
        return _last[1]
    settings = _load_settings(inputs_dir)
    _last = (key, settings) if key is not None else None
    return settings


def _content_key(inputs_dir: Path) -> str | None:
    """A hash of the folder's name and every file load_settings reads; None when one cannot
    be read, or is a YAML file too large to be valid (nothing read in that case)."""
    paths = InputPaths(inputs_dir)
    digest = hashlib.sha256(str(inputs_dir).encode())
    yaml_files = [paths.config]
    yaml_files += sorted(paths.partners.glob("*.yaml")) + sorted(paths.partners.glob("*.yml"))
    try:
        if any(p.is_file() and p.stat().st_size > YAML_MAX_BYTES for p in yaml_files):
            return None
        for path in [*yaml_files, paths.scope_changes]:
            digest.update(f"\0{path.name}\0".encode())
            digest.update(path.read_bytes() if path.is_file() else b"\0absent")
    except OSError:
        return None
    return digest.hexdigest()


def _load_settings(inputs_dir: Path) -> Settings:
    paths = InputPaths(inputs_dir)
    if not paths.config.is_file():
        raise ConfigError(
            [
                Problem(
                    "config.yaml",
                    f"not found in {inputs_dir}",
                    hint="run 'partner-review init DIR' for a starter folder",
                )
            ]
        )
    problems: list[Problem] = []
    config = _parse(paths.config, "config.yaml", Config, problems)
    partners: dict[str, Partner] = {}
    partner_files = sorted(paths.partners.glob("*.yaml")) + sorted(paths.partners.glob("*.yml"))
    if not partner_files:
        problems.append(
            Problem("partners/", "no partner files", hint="add one partners/<id>.yaml per partner")
        )
    for path in partner_files:
        label = f"partners/{path.name}"
        partner = _parse(path, label, Partner, problems)
        if partner is None:
            continue
        if partner.id != path.stem:
            problems.append(
                Problem(
                    label,
                    f"id {partner.id!r} differs from the file name",
                    key="id",
                    hint=f"rename the file to {partner.id}.yaml or set id to the file name",
                )
            )
        elif partner.id in partners:
            problems.append(Problem(label, f"duplicate partner id {partner.id!r}", key="id"))
        else:
            partners[partner.id] = partner
    change_ids = _read_change_ids(paths.scope_changes)
    if config is not None:
        problems += _check_config(config, partners)
        for pid, partner in partners.items():
            problems += _check_partner(f"partners/{pid}.yaml", partner, config, change_ids)
    if problems or config is None:
        raise ConfigError(problems)
    return Settings(paths, config, partners, frozenset(change_ids))


def _parse(path: Path, label: str, model: type[Any], problems: list[Problem]) -> Any:
    try:
        data = read_yaml_mapping(path, label)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += [_problem_from_error(label, err, model) for err in exc.errors()]
        return None


def _location(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _problem_from_error(label: str, err: Any, model: type[BaseModel]) -> Problem:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    key = _location(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f"allowed keys here: {', '.join(allowed)}" if allowed else None
        return Problem(label, f"unknown key {loc[-1]!r}", key=key, hint=hint)
    if kind == "missing":
        return Problem(label, "required key is missing", key=key)
    message = str(err["msg"]).removeprefix("Value error, ")
    if "input" in err and kind not in ("model_type", "dict_type", "list_type"):
        given = err["input"]
        if not isinstance(given, dict | list):
            message = f"{given!r}: {message}"
    return Problem(label, message, key=key or None)


def _allowed_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The keys a model accepts at ``loc`` (for 'unknown key' hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _read_change_ids(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            field = next(
                (f for f in reader.fieldnames or [] if f.strip().lower() == "change_id"), None
            )
            if field is None:
                return set()
            return {(row.get(field) or "").strip() for row in reader} - {""}
    except (UnicodeDecodeError, csv.Error):
        return set()


def _check_config(config: Config, partners: dict[str, Partner]) -> list[Problem]:
    label = "config.yaml"
    problems = [
        Problem(label, f"duplicate KPI id {kpi_id!r}", key=f"kpis[{i}].id")
        for i, kpi_id in _duplicates(k.id for k in config.kpis)
    ]
    for i, kpi in enumerate(config.kpis):
        if kpi.min_denominator is not None and kpi.aggregation not in ("ratio", "nps", "top2box"):
            problems.append(
                Problem(
                    label,
                    "min_denominator applies only to ratio, nps and top2box KPIs",
                    key=f"kpis[{i}].min_denominator",
                )
            )
    allowed = {d.lower().lstrip("@") for d in config.delivery.allowed_domains}
    for i, person in enumerate(config.stakeholders):
        if person.domain not in allowed:
            problems.append(
                Problem(
                    label,
                    f"{person.email} is outside the allowed domains ({', '.join(sorted(allowed))})",
                    key=f"stakeholders[{i}].email",
                    hint="add the domain to delivery.allowed_domains or correct the address",
                )
            )
        for j, pid in enumerate(person.partners):
            if pid != "*" and pid not in partners:
                problems.append(
                    Problem(
                        label,
                        f"unknown partner id {pid!r}",
                        key=f"stakeholders[{i}].partners[{j}]",
                        hint=_known("partner ids", partners),
                    )
                )
    return problems


def _check_partner(
    label: str, partner: Partner, config: Config, change_ids: set[str]
) -> list[Problem]:
    kpis = {k.id: k for k in config.kpis}
    problems: list[Problem] = []
    versions: set[tuple[str, Any]] = set()
    for i, sl in enumerate(partner.service_levels):
        key = f"service_levels[{i}]"
        problems += _check_change(label, key, sl.change, change_ids)
        kpi = kpis.get(sl.kpi)
        if kpi is None:
            problems.append(
                Problem(
                    label, f"unknown KPI {sl.kpi!r}", key=f"{key}.kpi", hint=_known("KPI ids", kpis)
                )
            )
            continue
        version = (sl.kpi, sl.effective_from or partner.contract.start)
        if version in versions:
            problems.append(
                Problem(
                    label,
                    f"a second service level for {sl.kpi} effective {version[1]}",
                    key=f"{key}.effective_from",
                    hint="give each version its own effective_from",
                )
            )
        versions.add(version)
        if kpi.higher_is_better and sl.minimum > sl.expected:
            problems.append(
                Problem(
                    label,
                    f"{_num(sl.minimum)} is above expected "
                    f"{_num(sl.expected)} for a higher_is_better KPI",
                    key=f"{key}.minimum",
                )
            )
        if not kpi.higher_is_better and sl.minimum < sl.expected:
            problems.append(
                Problem(
                    label,
                    f"{_num(sl.minimum)} is below expected "
                    f"{_num(sl.expected)} for a lower_is_better KPI",
                    key=f"{key}.minimum",
                )
            )
    for i, obj_id in _duplicates(o.id for o in partner.objectives):
        problems.append(
            Problem(label, f"duplicate objective id {obj_id!r}", key=f"objectives[{i}].id")
        )
    for i, obj in enumerate(partner.objectives):
        key = f"objectives[{i}]"
        problems += _check_change(label, key, obj.change, change_ids)
        kpi = kpis.get(obj.kpi)
        if kpi is None:
            problems.append(
                Problem(
                    label,
                    f"unknown KPI {obj.kpi!r}",
                    key=f"{key}.kpi",
                    hint=_known("KPI ids", kpis),
                )
            )
            continue
        problems += _check_target(label, key, obj, kpi)
    return problems


def _check_target(label: str, key: str, obj: Any, kpi: Kpi) -> list[Problem]:
    """A target must improve on the baseline in the KPI's direction."""
    sign = 1 if kpi.higher_is_better else -1
    if obj.target.change_pct is not None:
        if obj.target.change_pct * sign <= 0:
            better = "positive" if kpi.higher_is_better else "negative"
            return [
                Problem(
                    label,
                    f"change_pct {_num(obj.target.change_pct)} does not improve "
                    f"a {kpi.direction} KPI",
                    key=f"{key}.target.change_pct",
                    hint=f"use a {better} change_pct",
                )
            ]
    elif (
        obj.baseline.value is not None
        and obj.target.value is not None
        and (obj.target.value - obj.baseline.value) * sign <= 0
    ):
        return [
            Problem(
                label,
                f"target {_num(obj.target.value)} does not improve on baseline "
                f"{_num(obj.baseline.value)} for a {kpi.direction} KPI",
                key=f"{key}.target.value",
            )
        ]
    return []


def _check_change(label: str, key: str, change: str | None, change_ids: set[str]) -> list[Problem]:
    if change is None or change in change_ids:
        return []
    return [
        Problem(
            label,
            f"unknown change id {change!r}",
            key=f"{key}.change",
            hint="add it to scope_changes.csv or correct the id",
        )
    ]


def _duplicates(values: Iterable[str]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    found = []
    for i, value in enumerate(values):
        if value in seen:
            found.append((i, value))
        seen.add(value)
    return found


def _known(what: str, names: Iterable[str]) -> str:
    return f"known {what}: {', '.join(sorted(names))}"


def _num(value: float) -> str:
    return f"{value:g}"
