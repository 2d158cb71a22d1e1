"""Deterministic synthetic inputs folders at three sizes, for the benchmarks.

``generate_inputs("M", folder)`` writes a complete inputs folder (SPEC §1):
config.yaml, partners/<id>.yaml, observations (daily rows as Parquet, one file
per year; monthly rows as CSV, one file per year, one partner's last year as a
French semicolon / decimal-comma export, and a late corrections file that
supersedes a few rows and carries a few bad ones), survey answers, and
scope_changes.csv, actions.csv, comments.csv. The same size and seed always
give the same bytes (numpy ``Generator`` with a fixed seed).

Sizes (observation rows, survey answers aside):

* S: 3 partners, 8 KPIs (2 daily), 24 months: about the bundled demo.
* M: 100 partners, 20 KPIs (5 daily), 36 months: about 600,000 rows.
* L: 1,000 partners, same KPIs and months: about 6 million rows.

Every partner's values follow one model: a goodness score per partner, KPI and
month (partner quality + a KPI-specific offset + a mean-reverting monthly walk)
placed on the KPI's level and spread, plus day-to-day noise and, for ratios,
binomial noise on the daily volume. Choice where the brief is silent: every
stakeholder reads English, so a run makes one report per partner (the issue's
"100 partner PDFs"), as the demo's French reader would double the renders.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.kpi_library import KpiSpec, pick_kpis
from benchmarks.synth_config import Partners, write_configuration

SEED = 20261128
END_MONTH = pd.Period("2026-09", freq="M")
QUARTER = "2026-Q3"
AS_OF = date(2026, 9, 30)
SUMMARY_FILE = ".synth.json"
GENERATOR_VERSION = 2  # bump when the same seed would write different files


@dataclass(frozen=True)
class SizeSpec:
    """How big a synthetic inputs folder is."""

    name: str
    partners: int
    kpis: int
    daily_kpis: int
    months: int
    survey_months: int  # the last months whose csat comes as raw survey answers
    answers_per_month: float  # mean survey answers per partner and month


SIZES: dict[str, SizeSpec] = {
    "S": SizeSpec("S", 3, 8, 2, 24, 6, 60),
    "M": SizeSpec("M", 100, 20, 5, 36, 12, 60),
    "L": SizeSpec("L", 1000, 20, 5, 36, 12, 60),
}


@dataclass
class SynthSummary:
    """What a generated folder holds, and the periods a benchmark should run."""

    size: str
    seed: int
    version: int
    partners: int
    kpis: int
    months: int
    observation_rows: int = 0
    survey_rows: int = 0
    files: list[str] = field(default_factory=list)
    quarter: str = QUARTER
    as_of: str = AS_OF.isoformat()


def generate_inputs(size: str | SizeSpec, target: Path, seed: int = SEED) -> SynthSummary:
    """Write a complete inputs folder of ``size`` into ``target`` (created; must be empty)."""
    spec = SIZES[size] if isinstance(size, str) else size
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    rng = np.random.default_rng(seed)
    kpis = pick_kpis(spec.kpis, spec.daily_kpis)
    months = pd.period_range(end=END_MONTH, periods=spec.months, freq="M")
    partners = Partners.draw(rng, spec.partners)
    goodness = monthly_goodness(rng, spec.partners, len(kpis), len(months))
    summary = SynthSummary(
        spec.name, seed, GENERATOR_VERSION, spec.partners, len(kpis), len(months)
    )
    (target / "observations").mkdir()
    (target / "surveys").mkdir()
    for k, kpi in enumerate(kpis):
        if kpi.daily:
            _add_files(summary, target, _write_daily(rng, target, kpi, partners, goodness[:, k]))
    monthly = _monthly_rows(rng, kpis, partners, goodness, months, spec.survey_months)
    _add_files(summary, target, _write_monthly(target, monthly, partners.ids[0]))
    _add_files(summary, target, [_write_corrections(rng, target, monthly)])
    summary.observation_rows += len(monthly)
    if any(k.id == "csat" for k in kpis):
        csat = kpis.index(next(k for k in kpis if k.id == "csat"))
        answers = _survey_answers(rng, kpis[csat], partners, goodness[:, csat], months, spec)
        answers.to_csv(target / "surveys" / "csat_answers.csv", index=False)
        summary.files.append("surveys/csat_answers.csv")
        summary.survey_rows = len(answers)
    values = _monthly_values(kpis, goodness, months)
    summary.files += write_configuration(target, kpis, partners, months, values, AS_OF)
    (target / SUMMARY_FILE).write_text(json.dumps(asdict(summary), indent=2))
    return summary


def monthly_goodness(rng: np.random.Generator, partners: int, kpis: int, months: int) -> np.ndarray:
    """Goodness per partner, KPI and month (shape P × K × M), in spreads; higher is better."""
    quality = rng.normal(size=(partners, 1, 1))
    offset = rng.normal(size=(partners, kpis, 1))
    walk = np.empty((partners, kpis, months))
    walk[:, :, 0] = rng.normal(scale=0.75, size=(partners, kpis))
    for m in range(1, months):
        walk[:, :, m] = 0.8 * walk[:, :, m - 1] + rng.normal(scale=0.45, size=(partners, kpis))
    result: np.ndarray = 0.6 * quality + 0.6 * offset + walk
    return result


def kpi_value(kpi: KpiSpec, goodness: np.ndarray) -> np.ndarray:
    """The KPI's value (a rate for percent ratios) for a goodness score."""
    sign = 1.0 if kpi.higher_is_better else -1.0
    value = kpi.level + sign * kpi.spread * goodness
    if _is_rate(kpi):
        return np.clip(value, 0.002, 0.998)
    if kpi.aggregation == "nps":
        return np.clip(value, -95.0, 95.0)
    return np.maximum(value, 0.05 * kpi.level)


def _is_rate(kpi: KpiSpec) -> bool:
    """A percent KPI counted as numerator out of denominator (values drawn as rates)."""
    return kpi.aggregation == "top2box" or (kpi.aggregation == "ratio" and kpi.scale == 100)


def _monthly_values(
    kpis: tuple[KpiSpec, ...], goodness: np.ndarray, months: pd.PeriodIndex
) -> dict:
    """Each partner's typical value per KPI and month label (for objectives' baselines)."""
    out = {}
    for k, kpi in enumerate(kpis):
        scale = 100.0 if _is_rate(kpi) else 1.0
        values = kpi_value(kpi, goodness[:, k]) * scale
        out[kpi.id] = {label: values[:, m] for m, label in enumerate(months.strftime("%Y-%m"))}
    return out


def _write_daily(
    rng: np.random.Generator, target: Path, kpi: KpiSpec, partners: Partners, goodness: np.ndarray
) -> list[str]:
    """One Parquet file per calendar year: one row per partner and day."""
    months = goodness.shape[1]
    first = (END_MONTH - (months - 1)).start_time
    days = pd.date_range(first, END_MONTH.end_time.normalize(), freq="D")
    month_index = (days.year - first.year) * 12 + days.month - first.month
    weekday = np.where(days.day_of_week >= 5, 0.4, 1.0)
    noise = rng.normal(scale=0.35, size=(len(partners.ids), len(days)))
    rate = kpi_value(kpi, goodness[:, month_index] + noise)
    expected_volume = (kpi.volume or kpi.level) * partners.volume[:, None] * weekday[None, :]
    volume = rng.poisson(expected_volume) + 1
    numerator, denominator, value = _daily_measures(rng, kpi, rate, volume)
    written = []
    for year in np.unique(days.year):
        in_year = np.asarray(days.year == year)
        n_days = int(in_year.sum())
        table = pa.table(
            {
                "partner_id": pa.DictionaryArray.from_arrays(
                    np.repeat(np.arange(len(partners.ids), dtype=np.int32), n_days),
                    pa.array(partners.ids),
                ),
                "kpi_id": pa.array([kpi.id] * (len(partners.ids) * n_days)).dictionary_encode(),
                "period_start": pa.array(
                    np.tile(days[in_year].values.astype("datetime64[D]"), len(partners.ids))
                ),
                "numerator": _column(numerator, in_year),
                "denominator": _column(denominator, in_year),
                "value": _column(value, in_year),
            }
        )
        name = f"observations/daily_{kpi.id}_{year}.parquet"
        pq.write_table(table, target / name, compression="zstd")
        written.append(name)
    return written


def _column(values: np.ndarray, in_year: np.ndarray) -> pa.Array:
    return pa.array(values[:, in_year].ravel().astype("float64"))


def _daily_measures(
    rng: np.random.Generator, kpi: KpiSpec, rate: np.ndarray, volume: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """numerator, denominator, value of daily rows (NaN where the KPI has no such column)."""
    nan = np.full(rate.shape, np.nan)
    if kpi.aggregation != "ratio":
        return nan, nan, volume.astype("float64")
    if _is_rate(kpi):
        return rng.binomial(volume, rate).astype("float64"), volume.astype("float64"), nan
    return np.round(rate * volume, 2), volume.astype("float64"), nan


def _monthly_rows(
    rng: np.random.Generator,
    kpis: tuple[KpiSpec, ...],
    partners: Partners,
    goodness: np.ndarray,
    months: pd.PeriodIndex,
    survey_months: int,
) -> pd.DataFrame:
    """One row per partner, monthly KPI and month (csat only before its survey months)."""
    labels = np.asarray(months.strftime("%Y-%m"))
    frames = []
    for k, kpi in enumerate(kpis):
        if kpi.daily:
            continue
        span = len(labels) - survey_months if kpi.id == "csat" else len(labels)
        value = kpi_value(kpi, goodness[:, k, :span])
        volume = rng.poisson((kpi.volume or 1.0) * partners.volume[:, None], size=value.shape) + 1
        numerator, denominator, plain = _monthly_measures(rng, kpi, value, volume)
        frames.append(
            pd.DataFrame(
                {
                    "partner_id": np.repeat(partners.ids, span),
                    "kpi_id": kpi.id,
                    "period": np.tile(labels[:span], len(partners.ids)),
                    "numerator": numerator.ravel(),
                    "denominator": denominator.ravel(),
                    "value": plain.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _monthly_measures(
    rng: np.random.Generator, kpi: KpiSpec, value: np.ndarray, volume: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nan = np.full(value.shape, np.nan)
    answers = volume.astype("float64")
    if kpi.aggregation == "nps":
        promoters = rng.binomial(volume, np.clip(0.45 + value / 200, 0.0, 1.0))
        p_detractor = np.clip((0.45 - value / 200) / (1 - (0.45 + value / 200)), 0.0, 1.0)
        detractors = rng.binomial(volume - promoters, p_detractor)
        return (promoters - detractors).astype("float64"), answers, nan
    if _is_rate(kpi):
        return rng.binomial(volume, value).astype("float64"), answers, nan
    if kpi.aggregation == "ratio":
        return np.round(value * volume, 2), answers, nan
    if kpi.unit == "count":
        return nan, nan, np.round(value).astype("float64")
    return nan, nan, np.round(value, 3)


def _write_monthly(target: Path, rows: pd.DataFrame, french_partner: str) -> list[str]:
    """One CSV per year; the first partner's last year as a French spreadsheet export."""
    year = rows["period"].str.slice(0, 4)
    french = (rows["partner_id"] == french_partner) & (year == year.max())
    written = []
    for label, part in rows[~french].groupby(year[~french], sort=True):
        name = f"observations/monthly_{label}.csv"
        part.to_csv(target / name, index=False)
        written.append(name)
    name = f"observations/{french_partner}_{year.max()}_export.csv"
    rows[french].to_csv(target / name, index=False, sep=";", decimal=",")
    return [*written, name]


def _write_corrections(rng: np.random.Generator, target: Path, rows: pd.DataFrame) -> str:
    """A later delivery: restated rows (they supersede), repeated rows and three bad rows."""
    last_year = rows[rows["period"].str.startswith(str(END_MONTH.year))]
    picked = last_year.iloc[
        rng.choice(len(last_year), size=max(6, len(last_year) // 400), replace=False)
    ]
    restated = picked.iloc[: len(picked) // 2].copy()
    restated["numerator"] = restated["numerator"] + 1
    restated["value"] = np.round(restated["value"] * 1.01 + 1, 2)
    repeated = picked.iloc[len(picked) // 2 :]
    bad = pd.DataFrame(
        {
            "partner_id": [
                rows["partner_id"].iloc[0],
                "UNKNOWN-PARTNER",
                rows["partner_id"].iloc[0],
            ],
            "kpi_id": ["not_a_kpi", rows["kpi_id"].iloc[0], "backlog"],
            "period": [last_year["period"].iloc[0], last_year["period"].iloc[0], "2026-13"],
            "numerator": [np.nan, 10.0, np.nan],
            "denominator": [np.nan, 20.0, np.nan],
            "value": [1.0, np.nan, 300.0],
        }
    )
    name = "observations/zz_corrections_v2.csv"
    pd.concat([restated, repeated, bad], ignore_index=True).to_csv(target / name, index=False)
    return name


def _survey_answers(
    rng: np.random.Generator,
    kpi: KpiSpec,
    partners: Partners,
    goodness: np.ndarray,
    months: pd.PeriodIndex,
    spec: SizeSpec,
) -> pd.DataFrame:
    """One row per answer (scores 1-5) for the last survey months."""
    recent = months[-spec.survey_months :]
    top2 = kpi_value(kpi, goodness[:, -spec.survey_months :])
    counts = rng.poisson(spec.answers_per_month * np.sqrt(partners.volume)[:, None], top2.shape)
    cells = np.repeat(np.arange(top2.size), counts.ravel())
    top = rng.random(len(cells)) < top2.ravel()[cells]
    score = np.where(top, 4 + (rng.random(len(cells)) < 0.55), 1 + rng.integers(0, 3, len(cells)))
    month_of_cell = cells % len(recent)
    first_days = np.asarray(recent.start_time.values.astype("datetime64[D]"))
    lengths = np.asarray(recent.days_in_month)
    offsets = np.floor(rng.random(len(cells)) * lengths[month_of_cell]).astype("int64")
    days = first_days[month_of_cell] + offsets.astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "partner_id": np.asarray(partners.ids)[cells // len(recent)],
            "kpi_id": kpi.id,
            "response_date": pd.to_datetime(days).strftime("%Y-%m-%d"),
            "score": score.astype("int64"),
        }
    )


def _add_files(summary: SynthSummary, target: Path, names: list[str]) -> None:
    for name in names:
        summary.files.append(name)
        if name.endswith(".parquet"):
            summary.observation_rows += pq.ParquetFile(target / name).metadata.num_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic inputs folder.")
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    summary = generate_inputs(args.size, args.out, args.seed)
    print(json.dumps(asdict(summary) | {"files": len(summary.files)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
