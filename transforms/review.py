"""One run's review model: every computation wired together (SPEC §3, §4).

:func:`build_review` turns the catalog, the ingested source data and a RunSpec into a
:class:`transforms.model.ReviewModel`. Frames are sorted by partner, KPI and period
(periods in time order: a month, then the quarter that ends with it; see
:func:`order_rows`).

Settled here where the spec is silent:

* ``monthly`` spans every month from the first month with data (or the run's first
  judged month, if earlier) to the run's last month; a month appears for a partner and KPI
  when it has data or a service-level version in force;
* chronic breach is judged at each judged month of the run (the nightly month to date
  included, flagged provisional); credits only for complete months;
* scope changes: pending means proposed or assessed; "decided" is the decision_date;
* comments: every comment on a month up to the run's last month (the reports pick theirs).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from concurrent.futures import Future
from datetime import timedelta

import numpy as np
import pandas as pd

from transforms.aggregation import monthly_values
from transforms.codes import Factorized, categorized, decoded, factorize_sorted
from transforms.credits import assess_credits, chronic_breaches
from transforms.deviations import (
    SEVERITY,
    KpiTerms,
    action_deviations,
    chronic_deviations,
    contract_deviations,
    rejected_row_deviations,
    stale_data_deviations,
)
from transforms.freshness import assess_freshness
from transforms.model import Catalog, ReviewModel, SourceData
from transforms.objectives import assess_objectives, objective_deviations
from transforms.periods import RunSpec, parse_month
from transforms.scorecard_deviations import missing_data_deviations, service_level_deviations
from transforms.service_levels import build_scorecard, monthly_scorecard, scorecard_keys
from transforms.side_thread import side_thread
from transforms.signals import assess_signals, signal_deviations

PENDING_CHANGES = ("proposed", "assessed")
OPEN_ACTIONS = ("open", "in_progress")
RECENT_DECISION_DAYS = 90
ENCODED = ("partner_id", "kpi_id", "month")


def build_review(catalog: Catalog, source: SourceData, run: RunSpec) -> ReviewModel:
    """Scorecard, monthly statuses, objectives, signals, credits, freshness, deviations,
    and the scope changes, actions and comments in scope of ``run``.

    The scorecard keys, the quarterly scorecard, the signals and the objectives run on a
    second thread (:mod:`transforms.side_thread`) while this one computes the monthly
    values, statuses, credits and freshness: each step gets its inputs when it starts, so
    the frames are the same whichever finishes first.
    """
    # text keys become integer codes (category columns) once, here, and text again only
    # in the model's frames
    codes = {name: factorize_sorted(source.observations[name]) for name in ENCODED}
    observations = categorized(source.observations, ENCODED, codes)
    kpis = catalog.kpis
    terms = KpiTerms(kpis, catalog.partners)
    with side_thread() as side:
        keying = side.submit(_scorecard_keys, observations, catalog)
        quarterly = side.submit(
            _quarterly_scorecard, observations, codes, catalog, run, keying, terms
        )
        values = monthly_values(observations, kpis, coded=True, codes=codes)
        spc = side.submit(_signals, values, catalog, run)
        assessing = side.submit(_objectives, values, catalog, run)
        first_data = None if observations.empty else _first_data_month(codes["month"][1])
        months = _status_months(first_data, catalog, run)
        keys = keying.result()
        statuses = monthly_scorecard(values, keys, months, catalog.service_levels, kpis, coded=True)
        judged_months = [p.first_month for p in run.judged if p.kind == "month"]
        chronic = chronic_breaches(statuses, catalog.partners, judged_months)
        credits = assess_credits(
            statuses, catalog.partners, [p.first_month for p in run.complete_months], chronic
        )
        monthly = _model_months(statuses, first_data, run)  # in order_rows order already
        chronic_found = chronic_deviations(chronic, terms, run)
        freshness = assess_freshness(observations, run.as_of, catalog.freshness_days, codes)
        actions = actions_in_scope(source.actions, run)
        scorecard, levels_missed, data_missing = quarterly.result()
        signals, limits, signalled = spc.result()
        objectives, objectives_off = assessing.result()
    deviations = pd.concat(
        [
            levels_missed,
            chronic_found,
            objectives_off,
            signalled,
            data_missing,
            stale_data_deviations(freshness, terms, run, catalog.freshness_days)
            if run.kind == "nightly"
            else None,
            action_deviations(actions, run),
            rejected_row_deviations(source.rejected, run),
            contract_deviations(catalog.partners, run),
        ],
        ignore_index=True,
    )
    return ReviewModel(
        run=run,
        scorecard=scorecard,
        monthly=monthly,
        objectives=objectives.sort_values(["partner_id", "kpi_id", "objective_id"]).reset_index(
            drop=True
        ),
        signals=signals,
        spc_limits=limits,
        deviations=order_rows(deviations, run),
        credits=order_rows(credits, run),
        freshness=freshness,
        source=source,
        scope_changes=scope_changes_in_scope(source.scope_changes, catalog, run, terms),
        actions=actions,
        comments=comments_in_scope(source.comments, run),
    )


def _scorecard_keys(observations: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The scorecard keys (partner and KPI pairs), keys as ``category`` columns."""
    keys = scorecard_keys(observations, catalog.service_levels, catalog.objectives)
    return categorized(keys, ("partner_id", "kpi_id"))


def _quarterly_scorecard(
    observations: pd.DataFrame,
    codes: Mapping[str, Factorized],
    catalog: Catalog,
    run: RunSpec,
    keying: Future[pd.DataFrame],
    terms: KpiTerms,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The run's scorecard (keys as text, in :func:`order_rows` order) and its sla_breach,
    sla_at_risk, insufficient_volume and missing_data deviations; ``codes``: the
    observations' key codes (:func:`transforms.codes.factorize_sorted`); ``keying``: the
    scorecard keys, computed before on the same thread."""
    keys = keying.result()
    levels, objectives = catalog.service_levels, catalog.objectives
    scorecard = decoded(
        build_scorecard(observations, catalog.kpis, levels, objectives, run, keys, codes)
    )
    return (
        scorecard.take(grid_order(len(scorecard), run)).reset_index(drop=True),
        service_level_deviations(scorecard, terms),
        missing_data_deviations(scorecard, catalog.objectives, terms),
    )


def _objectives(
    values: pd.DataFrame, catalog: Catalog, run: RunSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The objectives assessed at the evaluation month and their deviations."""
    objectives = assess_objectives(catalog.objectives, catalog.kpis, values, run.evaluation_month)
    return objectives, objective_deviations(objectives, catalog.kpis)


def _signals(
    values: pd.DataFrame, catalog: Catalog, run: RunSpec
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Signals and SPC limits at the evaluation month, and the concerns' deviations."""
    signals, limits = assess_signals(
        values, catalog.kpis, run.evaluation_month, catalog.spc_window, catalog.spc_min_points
    )
    return signals, limits, signal_deviations(signals, catalog.kpis)


def _last_month(run: RunSpec) -> pd.Period:
    return max(p.months[-1] for p in run.periods)


def _status_months(first_data: pd.Period | None, catalog: Catalog, run: RunSpec) -> list[pd.Period]:
    """Every month from the first with data (``first_data``; None: no rows) or needed by a
    chronic window to the last."""
    windows = catalog.partners["chronic_window_months"].dropna()
    reach = int(windows.max()) - 1 if len(windows) else 0
    first = min(p.first_month for p in run.judged) - reach
    if first_data is not None:
        first = min(first, first_data)
    return list(pd.period_range(first, _last_month(run), freq="M"))


def _first_data_month(months: pd.Index) -> pd.Period:
    """The earliest month of any row: the first of the rows' month labels (their
    :func:`transforms.codes.factorize_sorted` vocabulary: labels in use only)."""
    return parse_month(str(months[0]))


def _model_months(
    statuses: pd.DataFrame, first_data: pd.Period | None, run: RunSpec
) -> pd.DataFrame:
    """The statuses from the first judged month or month with data on (``first_data``;
    None: no rows), keys as text."""
    first = min(p.first_month for p in run.judged)
    if first_data is not None:
        first = min(first, first_data)
    period, periods = factorize_sorted(statuses["period"])
    inside = np.append(periods >= str(first), False)[period]
    kept = statuses if inside.all() else statuses[inside]  # all kept: no copy of every column
    status = kept["status"].cat  # category codes → the status texts as object strings
    labels = np.append(status.categories.to_numpy(dtype=object), np.array([None], dtype=object))
    kept = kept.assign(status=pd.Series(labels[status.codes.to_numpy()], kept.index, object))
    return decoded(kept).reset_index(drop=True)


def grid_order(rows: int, run: RunSpec) -> np.ndarray:
    """The :func:`order_rows` order of a scorecard of ``rows`` rows: keys (sorted) × the
    run's periods in the order given."""
    ranks = _period_ranks(pd.Series([p.label for p in run.periods], dtype=object), run)
    within = np.argsort([ranks[p.label] for p in run.periods], kind="stable")
    keys = rows // max(len(run.periods), 1)
    return (np.arange(keys)[:, None] * len(run.periods) + within[None, :]).ravel()


def actions_in_scope(actions: pd.DataFrame, run: RunSpec) -> pd.DataFrame:
    """Actions of the run + overdue (open or in progress, due before as_of).

    Quarterly: open, overdue, or closed (done/cancelled) within the quarter; nightly: open
    or in progress.
    """
    open_ = actions["status"].isin(OPEN_ACTIONS)
    due = pd.to_datetime(actions["due_date"])
    keep = open_
    if run.kind == "quarterly":
        first = pd.Timestamp(min(p.first_month for p in run.judged).start_time)
        closed = pd.to_datetime(actions["closed_on"])
        keep = open_ | (closed.ge(first) & closed.le(pd.Timestamp(run.as_of)))
    scoped = actions[keep].copy()
    scoped["overdue"] = (open_ & due.lt(pd.Timestamp(run.as_of)))[keep].astype(bool)
    return scoped.sort_values(["partner_id", "action_id"], ignore_index=True)


def scope_changes_in_scope(
    changes: pd.DataFrame, catalog: Catalog, run: RunSpec, terms: KpiTerms
) -> pd.DataFrame:
    """Scope changes of the run + moved_targets (the versions and objectives citing each).

    Quarterly: decided in the quarter or still pending; nightly: pending or decided in the
    last 90 days up to as_of.
    """
    decided = pd.to_datetime(changes["decision_date"])
    as_of = pd.Timestamp(run.as_of)
    if run.kind == "quarterly":
        since = pd.Timestamp(min(p.first_month for p in run.judged).start_time)
    else:
        since = as_of - timedelta(days=RECENT_DECISION_DAYS)
    keep = changes["status"].isin(PENDING_CHANGES) | (decided.ge(since) & decided.le(as_of))
    scoped = changes[keep].copy()
    scoped["moved_targets"] = [
        moved_targets(change, catalog, terms) for change in scoped["change_id"]
    ]
    return scoped.sort_values(["partner_id", "change_id"], ignore_index=True)


def moved_targets(change_id: str, catalog: Catalog, terms: KpiTerms) -> str:
    """``Service level (80/20): expected 85.0%, minimum 80.0% from 2026-08; OBJ-2 '…'``."""
    parts = []
    levels = catalog.service_levels[catalog.service_levels["change"] == change_id]
    for level in levels.to_dict("records"):
        kpi, partner = level["kpi_id"], level["partner_id"]
        start = pd.Timestamp(level["effective_from"])
        applies = parse_month(f"{start:%Y-%m}") + (0 if start.day == 1 else 1)
        parts.append(
            f"{terms.name(kpi)}: expected {terms.value(kpi, level['expected'], partner)}, "
            f"minimum {terms.value(kpi, level['minimum'], partner)}, credit "
            f"{level['credit_pct']:g}% from {applies}"
        )
    objectives = catalog.objectives[catalog.objectives["change"] == change_id]
    for objective in objectives.to_dict("records"):
        parts.append(f"objective {objective['objective_id']} '{objective['title']}'")
    return "; ".join(parts)


def comments_in_scope(comments: pd.DataFrame, run: RunSpec) -> pd.DataFrame:
    """Comments on months up to the run's last month, by partner, KPI and month."""
    kept = comments[comments["period"].astype(str) <= str(_last_month(run))]
    return kept.sort_values(["partner_id", "kpi_id", "period"], kind="stable", ignore_index=True)


def order_rows(frame: pd.DataFrame, run: RunSpec) -> pd.DataFrame:
    """Rows by partner, KPI and period in time order (rows without partner or KPI last);
    deviations within a period by the kind order of SPEC §3's table."""
    if frame.empty:
        return frame.reset_index(drop=True)
    period, periods = factorize_sorted(frame["period"])
    ranks = _period_ranks(pd.Series(periods, dtype=object), run)
    rank = np.array([ranks[p] for p in periods] + [2**41], dtype=np.int64)[period]
    keys = [_last_when_missing(frame["partner_id"]), _last_when_missing(frame["kpi_id"]), rank]
    keys.append(period)
    if "kind" in frame.columns:
        kind, kinds = factorize_sorted(frame["kind"])
        position = {k: i for i, k in enumerate(SEVERITY)}
        keys.append(np.array([position.get(k, len(SEVERITY)) for k in kinds] + [-1])[kind])
        keys.append(factorize_sorted(frame["objective_id"])[0])  # empty sorts first
    order = np.lexsort(keys[::-1])
    return frame.take(order).reset_index(drop=True)


def _last_when_missing(column: pd.Series) -> np.ndarray:
    codes, labels = factorize_sorted(column)
    return np.where(codes < 0, len(labels), codes)


def _period_ranks(labels: pd.Series, run: RunSpec) -> dict[object, int]:
    """Time order of each label: its last month, then month < quarter < day (as_of) label."""
    known = {p.label: p.months[-1].ordinal * 4 + (p.kind == "quarter") for p in run.periods}
    ranks: dict[object, int] = {}
    for label in labels.dropna().unique():
        text = str(label)
        if text in known:
            ranks[label] = known[text]
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            ranks[label] = parse_month(text).ordinal * 4
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            ranks[label] = parse_month(text[:7]).ordinal * 4 + 2
        else:
            ranks[label] = 2**40
    return ranks
