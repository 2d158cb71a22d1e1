"""Rerun fixed costs (issue 7): report fingerprints and configuration YAML, before and after.

``python -m benchmarks.rerun_ratio [--size M] [--repeat 2]`` generates the synthetic
inputs of ``--size`` (under ``outputs/bench/inputs-<size>``, reused when present) and, in
one process, times:

* the fingerprints of every partner's report as plan_jobs computed them before issue 7
  (each partner's share cut with model_for_partner, every frame converted to text and
  hashed; the function is kept below for this comparison) against
  :func:`transforms.slicing.partner_fingerprints` (each frame hashed once with its own
  dtypes, shares found by one grouping per frame); it checks that the new values equal
  fingerprint_model of each share;
* every configuration YAML file of the inputs parsed by the strict pure-Python loader
  against the loader load_settings now uses (libyaml when the text is plain), checking
  both give the same data.

Each side's time is the best of ``--repeat`` runs (the machine is shared).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from benchmarks.synth import generate_inputs
from partner_review.catalog import build_catalog
from partner_review.ingest import load_sources
from partner_review.settings import load_settings
from partner_review.yamlfile import _load, _StrictLoader
from transforms.model import ReviewModel
from transforms.periods import nightly_run
from transforms.review import build_review
from transforms.slicing import (
    fingerprint_model,
    model_for_partner,
    partner_fingerprints,
    without_observations,
)

AS_OF = "2026-09-30"


def legacy_fingerprint(model: ReviewModel, *extra: str) -> str:
    """fingerprint_model as it was before issue 7 (every frame as text, then hashed)."""
    digest = hashlib.sha256()
    digest.update(repr((model.run.kind, model.run.label, *extra)).encode())
    frames = [getattr(model, f.name) for f in fields(model)]
    frames += [getattr(model.source, f.name) for f in fields(model.source)]
    frames += list(model.extras.values())
    for frame in frames:
        if isinstance(frame, pd.DataFrame):
            digest.update("|".join(map(str, frame.columns)).encode())
            hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
            digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest wall time of ``repeat`` calls, and the last call's value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - start)
    return best, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    inputs = Path("outputs/bench") / f"inputs-{args.size}"
    if not (inputs / "config.yaml").is_file():
        generate_inputs(args.size, inputs)
    settings = load_settings(inputs)
    run = nightly_run(pd.Timestamp(AS_OF).date())
    model = without_observations(build_review(build_catalog(settings), load_sources(settings), run))
    extra = {pid: ("code", pid) for pid in settings.partners}

    def _legacy() -> dict[str, str]:
        return {
            pid: legacy_fingerprint(model_for_partner(model, pid), *s) for pid, s in extra.items()
        }

    old, _ = best_of(args.repeat, _legacy)
    new, values = best_of(args.repeat, lambda: partner_fingerprints(model, extra))
    check = {pid: fingerprint_model(model_for_partner(model, pid), *s) for pid, s in extra.items()}
    assert values == check, "partner_fingerprints differs from fingerprint_model of the shares"
    print(f"fingerprints of {len(extra)} partners' reports ({args.size}):")
    print(f"  before (slice + text hash per partner) {old:8.2f} s")
    print(f"  after  (partner_fingerprints)          {new:8.2f} s   ratio {new / old:.3f}")

    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(inputs.rglob("*.yaml"))]
    old, strict = best_of(args.repeat, lambda: [yaml.load(t, Loader=_StrictLoader) for t in texts])
    new, fast = best_of(args.repeat, lambda: [_load(t) for t in texts])
    assert fast == strict, "the libyaml path read different data"
    print(f"configuration YAML, {len(texts)} files:")
    print(f"  before (pure-Python strict loader)     {old:8.2f} s")
    print(f"  after  (libyaml when plain)            {new:8.2f} s   ratio {new / old:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
