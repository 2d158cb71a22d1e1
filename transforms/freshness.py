"""How recent each partner's data is, per KPI (SPEC §3 "stale_data", §4 nightly).

Settled here where the spec is silent: only rows that start on or before the as-of date
count (a rerun for an earlier date sees the data as it stood then); ``days_old`` may be
negative when a row already covers days after as_of (a whole-month row delivered
mid-month), which is never stale.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from transforms.codes import TEXT

FRESHNESS_COLUMNS = ["partner_id", "kpi_id", "latest_period_end", "days_old", "stale"]


def assess_freshness(observations: pd.DataFrame, as_of: date, freshness_days: int) -> pd.DataFrame:
    """One row per partner and KPI with rows: latest period_end, days_old = as_of − it,
    stale = days_old > freshness_days."""
    day = pd.Timestamp(as_of)
    seen = observations.loc[
        observations["period_start"] <= day, ["partner_id", "kpi_id", "period_end"]
    ]
    latest = seen.groupby(["partner_id", "kpi_id"], as_index=False, observed=True).agg(
        latest_period_end=("period_end", "max")
    )
    latest = latest.astype({"partner_id": TEXT, "kpi_id": TEXT})  # whatever dtype they came in
    latest["latest_period_end"] = pd.to_datetime(latest["latest_period_end"])
    latest["days_old"] = (day - latest["latest_period_end"]).dt.days.astype(int)
    latest["stale"] = latest["days_old"].gt(freshness_days)
    return latest[FRESHNESS_COLUMNS].sort_values(["partner_id", "kpi_id"], ignore_index=True)
