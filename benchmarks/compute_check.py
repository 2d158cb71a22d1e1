"""Exactness check for engine work: every frame of several review models, saved and compared.

``python -m benchmarks.compute_check save DIR`` builds the review models of the compute
benchmark's frames at 200 partners (2026-Q3, nightly as of 2026-09-20 and 2026-10-02) and
of the demo ``inputs/`` folder (nightly as of 2026-11-16, 2026-Q3) and pickles every frame;
``check DIR`` builds them again with the current code and compares each frame with
``pandas.testing.assert_frame_equal(check_exact=True)``; ``--category`` hands the
observations' key columns over as ``category``. Run ``save`` on the unchanged code first.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import compute_ratio
from benchmarks.synth import QUARTER, SEED
from benchmarks.synth_config import Partners
from transforms.model import ReviewModel, SourceData
from transforms.periods import nightly_run, parse_quarter, quarterly_run
from transforms.review import build_review

KEYS = ["partner_id", "kpi_id", "file", "origin", "month"]


def _recoded(source: SourceData, category: bool) -> SourceData:
    if not category:
        return source
    observations = source.observations.astype(dict.fromkeys(KEYS, "category"))
    return dataclasses.replace(source, observations=observations)


def models(category: bool) -> dict[str, ReviewModel]:
    """The review models compared, by name."""
    rng = np.random.default_rng(SEED)
    kpis = compute_ratio.synthetic_kpis()
    partners = Partners.draw(rng, 200)
    catalog = compute_ratio.synthetic_catalog(kpis, partners)
    observations = compute_ratio.synthetic_observations(kpis, partners, 36, rng)
    source = _recoded(compute_ratio.empty_source(observations), category)
    runs = {
        "bench_q": quarterly_run(parse_quarter(QUARTER, 1)),
        "bench_n1": nightly_run(date(2026, 9, 20)),
        "bench_n2": nightly_run(date(2026, 10, 2)),
    }
    out = {name: build_review(catalog, source, run) for name, run in runs.items()}
    from flows.review import plan_nightly, plan_quarterly
    from partner_review.catalog import build_catalog
    from partner_review.environment import apply_defaults
    from partner_review.ingest import load_sources
    from partner_review.settings import load_settings

    apply_defaults()
    settings = load_settings(Path("inputs"))
    demo = _recoded(load_sources(settings), category)
    demo_catalog = build_catalog(settings)
    out["demo_n"] = build_review(demo_catalog, demo, plan_nightly(settings, date(2026, 11, 16)))
    out["demo_q"] = build_review(demo_catalog, demo, plan_quarterly(settings, "2026-Q3"))
    return out


def frames(model: ReviewModel) -> dict[str, pd.DataFrame]:
    """Every frame of ``model`` (extras included), by field name."""
    found = {}
    for field in dataclasses.fields(model):
        value = getattr(model, field.name)
        if isinstance(value, pd.DataFrame):
            found[field.name] = value
    found |= {f"extras.{name}": frame for name, frame in model.extras.items()}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["save", "check"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--category", action="store_true")
    args = parser.parse_args(argv)
    built = models(args.category)
    if args.mode == "save":
        args.folder.mkdir(parents=True, exist_ok=True)
        for name, model in built.items():
            (args.folder / f"{name}.pkl").write_bytes(pickle.dumps(frames(model)))
        print(f"saved {len(built)} models in {args.folder}")
        return 0
    differences = 0
    for name, model in built.items():
        saved = pickle.loads((args.folder / f"{name}.pkl").read_bytes())
        got = frames(model)
        for frame in sorted(set(saved) | set(got)):
            try:
                pd.testing.assert_frame_equal(got[frame], saved[frame], check_exact=True)
            except (AssertionError, KeyError) as error:
                differences += 1
                print(f"{name}.{frame} differs: {str(error)[:600]}")
    print("same frames, exact" if not differences else f"{differences} frames differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
