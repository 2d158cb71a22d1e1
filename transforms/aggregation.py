"""KPI values per partner, KPI and period, computed from the rows themselves (SPEC §2, §3).

A period is a month or several months (a quarter); its value always comes from the
observation rows (and survey answers) of its months, never from monthly values:

* ratio: Σnumerator × scale / Σdenominator (multiplied before dividing, so whole-number
  counts such as 57 of 100 give exactly 57.0, which matters for "at least as good as");
* nps, top2box: the same pooled ratio with scale 100 (survey answers are rows with
  numerator +1/0/-1 or 1/0 and denominator 1);
* sum, mean, min, max: of ``value``;
* last: ``value`` of the row with the latest period_end; ties: the latest period_start,
  then the later file (path sorts last), then the later line.

numerator and denominator are kept only for ratio-like KPIs (ratio, nps, top2box);
``rows`` counts the rows (or answers) used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from transforms.codes import Factorized, decode, encode, factorized

RATIO_LIKE = ("ratio", "nps", "top2box")
KEYS = ["partner_id", "kpi_id", "period"]
VALUE_COLUMNS = [*KEYS, "actual", "numerator", "denominator", "rows"]
MONTHLY_COLUMNS = [*VALUE_COLUMNS, "insufficient_volume"]
SUMMED = ("numerator", "denominator", "value")
KINDS = (*RATIO_LIKE, "sum", "mean", "min", "max", "last")  # the ratio-like ones first
LAST = KINDS.index("last")


def monthly_values(
    observations: pd.DataFrame,
    kpis: pd.DataFrame,
    coded: bool = False,
    codes: Mapping[str, Factorized] | None = None,
) -> pd.DataFrame:
    """One row per partner, KPI and calendar month with at least one row (period ``YYYY-MM``).

    Columns: partner_id, kpi_id, period, actual, numerator, denominator, rows and
    insufficient_volume (a ratio, nps or top2box KPI with min_denominator set and
    Σdenominator below it). ``coded``: partner_id, kpi_id and period as ``category``
    columns whose categories are the sorted labels (for the engine's later steps),
    otherwise as text. ``codes``: :func:`transforms.codes.factorize_sorted` of some of
    the rows' partner_id, kpi_id and month, when the caller has them at hand.
    """
    if observations.empty:
        return flag_insufficient_volume(_empty_values(), kpis)
    month, months = factorized(observations, "month", codes)
    positions = np.arange(len(observations))
    return _aggregate(observations, kpis, positions, month, months, coded=coded, codes=codes)


def period_values(
    observations: pd.DataFrame,
    kpis: pd.DataFrame,
    periods: Mapping[str, Sequence[str]],
    coded: bool = False,
    in_given_order: bool = True,
    codes: Mapping[str, Factorized] | None = None,
) -> pd.DataFrame:
    """One row per partner, KPI and named period with at least one row.

    ``periods`` maps a period label (``2026-07``, ``2026-Q3``) to the ``YYYY-MM`` labels
    of its months; each period is computed from the rows of its months.
    Columns (and ``coded``) as :func:`monthly_values`. Rows period by period in the order
    given, each by partner and KPI; ``in_given_order=False``: by partner, KPI and period
    label (text order), for a caller that looks rows up by key (no reordering pass).
    ``codes`` as :func:`monthly_values`.
    """
    if observations.empty or not periods:
        return flag_insufficient_volume(_empty_values(), kpis)
    month, months = factorized(observations, "month", codes)
    labels = pd.Index(sorted(periods), dtype=object).astype(str)
    chosen, label = [], []
    for code, name in enumerate(labels):
        wanted = months.get_indexer(pd.Index([str(m) for m in periods[name]], dtype=object))
        inside = np.zeros(len(months) + 1, dtype=bool)  # by month code; the last: empty
        inside[wanted[wanted >= 0]] = True
        rows = np.flatnonzero(inside[month])
        chosen.append(rows)
        label.append(np.full(len(rows), code, dtype=np.int64))
    positions, label_codes = np.concatenate(chosen), np.concatenate(label)
    values = _aggregate(
        observations, kpis, positions, label_codes, labels, apart=True, coded=coded, codes=codes
    )
    if not in_given_order:
        return values
    rank = encode(values["period"], pd.Index(list(periods), dtype=object).astype(str))
    order = np.argsort(rank, kind="stable")  # periods in the order given
    return values.take(order).reset_index(drop=True)


def flag_insufficient_volume(values: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """``values`` with insufficient_volume: ratio-like KPI with Σdenominator < min_denominator."""
    terms = values[["kpi_id"]].merge(
        kpis[["kpi_id", "aggregation", "min_denominator"]], on="kpi_id", how="left"
    )
    flagged = (
        terms["aggregation"].isin(RATIO_LIKE).to_numpy()
        & terms["min_denominator"].notna().to_numpy()
        & (values["denominator"].to_numpy() < terms["min_denominator"].to_numpy())
    )
    out = values.copy()
    out["insufficient_volume"] = flagged.astype(bool)
    return out[MONTHLY_COLUMNS]


def _aggregate(
    rows: pd.DataFrame,
    kpis: pd.DataFrame,
    positions: np.ndarray,
    label: np.ndarray,
    labels: pd.Index,
    apart: bool = False,
    coded: bool = False,
    codes: Mapping[str, Factorized] | None = None,
) -> pd.DataFrame:
    """MONTHLY_COLUMNS per partner, KPI and label of the rows at ``positions`` (in order).

    ``label`` is each chosen row's code in the sorted ``labels``; rows of KPIs missing from
    the catalog are left out. Sorted by partner, KPI and label. ``apart``: each label's
    rows were once aggregated on their own (see :func:`_plain_sums`); ``coded``: keys as
    ``category`` columns (see :func:`monthly_values`), ``codes`` as there.
    """
    partner, partners = factorized(rows, "partner_id", codes)
    terms = kpis.drop_duplicates("kpi_id")
    terms.index = pd.Index(terms["kpi_id"].astype(object).astype(str), dtype=object)
    terms = terms.sort_index()
    row_kpi, row_kpis = factorized(rows, "kpi_id", codes)
    every = len(positions) == len(rows) and bool(np.all(positions == np.arange(len(rows))))
    if not every:  # (every row in order: no copies)
        partner, row_kpi = partner[positions], row_kpi[positions]
    numbers = {name: _chosen(rows[name].to_numpy(dtype=float), positions, every) for name in SUMMED}
    plain = _plain_sums(partner, row_kpi, label, len(labels) if apart else 1, numbers)
    kpi = np.append(terms.index.get_indexer(row_kpis.astype(object)), -1)[row_kpi]
    known = kpi >= 0
    if not known.all():
        positions, partner, kpi, label = (a[known] for a in (positions, partner, kpi, label))
        numbers = {name: column[known] for name, column in numbers.items()}
    if not len(positions):
        return flag_insufficient_volume(_empty_values(), kpis)
    n_kpis, n_labels = len(terms), len(labels)
    group = (partner * n_kpis + kpi) * n_labels + label
    in_order = bool(np.all(group[1:] >= group[:-1]))  # a stable sort would keep them
    order = np.arange(len(group)) if in_order else np.argsort(group, kind="stable")
    ordered = group if in_order else group[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    keys = ordered[starts]
    one_row = len(keys) == len(group)  # every group one row (monthly rows)
    # each group's partner, KPI and label: those of its first row (gathers, no divisions)
    first = order if one_row else order[starts]
    every_first = in_order and one_row  # the rows themselves, in order
    partner_code, kpi_code, label_code = (
        _chosen(a, first, every_first) for a in (partner, kpi, label)
    )
    aggregation = terms["aggregation"].to_numpy(dtype=object)
    sorted_numbers = {name: _chosen(column, order, in_order) for name, column in numbers.items()}
    subset = label_code if apart else np.zeros(len(keys), dtype=np.int64)
    kind = np.append(pd.Index(KINDS).get_indexer(pd.Index(aggregation)), -1)  # -1: unknown
    plain = {k: v[subset] for k, v in plain.items()}
    kinds = kind[kpi_code]
    scale = terms["scale"].to_numpy(dtype=float)[kpi_code]
    minimum = terms["min_denominator"].to_numpy(dtype=float)[kpi_code]
    if one_row:  # figures row by row
        figures = _one_row_figures(sorted_numbers, plain, kinds, scale)
    else:
        stats = _group_stats(sorted_numbers, starts, plain, kinds)
        stats["last"] = _last_values(rows, positions, (kind == LAST)[kpi], group, keys)
        figures = _pick_actual(stats, kinds, scale)
    label_of = _categories if coded else decode
    with np.errstate(invalid="ignore"):
        below = figures["denominator"] < minimum
    ratio_like = (kinds >= 0) & (kinds < len(RATIO_LIKE))
    return pd.DataFrame(
        {
            "partner_id": label_of(partner_code, partners),
            "kpi_id": label_of(kpi_code, terms.index.astype(str)),
            "period": label_of(label_code, labels),
            **figures,
            "insufficient_volume": ratio_like & ~np.isnan(minimum) & below,
        },
        copy=False,  # fresh arrays: no copy into one block
    )


def _chosen(column: np.ndarray, at: np.ndarray, every: bool) -> np.ndarray:
    """``column[at]``, or ``column`` itself when ``at`` is every position in order."""
    return column if every else column[at]


def _categories(codes: np.ndarray, labels: pd.Index) -> pd.Categorical:
    # codes index ``labels`` by construction: no validation pass
    return pd.Categorical.from_codes(codes, categories=labels.astype(str), validate=False)


def _plain_sums(
    partner: np.ndarray,
    kpi: np.ndarray,
    label: np.ndarray,
    subsets: int,
    numbers: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Per subset (one per label, or one for all) and column: whether pandas' groupby
    would add its rows one after the other.

    pandas sums (and takes min/max of) a column with numpy's reduceat when the rows come
    grouped in order of appearance and the column has no empty cell, and with compensated
    sums otherwise; the two can differ in the last bit. The engine has always grouped each
    period's rows (of every KPI) at once, so this decides, per period, which one it used.
    """
    plain = {name: np.zeros(subsets, dtype=bool) for name in numbers}
    for code in range(subsets):
        rows = np.flatnonzero(label == code) if subsets > 1 else slice(None)
        full = {name: not np.isnan(column[rows]).any() for name, column in numbers.items()}
        if not any(full.values()):  # an empty cell anywhere: compensated, whatever the order
            continue
        if not _grouped_in_appearance_order(partner[rows], kpi[rows], label[rows]):
            continue
        for name in numbers:
            plain[name][code] = full[name]
    return plain


def _grouped_in_appearance_order(*keys: np.ndarray) -> bool:
    """Whether numbering each key by first appearance gives never-decreasing group numbers."""
    group = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(key)
        group = group * max(len(uniques), 1) + codes
    return bool(np.all(group[1:] >= group[:-1]))


def _group_stats(
    numbers: dict[str, np.ndarray],
    starts: np.ndarray,
    plain: dict[str, np.ndarray],
    kind: np.ndarray,
) -> dict[str, np.ndarray]:
    """Σnumerator, Σdenominator, Σ/mean/min/max of value and the row count per group.

    ``numbers`` are the columns with rows in group order, ``starts`` where each group
    begins, ``plain`` per group and column whether pandas would add plainly (see
    :func:`_plain_sums`), ``kind`` each group's aggregation (position in KINDS). Each
    figure is computed only for the groups whose aggregation shows it (NaN elsewhere),
    and is pandas' to the last bit either way: a group's figure depends on its rows only.
    """
    sizes = np.diff(np.append(starts, len(numbers["value"])))
    stats = {"rows": sizes.astype(np.int64)}
    ratio_like = (kind >= 0) & (kind < len(RATIO_LIKE))
    members: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for (name, how), stat in _STAT_NAMES.items():
        shown_by = "ratio" if name != "value" else how
        if shown_by not in members:
            shown = ratio_like if name != "value" else kind == KINDS.index(how)
            part = np.append(0, np.cumsum(sizes[shown])[:-1])
            members[shown_by] = shown, np.repeat(shown, sizes), part
        shown, rows, part = members[shown_by]
        stats[stat] = np.full(len(sizes), np.nan)
        if shown.any():
            column = numbers[name] if shown.all() else numbers[name][rows]
            stats[stat][shown] = _figures(column, part, plain[name][shown], how)
    return stats


def _figures(column: np.ndarray, starts: np.ndarray, plain: np.ndarray, how: str) -> np.ndarray:
    """One statistic (``how``) of ``column`` per group beginning at ``starts``."""
    ufunc = {"sum": np.add, "mean": np.add, "min": np.minimum, "max": np.maximum}[how]
    if len(starts) == len(column):  # every group one row: its value, as either way gives it
        if plain.all():
            return column  # reduceat of one row (a mean: divided by 1)
        alone = _alone(column, how)
        return alone if not plain.any() else np.where(plain, column, alone)
    sizes = np.diff(np.append(starts, len(column)))
    several = sizes > 1
    members = np.repeat(several, sizes)
    if plain.all():
        compensated = None
    else:
        compensated = _compensated(column, starts, sizes, several, members, [how])[how]
        if not plain.any():
            return compensated
    reduced = ufunc.reduceat(column, starts) if len(column) else column
    if how == "mean":
        reduced = reduced / sizes
    return reduced if compensated is None else np.where(plain, reduced, compensated)


def _compensated(
    column: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    several: np.ndarray,
    members: np.ndarray,
    hows: Sequence[str],
) -> dict[str, np.ndarray]:
    """pandas' Cython group sums (compensated, skipping empty cells), means, min and max."""
    if set(hows) <= {"sum", "mean"} and _kahan_safe(column, sizes):
        return {how: _kahan(column, starts, sizes, how) for how in hows}
    first = column[starts]
    out = {how: _alone(first, how) for how in hows}
    if several.any():
        # a leading row of another group keeps pandas off its reduceat shortcut
        groups = np.repeat(np.flatnonzero(several), sizes[several])
        frame = pd.DataFrame(
            {"group": np.append(-1, groups), "x": np.append(np.nan, column[members])}
        )
        pooled = frame.groupby("group", sort=True)["x"].agg(list(hows)).iloc[1:]
        for how in hows:
            out[how][pooled.index.to_numpy()] = pooled[how].to_numpy()
    return out


def _kahan_safe(column: np.ndarray, sizes: np.ndarray) -> bool:
    """Whether :func:`_kahan` gives pandas' figures: no infinite value and no sum that
    could overflow (pandas resets an infinite or NaN compensation; these never make one)."""
    finite = column[~np.isnan(column)]
    if not len(finite):
        return True
    largest = float(np.abs(finite).max())
    return np.isfinite(largest) and largest * float(sizes.max()) < 1e300


def _kahan(column: np.ndarray, starts: np.ndarray, sizes: np.ndarray, how: str) -> np.ndarray:
    """pandas' Cython group sum or mean (Kahan-compensated, empty cells skipped; a sum of
    none is 0, a mean of none NaN) of the groups of ``sizes`` rows from ``starts``,
    computed for every group at once, one row position within the groups at a time."""
    total = np.zeros(len(starts))
    compensation = np.zeros(len(starts))
    count = np.zeros(len(starts), dtype=np.int64)
    by_size = np.argsort(-sizes, kind="stable")  # groups still adding: a prefix of these
    longer = -np.sort(-sizes)
    for step in range(int(sizes.max()) if len(sizes) else 0):
        live = by_size[: np.searchsorted(-longer, -step, side="left")]
        value = column[starts[live] + step]
        present = ~np.isnan(value)
        live, value = live[present], value[present]
        y = value - compensation[live]
        t = total[live] + y
        compensation[live] = t - total[live] - y
        total[live] = t
        count[live] += 1
    if how == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _alone(first: np.ndarray, how: str) -> np.ndarray:
    """pandas' Cython figure (``how``) of groups of one row each holding ``first``."""
    if how == "sum":  # an empty cell sums to 0
        return np.where(np.isnan(first), 0.0, first + 0.0)
    if how == "mean":
        return first + 0.0
    return first.copy()


_STAT_NAMES = {
    ("numerator", "sum"): "numerator",
    ("denominator", "sum"): "denominator",
    ("value", "sum"): "total",
    ("value", "mean"): "mean",
    ("value", "min"): "low",
    ("value", "max"): "high",
}


def _last_values(
    rows: pd.DataFrame,
    positions: np.ndarray,
    mask: np.ndarray,
    group: np.ndarray,
    keys: np.ndarray,
) -> np.ndarray:
    """The value of the last row (SPEC order) per group of ``keys``, for rows of ``mask``
    (the chosen rows of `last` KPIs)."""
    out = np.full(len(keys), np.nan)
    if not mask.any():
        return out
    chosen = rows[["file", "line", "period_start", "period_end", "value"]].take(positions[mask])
    file_codes, _ = pd.factorize(chosen["file"], sort=True)
    order = np.lexsort(
        (
            chosen["line"].to_numpy(dtype=np.int64),
            file_codes,
            chosen["period_start"].to_numpy(dtype="datetime64[ns]"),
            chosen["period_end"].to_numpy(dtype="datetime64[ns]"),
            group[mask],
        )
    )
    groups = group[mask][order]
    is_last = np.append(groups[1:] != groups[:-1], True)
    values = chosen["value"].to_numpy(dtype=float)[order]
    out[np.searchsorted(keys, groups[is_last])] = values[is_last]
    return out


def _one_row_figures(
    numbers: dict[str, np.ndarray],
    plain: dict[str, np.ndarray],
    kind: np.ndarray,
    scale: np.ndarray,
) -> dict[str, np.ndarray]:
    """:func:`_pick_actual` of :func:`_group_stats` when every group is one row, computed
    row by row (``numbers`` in group order): the same figures to the last bit.

    A group of one row sums, averages, takes the min, max and last of that row; a sum
    added plainly (reduceat) is the value itself, a compensated one turns an empty cell
    into 0 and -0.0 into 0.0 (:func:`_alone`), a compensated mean -0.0 into 0.0.
    """
    ratio_like = (kind >= 0) & (kind < len(RATIO_LIKE))

    def figure(name: str, how: str) -> np.ndarray:
        column, added = numbers[name], plain[name]
        if added.all():
            return column
        alone = _alone(column, how)
        return alone if not added.any() else np.where(added, column, alone)

    numerator, denominator = figure("numerator", "sum"), figure("denominator", "sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        actual = np.where(ratio_like, numerator * scale / denominator, np.nan)
    for name in KINDS[len(RATIO_LIKE) :]:
        mine = kind == KINDS.index(name)
        if mine.any():  # min, max and last of one row: the row's value
            shown = figure("value", name) if name in ("sum", "mean") else numbers["value"]
            actual = np.where(mine, shown, actual)
    return {
        "actual": actual,
        "numerator": np.where(ratio_like, numerator, np.nan),
        "denominator": np.where(ratio_like, denominator, np.nan),
        "rows": np.ones(len(kind), dtype=int),
    }


def _pick_actual(
    stats: dict[str, np.ndarray], kind: np.ndarray, scale: np.ndarray
) -> dict[str, np.ndarray]:
    """actual, numerator, denominator and rows per group; ``kind``: each group's aggregation
    as its position in KINDS (-1: unknown)."""
    ratio_like = (kind >= 0) & (kind < len(RATIO_LIKE))
    actual = np.full(len(kind), np.nan)  # each group's figure, set for its kind only
    with np.errstate(divide="ignore", invalid="ignore"):
        actual[ratio_like] = (
            stats["numerator"][ratio_like] * scale[ratio_like] / stats["denominator"][ratio_like]
        )
    shown_as = ("total", "mean", "low", "high", "last")
    for name, stat in zip(KINDS[len(RATIO_LIKE) :], shown_as, strict=True):
        shown = kind == KINDS.index(name)
        actual[shown] = stats[stat][shown]
    return {
        "actual": actual,
        "numerator": np.where(ratio_like, stats["numerator"], np.nan),
        "denominator": np.where(ratio_like, stats["denominator"], np.nan),
        "rows": stats["rows"].astype(int),
    }


def _empty_values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_id": pd.Series(dtype=object),
            "kpi_id": pd.Series(dtype=object),
            "period": pd.Series(dtype=object),
            "actual": pd.Series(dtype=float),
            "numerator": pd.Series(dtype=float),
            "denominator": pd.Series(dtype=float),
            "rows": pd.Series(dtype=int),
        }
    )
