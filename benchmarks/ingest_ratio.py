"""Ingestion benchmark (issue 2): one 1,000,000-row observation CSV, ours against pyarrow.

``python -m benchmarks.ingest_ratio [--rows 1000000] [--repeat 2]`` writes one
comma-separated UTF-8 observation file (daily rows of the synthetic partners and KPIs of
:mod:`benchmarks.compute_ratio`; numerator and denominator for ratio-like KPIs, value
for the others) to a temporary folder, then times:

* ingestion as :func:`partner_review.ingest.load_sources` does it for one file: the
  file's sha256 and raw rows (:func:`partner_review.ingest.hashed_read_table`),
  :func:`transforms.observations.build_observations` (checks and the duplicate rule)
  and the Observations schema (in place, as load_sources validates it);
* a bare ``pandas.read_csv(path, engine="pyarrow")`` of the same file;

and prints both and their ratio against the ≤ 3× target. Each side's time is the
best of ``--repeat`` runs, the two sides run in turn (bare, ours, bare, ours, ...) so
that both meet the same load on a shared machine; the CPU seconds (all threads) of each
side's best run are printed beside it, as load moves wall time far more than CPU time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.compute_ratio import synthetic_catalog, synthetic_kpis, timed
from benchmarks.synth import SEED
from benchmarks.synth_config import Partners
from partner_review.ingest import hashed_read_table
from transforms import schemas
from transforms.model import Catalog
from transforms.observations import OBSERVATION_REQUIRED, build_observations

TARGET = 3.0
RATIO_LIKE = ("ratio", "nps", "top2box")


def write_observation_csv(path: Path, catalog: Catalog, rows: int, seed: int = SEED) -> None:
    """``rows`` daily rows with distinct keys: partner × KPI × day from 2024-01-01."""
    rng = np.random.default_rng(seed)
    partners = catalog.partners["partner_id"].to_numpy()
    kpis = catalog.kpis
    pairs = len(partners) * len(kpis)
    index = np.arange(rows)
    pair, day = index % pairs, index // pairs
    kpi = pair % len(kpis)
    ratio = kpis["aggregation"].isin(RATIO_LIKE).to_numpy()[kpi]
    denominator = rng.integers(20, 400, size=rows)
    numerator = rng.binomial(denominator, 0.8)
    value = np.round(rng.gamma(4.0, 60.0, size=rows), 2)
    frame = pd.DataFrame(
        {
            "partner_id": partners[pair // len(kpis)],
            "kpi_id": kpis["kpi_id"].to_numpy()[kpi],
            "period_start": (pd.Timestamp("2024-01-01") + pd.to_timedelta(day, "D")).strftime(
                "%Y-%m-%d"
            ),
            "numerator": np.where(ratio, numerator.astype(str), ""),
            "denominator": np.where(ratio, denominator.astype(str), ""),
            "value": np.where(ratio, "", value.astype(str)),
        }
    )
    frame.to_csv(path, index=False)


def ingest(path: Path, catalog: Catalog) -> pd.DataFrame:
    """One observation file ingested the way load_sources does: the Observations kept."""
    _, table = hashed_read_table(path, f"observations/{path.name}", OBSERVATION_REQUIRED, 1e9)
    if isinstance(table, Exception):
        raise table
    result = build_observations([table], catalog.kpis, catalog.partners)
    if len(result.rejected):
        raise RuntimeError(f"{len(result.rejected)} rows rejected: the benchmark file is wrong")
    return schemas.Observations.validate(result.observations, lazy=True, inplace=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    kpis = synthetic_kpis()
    catalog = synthetic_catalog(kpis, Partners.draw(np.random.default_rng(SEED), args.partners))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "observations.csv"
        write_observation_csv(path, catalog, args.rows)
        size_mb = path.stat().st_size / 1e6
        kept: list[pd.DataFrame] = []
        runs: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
        for _ in range(args.repeat):
            runs[0].append(timed(lambda: pd.read_csv(path, engine="pyarrow")))
            runs[1].append(timed(lambda: kept.append(ingest(path, catalog))))
            del kept[:-1]  # the previous result is freed outside the timed run
        (bare, bare_cpu), (ours, ours_cpu) = min(runs[0]), min(runs[1])
    ratio = ours / bare
    print(f"{args.rows:,} observation rows, {size_mb:.1f} MB CSV; {len(kept[-1]):,} rows kept")
    print(
        f"bare pandas.read_csv(engine='pyarrow'): {bare:.3f} s (best of {args.repeat}; "
        f"CPU {bare_cpu:.3f} s)"
    )
    print(
        f"ingestion (readers + transforms):      {ours:.3f} s (best of {args.repeat}; "
        f"CPU {ours_cpu:.3f} s)"
    )
    verdict = "within" if ratio <= TARGET else "ABOVE"
    print(f"ratio: {ratio:.1f}× ({verdict} the ≤ {TARGET:g}× target)")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
