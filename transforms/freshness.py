"""How recent each partner's data is, per KPI (SPEC §3 "stale_data", §4 nightly).

Settled here where the spec is silent: only rows that start on or before the as-of date
count (a rerun for an earlier date sees the data as it stood then); ``days_old`` may be
negative when a row already covers days after as_of (a whole-month row delivered
mid-month), which is never stale.

The rows are grouped on the keys' integer codes (:mod:`transforms.codes`, text order),
not on their text: partner and KPI codes make one integer key per pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from transforms.codes import Factorized, decode, factorized, group_max

FRESHNESS_COLUMNS = ["partner_id", "kpi_id", "latest_period_end", "days_old", "stale"]


def assess_freshness(
    observations: pd.DataFrame,
    as_of: date,
    freshness_days: int,
    codes: Mapping[str, Factorized] | None = None,
) -> pd.DataFrame:
    """One row per partner and KPI with rows: latest period_end, days_old = as_of − it,
    stale = days_old > freshness_days. ``codes``: :func:`transforms.codes.factorize_sorted`
    of the rows' partner_id and kpi_id, when the caller has them at hand."""
    day = pd.Timestamp(as_of)
    partner, partners = factorized(observations, "partner_id", codes)
    kpi, kpis = factorized(observations, "kpi_id", codes)
    seen = (observations["period_start"] <= day).to_numpy(dtype=bool) & (partner >= 0) & (kpi >= 0)
    width = max(len(kpis), 1)
    ends = pd.to_datetime(observations["period_end"]).to_numpy()  # NaT: the least int64
    pairs, latest = group_max(
        partner[seen] * width + kpi[seen], ends[seen].view(np.int64), len(partners) * width
    )
    fresh = pd.DataFrame(
        {
            "partner_id": decode(pairs // width, partners),
            "kpi_id": decode(pairs % width, kpis),
            "latest_period_end": latest.view(ends.dtype),
        }
    )
    fresh["days_old"] = (day - fresh["latest_period_end"]).dt.days.astype(int)
    fresh["stale"] = fresh["days_old"].gt(freshness_days)
    return fresh[FRESHNESS_COLUMNS]
