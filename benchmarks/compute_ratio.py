"""Compute benchmark (issue 3): build_review against a bare pandas groupby-sum.

``python -m benchmarks.compute_ratio [--partners 1000] [--repeat 2]`` generates one
monthly row per partner, KPI and month (1,000 partners × 20 KPIs × 36 months =
720,000 rows, values from the synthetic generator in :mod:`benchmarks.synth`) as an
Observations frame in memory, with a catalog of the same partners and KPIs (every
KPI's service level for every partner, one objective per partner). It times
:func:`transforms.review.build_review` for the 2026-Q3 quarterly run against
``frame.groupby([partner_id, kpi_id, month])[[numerator, denominator, value]].sum()``
over the same frame, and prints both and their ratio against the ≤ 3× target.

Choices where the issue is silent: each side's time is the best of ``--repeat`` runs
(the machine is shared; the best run is the least disturbed), and each side's CPU time
(best of the same runs) is printed too, with its ratio; the review's time does not
include building the frames (ingestion is :mod:`benchmarks.ingest_ratio`'s concern);
every KPI is delivered monthly, daily KPIs included, so the frame has exactly
partners × KPIs × months rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from benchmarks.kpi_library import KpiSpec, pick_kpis
from benchmarks.synth import END_MONTH, QUARTER, SEED, _monthly_rows, monthly_goodness
from benchmarks.synth_config import Partners
from transforms import schemas
from transforms.model import Catalog, ReviewModel, SourceData
from transforms.periods import parse_quarter, quarterly_run
from transforms.review import build_review

TARGET = 3.0
GROUP = ["partner_id", "kpi_id", "month"]
CONTRACT_START = pd.Timestamp("2024-01-01")


def synthetic_kpis(count: int = 20) -> tuple[KpiSpec, ...]:
    """The benchmark's KPIs, every one delivered as monthly rows."""
    return tuple(dataclasses.replace(k, daily=False) for k in pick_kpis(count, 5))


def synthetic_catalog(kpis: tuple[KpiSpec, ...], partners: Partners) -> Catalog:
    """The catalog of ``partners`` and ``kpis``: service levels and one objective each."""
    kpi_frame = pd.DataFrame(
        {
            "kpi_id": [k.id for k in kpis],
            "name": [k.en for k in kpis],
            "unit": [k.unit for k in kpis],
            "direction": [k.direction for k in kpis],
            "aggregation": [k.aggregation for k in kpis],
            "scale": [100.0 if k.aggregation in ("nps", "top2box") else k.scale for k in kpis],
            "decimals": [k.decimals for k in kpis],
            "min_denominator": [k.min_denominator for k in kpis],
        }
    )
    ids = partners.ids
    partner_frame = pd.DataFrame(
        {
            "partner_id": ids,
            "name": [f"Partner {pid}" for pid in ids],
            "currency": "EUR",
            "monthly_fee": partners.fee.astype(float),
            "contract_start": CONTRACT_START,
            "contract_end": pd.Timestamp("2027-12-31"),
            "credit_cap_pct": 12.0,
            "earnback_months": 3,
            "chronic_breaches": pd.array([3] * len(ids), dtype="Int64"),
            "chronic_window_months": pd.array([6] * len(ids), dtype="Int64"),
        }
    )
    levels = pd.DataFrame(
        [
            (pid, k.id, *k.service_level, CONTRACT_START, None)
            for pid in ids
            for k in kpis
            if k.service_level is not None
        ],
        columns=list(schemas.ServiceLevelCatalog.to_schema().columns),
    )
    return Catalog(
        kpis=schemas.KpiCatalog.validate(kpi_frame),
        partners=schemas.PartnerCatalog.validate(partner_frame),
        service_levels=schemas.ServiceLevelCatalog.validate(levels),
        objectives=schemas.ObjectiveCatalog.validate(_objectives(kpis[-1], ids)),
    )


def _objectives(kpi: KpiSpec, ids: list[str]) -> pd.DataFrame:
    """One objective per partner: improve ``kpi`` by 5% on its 2026-01 value by year end."""
    return pd.DataFrame(
        {
            "objective_id": [f"OBJ-{pid}" for pid in ids],
            "partner_id": ids,
            "kpi_id": kpi.id,
            "title": f"Improve {kpi.en} by 5%",
            "baseline_value": None,
            "baseline_period": "2026-01",
            "target_value": None,
            "target_change_pct": 5.0 if kpi.higher_is_better else -5.0,
            "start": pd.Timestamp("2026-01-01"),
            "deadline": pd.Timestamp("2026-12-31"),
            "tolerance_pct": 10.0,
            "owner": "Vendor manager",
            "change": None,
        }
    )


def synthetic_observations(
    kpis: tuple[KpiSpec, ...], partners: Partners, months: int, rng: np.random.Generator
) -> pd.DataFrame:
    """One Observations row per partner, KPI and month, each covering its whole month."""
    periods = pd.period_range(end=END_MONTH, periods=months, freq="M")
    goodness = monthly_goodness(rng, len(partners.ids), len(kpis), months)
    rows = _monthly_rows(rng, kpis, partners, goodness, periods, survey_months=0)
    month = pd.PeriodIndex(rows["period"], freq="M")
    frame = pd.DataFrame(
        {
            "partner_id": rows["partner_id"],
            "kpi_id": rows["kpi_id"],
            "period_start": month.start_time.normalize(),
            "period_end": month.end_time.normalize(),
            "month": rows["period"],
            "numerator": rows["numerator"],
            "denominator": rows["denominator"],
            "value": rows["value"],
            "source": pd.Series(None, index=rows.index, dtype=object),
            "note": pd.Series(None, index=rows.index, dtype=object),
            "file": "observations/monthly.csv",
            "line": np.arange(2, len(rows) + 2, dtype="int64"),
            "origin": "observation",
        }
    )
    return schemas.Observations.validate(frame)


def empty_source(observations: pd.DataFrame) -> SourceData:
    """SourceData with ``observations`` and nothing else."""

    def empty(model: type[schemas._Base]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in model.to_schema().columns})

    rejected = empty(schemas.RejectedCsv).astype({"line": "Int64"})
    return SourceData(
        observations=observations,
        superseded=empty(schemas.Superseded),
        rejected=rejected,
        files=empty(schemas.InputFiles),
        scope_changes=empty(schemas.ScopeChanges),
        actions=empty(schemas.Actions),
        comments=empty(schemas.Comments),
    )


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of every thread of the process) of one run of ``work``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def best_times(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The fastest of ``repeat`` runs of ``work``: wall seconds and CPU seconds (this
    process, ``time.process_time``; less disturbed by other work on the machine)."""
    walls, cpus = zip(*(timed(work) for _ in range(repeat)), strict=True)
    return min(walls), min(cpus)


def bare_groupby_sum(observations: pd.DataFrame) -> pd.DataFrame:
    """The floor: Σnumerator, Σdenominator and Σvalue per partner, KPI and month."""
    return observations.groupby(GROUP, sort=True)[["numerator", "denominator", "value"]].sum()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(SEED)
    kpis = synthetic_kpis()
    partners = Partners.draw(rng, args.partners)
    catalog = synthetic_catalog(kpis, partners)
    observations = synthetic_observations(kpis, partners, args.months, rng)
    source = empty_source(observations)
    run = quarterly_run(parse_quarter(QUARTER, 1))
    model: list[ReviewModel] = []
    bare, bare_cpu = best_times(lambda: bare_groupby_sum(observations), args.repeat)
    review, review_cpu = best_times(
        lambda: model.append(build_review(catalog, source, run)), args.repeat
    )
    ratio = review / bare
    print(
        f"{len(partners.ids):,} partners × {len(kpis)} KPIs × {args.months} months: "
        f"{len(observations):,} monthly rows"
    )
    print(
        f"review model: {len(model[-1].scorecard):,} scorecard rows, "
        f"{len(model[-1].credits):,} credits, {len(model[-1].deviations):,} deviations"
    )
    print(f"bare groupby-sum: {bare:.3f} s (best of {args.repeat}; CPU {bare_cpu:.3f} s)")
    print(f"build_review:     {review:.3f} s (best of {args.repeat}; CPU {review_cpu:.3f} s)")
    verdict = "within" if ratio <= TARGET else "ABOVE"
    print(f"ratio: {ratio:.1f}× ({verdict} the ≤ {TARGET:g}× target)")
    print(f"CPU ratio: {review_cpu / bare_cpu:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
