"""Service credits, the monthly cap, earn-back and chronic breaches (SPEC §3 "Service credits").

Inputs are the monthly statuses of :func:`transforms.service_levels.monthly_scorecard`
(one row per partner, KPI and month with data or a version in force, carrying the
version's credit_pct) and the PartnerCatalog.

Settled here where the spec is silent:

* amounts are computed as credit_pct × monthly_fee / 100 and, when capped, as
  amount × cap / total (multiplied before dividing, so whole-number terms give exact cents);
* earn-back looks only at complete months up to the last complete month the run
  assesses; a month with no status row (no data and no version in force) is not ``met``;
* chronic breach is judged at every judged month of the run, the nightly month to date
  included (its deviation is then provisional); it needs ``contract.chronic``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from transforms.codes import decode, decoded, encode, factorize_sorted, month_ordinals, vocabulary
from transforms.periods import parse_month
from transforms.schemas import CreditsCsv

CREDIT_COLUMNS = [*CreditsCsv.to_schema().columns, "monthly_fee", "chronic"]
CHRONIC_COLUMNS = ["partner_id", "kpi_id", "period", "breaches", "threshold", "window_months"]


def assess_credits(
    monthly: pd.DataFrame,
    partners: pd.DataFrame,
    credit_months: Sequence[pd.Period],
    chronic: pd.DataFrame,
) -> pd.DataFrame:
    """One row per partner, KPI in breach and month of ``credit_months`` (complete months).

    CreditsCsv columns + monthly_fee and chronic (the chronic rule holds at that month).
    Earn-back is judged as of the last of ``credit_months``.
    """
    labels = [str(m) for m in credit_months]
    in_months = monthly["period"].isin(labels).to_numpy(dtype=bool)  # before decoding
    breaches = _breaches(monthly, ["partner_id", "kpi_id", "period", "credit_pct"], in_months)
    terms = breaches.merge(
        partners[["partner_id", "currency", "monthly_fee", "credit_cap_pct", "earnback_months"]],
        on="partner_id",
    )
    if terms.empty:
        return _empty_credits()
    credits = _apply_cap(terms)
    credits["earnback"] = earnback_states(credits, monthly, max(credit_months))
    flagged = chronic[["partner_id", "kpi_id", "period"]].assign(chronic=True)
    credits = credits.merge(flagged, on=["partner_id", "kpi_id", "period"], how="left")
    credits["chronic"] = credits["chronic"].astype(object).fillna(False).astype(bool)
    ordered = credits.sort_values(["partner_id", "kpi_id", "period"], ignore_index=True)
    return ordered[CREDIT_COLUMNS]


def _breaches(monthly: pd.DataFrame, columns: list[str], rows: np.ndarray) -> pd.DataFrame:
    """``columns`` of the rows in breach among ``rows`` (a mask), keys as text (whatever
    dtype they came in): only those rows are decoded."""
    return decoded(monthly.loc[monthly["status"].eq("breach").to_numpy(dtype=bool) & rows, columns])


def _apply_cap(terms: pd.DataFrame) -> pd.DataFrame:
    """Amounts per KPI, scaled by one factor per partner and month when the total is above cap."""
    out = terms.copy()
    out["credit_pct"] = out["credit_pct"].astype(float)
    amount = out["credit_pct"] * out["monthly_fee"] / 100
    total = amount.groupby([out["partner_id"], out["period"]]).transform("sum")
    cap = out["credit_cap_pct"] * out["monthly_fee"] / 100
    capped = (cap.notna() & total.gt(cap)).to_numpy()
    out["credit_amount"] = np.where(capped, amount * cap / total, amount)
    out["capped"] = capped
    return out


def earnback_states(
    credits: pd.DataFrame, monthly: pd.DataFrame, last_month: pd.Period
) -> pd.Series:
    """pending / earned_back / confirmed of each credit row, as of ``last_month``.

    earned_back: the n = earnback_months months after the credit month are all ``met``;
    confirmed: one of them, up to ``last_month``, is not ``met`` (or n = 0); else pending.
    """
    n = credits["earnback_months"].astype(int).to_numpy()
    month = month_ordinals(credits["period"])
    position = np.repeat(np.arange(len(credits)), n)
    offset = np.concatenate([np.arange(1, k + 1) for k in n]) if n.sum() else np.array([], int)
    following = month[position] + offset
    known = following <= last_month.ordinal
    partners, kpis = vocabulary(credits["partner_id"]), vocabulary(credits["kpi_id"])
    pair = encode(credits["partner_id"], partners) * len(kpis) + encode(credits["kpi_id"], kpis)
    # only months a credit's earn-back looks at (after a credit month, up to last_month)
    first = pd.Period(ordinal=int(month.min()) + 1, freq="M") if len(month) else last_month + 1
    looked_at = [str(m) for m in pd.period_range(first, last_month, freq="M")]
    met = _met_months(monthly, partners, kpis, looked_at)
    is_met = _within(pair[position] * _MONTHS + following, met)
    known_count = np.bincount(position[known], minlength=len(credits))
    missed = np.bincount(position[known & ~is_met], minlength=len(credits))
    state = np.where(
        (n == 0) | (missed > 0), "confirmed", np.where(known_count == n, "earned_back", "pending")
    )
    return pd.Series(state, index=credits.index, dtype=object)


def _within(wanted: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin(wanted, pool)`` for a few ``wanted`` in a large ``pool`` (no sort of it)."""
    targets = np.unique(wanted)
    if not len(targets):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(targets, pool), len(targets) - 1)
    found = np.zeros(len(targets), dtype=bool)
    found[at[targets[at] == pool]] = True
    return found[np.searchsorted(targets, wanted)]


_MONTHS = 1 << 32  # more month ordinals than any date pandas can hold


def _met_months(
    monthly: pd.DataFrame, partners: pd.Index, kpis: pd.Index, months: list[str]
) -> np.ndarray:
    """(partner × len(kpis) + KPI) × _MONTHS + month ordinal of each ``met`` row of
    ``months`` (labels) whose partner and KPI are in ``partners`` and ``kpis``."""
    wanted = monthly["status"].eq("met").to_numpy(dtype=bool) & monthly["period"].isin(
        months
    ).to_numpy(dtype=bool)
    met = monthly.loc[wanted, ["partner_id", "kpi_id", "period"]]
    partner, kpi = encode(met["partner_id"], partners), encode(met["kpi_id"], kpis)
    mine = (partner >= 0) & (kpi >= 0)
    pair = partner[mine] * len(kpis) + kpi[mine]
    return pair * _MONTHS + month_ordinals(met["period"])[mine]


class DuplicatePartnerRule(ValueError):
    """The partner catalog lists a partner twice (settings reject a duplicate id)."""


def chronic_breaches(
    monthly: pd.DataFrame, partners: pd.DataFrame, months: Sequence[pd.Period]
) -> pd.DataFrame:
    """One row per partner, KPI and month of ``months`` where the chronic rule holds:
    breaches (count in the window_months months ending at the month) ≥ threshold.

    Counted on codes: each breach row's partner and KPI code and month ordinal, one count
    per month of ``months`` (a month listed twice counts each breach twice).
    """
    rules = partners.loc[
        partners["chronic_breaches"].notna() & partners["chronic_window_months"].notna(),
        ["partner_id", "chronic_breaches", "chronic_window_months"],
    ]
    listed = pd.Index(rules["partner_id"].astype(str))
    if not listed.is_unique:
        raise DuplicatePartnerRule(sorted(set(listed[listed.duplicated()])))
    breaches = monthly.loc[
        monthly["status"].eq("breach").to_numpy(dtype=bool), ["partner_id", "kpi_id", "period"]
    ]
    partner, partner_ids = factorize_sorted(breaches["partner_id"])
    rule_of = np.append(listed.get_indexer(partner_ids), -1)  # by partner code; -1: no rule
    if not (rule_of[partner] >= 0).any() or not months:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CHRONIC_COLUMNS})
    kpi, kpi_ids = factorize_sorted(breaches["kpi_id"])
    kept = (rule_of[partner] >= 0) & (kpi >= 0)
    pair = partner[kept] * len(kpi_ids) + kpi[kept]
    ordinal = month_ordinals(breaches["period"])[kept]
    threshold = rules["chronic_breaches"].astype(int).to_numpy()
    window = rules["chronic_window_months"].astype(int).to_numpy()
    reach = window[rule_of[partner[kept]]]
    labels, times = np.unique([str(m) for m in months], return_counts=True)
    found = []
    for code, (label, repeated) in enumerate(zip(labels, times, strict=True)):
        at = parse_month(str(label)).ordinal
        inside = (ordinal <= at) & (ordinal > at - reach)
        pairs, counts = np.unique(pair[inside], return_counts=True)
        counts = counts * repeated
        holds = counts >= threshold[rule_of[pairs // len(kpi_ids)]]
        found.append((pairs[holds], np.full(int(holds.sum()), code), counts[holds]))
    pairs, period, counts = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort((period, pairs))  # partner, KPI (codes in text order), month label
    pairs, period, counts = pairs[order], period[order], counts[order]
    rule = rule_of[pairs // len(kpi_ids)]
    return pd.DataFrame(
        {
            "partner_id": decode(pairs // len(kpi_ids), partner_ids),
            "kpi_id": decode(pairs % len(kpi_ids), kpi_ids),
            "period": decode(period, pd.Index(labels)),
            "breaches": counts.astype(int),
            "threshold": threshold[rule],
            "window_months": window[rule],
        }
    )


def _empty_credits() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in CREDIT_COLUMNS})
    return frame.astype(
        {"credit_pct": float, "credit_amount": float, "monthly_fee": float, "capped": bool}
    ).astype({"chronic": bool})
