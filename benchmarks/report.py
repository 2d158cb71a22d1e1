"""The benchmark's figures as a table, and each target as a ratio with PASS or FAIL.

Every target is a ratio of two figures measured in the same benchmark run
(issue "Speed and scale"), never an absolute time:

* floor: M quarterly wall / render floor wall ≤ 1.25
* nightly rerun: rerun wall / first wall ≤ 0.15, and 0 reports rendered again
* html share: per report, html_seconds / pdf_seconds ≤ 0.25 (charts + templates vs PDF)
* L memory: peak RSS of compute only ≤ 2 GiB
* L growth: (L compute wall / M compute wall) / (L rows / M rows) ≤ 1.2 (12× for 10× rows)
* Prefect overhead: (wall through Prefect − wall direct) / wall direct < 10%
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmarks.measure import GIB, MIB, StageFigures


@dataclass(frozen=True)
class Target:
    """One target: what is compared, the measured ratio, its limit and whether it holds."""

    name: str
    ratio: float | None
    limit: float
    detail: str
    strict: bool = False  # "<" rather than "≤"
    extra_ok: bool = True  # a second condition (e.g. zero renders)

    @property
    def passed(self) -> bool | None:
        if self.ratio is None:
            return None
        within = self.ratio < self.limit if self.strict else self.ratio <= self.limit
        return within and self.extra_ok

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ratio": self.ratio,
            "limit": self.limit,
            "detail": self.detail,
            "passed": self.passed,
        }


def floor_target(pipeline_wall: float, floor_wall: float) -> Target:
    ratio = pipeline_wall / floor_wall if floor_wall > 0 else None
    return Target(
        "quarterly wall / render floor",
        ratio,
        1.25,
        f"pipeline {pipeline_wall:.1f} s, floor {floor_wall:.1f} s",
    )


def rerun_target(first_wall: float, rerun_wall: float, rerendered: int) -> Target:
    return Target(
        "nightly rerun wall / first wall (0 renders)",
        rerun_wall / first_wall if first_wall > 0 else None,
        0.15,
        f"first {first_wall:.1f} s, rerun {rerun_wall:.1f} s, {rerendered} rendered again",
        extra_ok=rerendered == 0,
    )


def html_share_target(reports: list[dict[str, Any]]) -> Target:
    """The worst report's (charts + templates) / PDF seconds; median in the detail."""
    shares = sorted(
        r["html_seconds"] / r["pdf_seconds"]
        for r in reports
        if not r.get("reused") and not r.get("error") and r.get("pdf_seconds", 0) > 0
    )
    if not shares:
        return Target("charts+templates / PDF, worst report", None, 0.25, "no rendered report")
    median = shares[len(shares) // 2]
    return Target(
        "charts+templates / PDF, worst report",
        shares[-1],
        0.25,
        f"{len(shares)} reports, median {median:.2f}, {sum(s > 0.25 for s in shares)} above 0.25",
    )


def memory_target(peak_rss: int) -> Target:
    return Target(
        "L compute peak memory / 2 GiB", peak_rss / (2 * GIB), 1.0, f"peak {peak_rss / MIB:.0f} MiB"
    )


def growth_target(m_wall: float, l_wall: float, m_rows: int, l_rows: int) -> Target:
    time_ratio = l_wall / m_wall if m_wall > 0 else 0.0
    rows_ratio = l_rows / m_rows if m_rows > 0 else 0.0
    ratio = time_ratio / rows_ratio if rows_ratio > 0 else None
    return Target(
        "L/M compute time per row growth",
        ratio,
        1.2,
        f"time ×{time_ratio:.1f} for rows ×{rows_ratio:.1f} ({m_wall:.1f} s → {l_wall:.1f} s)",
    )


def prefect_target(prefect_walls: list[float], direct_walls: list[float]) -> Target:
    """Through Prefect against direct: the sums of the runs' walls (each run's wall listed)."""
    through, direct = sum(prefect_walls), sum(direct_walls)
    ratio = (through - direct) / direct if direct > 0 else None
    return Target(
        "Prefect overhead (through Prefect / direct − 1)",
        ratio,
        0.10,
        f"through Prefect {_walls(prefect_walls)}, direct {_walls(direct_walls)}",
        strict=True,
    )


def _walls(walls: list[float]) -> str:
    listed = " + ".join(f"{w:.1f}" for w in walls)
    return f"{listed} s" if len(walls) == 1 else f"{listed} = {sum(walls):.1f} s"


def stage_table(title: str, rows: list[StageFigures]) -> str:
    lines = [title, f"  {'stage':<12}{'wall s':>10}{'cpu s':>10}{'peak MiB':>10}"]
    for row in rows:
        lines.append(
            f"  {row.stage:<12}{row.wall:>10.2f}{row.cpu:>10.2f}{row.peak_rss / MIB:>10.0f}"
        )
    return "\n".join(lines)


def target_table(targets: list[Target]) -> str:
    lines = ["Targets (ratios within this benchmark run)"]
    for t in targets:
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[t.passed]
        ratio = "-" if t.ratio is None else f"{t.ratio:.3f}"
        sign = "<" if t.strict else "≤"
        lines.append(f"  {verdict:<5}{t.name:<50}{ratio:>8} {sign} {t.limit:<6}{t.detail}")
    return "\n".join(lines)
