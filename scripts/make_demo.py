"""Write the bundled demo's data files under inputs/ (the same bytes on every run).

Usage: ``python scripts/make_demo.py [--inputs inputs] [--with-bad-rows]``. It writes
observations/, surveys/, scope_changes.csv, actions.csv and comments.csv; config.yaml and
partners/*.yaml are written by hand and only read here.

The committed demo is clean: ``partner-review validate --inputs inputs`` exits 0. With
``--with-bad-rows`` the same files also carry six deliberately bad rows (one per reason
and format, appended at the end of their files) so the rejected-rows table, the
data-quality appendix and the ``rejected_rows`` deviation can be seen; the tests build
that variant into a temporary folder (tests/demo.py).

Which partner, KPI and month shows each feature (also in docs/inputs.md):

Demo "today" is 2026-11-17. The nightly run (as_of 2026-11-16) assesses 2026-10 and
2026-11 to date; the quarterly run assesses 2026-07, 2026-08, 2026-09 and 2026-Q3, with
2026-Q2 and 2025-Q3 for comparison. Data: 24 full months, 2024-11 to 2026-10, then
2026-11-01 to 2026-11-15 (the day before as_of): 2024-11 to 2025-12 as monthly totals, 2026
as daily rows (working days for NORDLEDGER-BO; cost per contact: monthly rows). Every
monthly value below is exact: numerators and denominators are chosen so.

Feature                      | Where (partner, KPI, month)             | Numbers
---------------------------- | --------------------------------------- | -------------------------
met                          | OUTOKIA-CX service_level 2026-10        | 83.0 vs 82 / 77
at_risk                      | OUTOKIA-CX service_level 2026-07        | 77.0 vs 80 / 75
breach                       | OUTOKIA-CX service_level 2026-08, -09   | 76.0 and 74.0
                             | OUTOKIA-CX first_contact_resolution 08  | 68.0 vs 75 / 70
                             | NORDLEDGER-BO invoice_accuracy 2026-09  | 96.5 vs 98 / 97
                             | HELIX-IT incident_resolution_sla 07     | 88.0 vs 95 / 90
                             | HELIX-IT mttr_hours 2026-10 (nightly)   | 13.5 h vs 11 / 13
insufficient_volume          | HELIX-IT csat 2026-08                   | 17 of 20 answers; 20 < 30
no_data, missing_data        | HELIX-IT incident_resolution_sla 09     | no rows (export lost)
no_target                    | OUTOKIA-CX cost_per_contact, backlog,   | data, no service level
                             | csat, nps; NORDLEDGER-BO backlog        |
service level re-versioned   | OUTOKIA-CX service_level: 80/75, then   | 2026-08: 76.0 is a breach
                             | 82/77 effective 2026-07-15 (change      | (at_risk under 80/75);
                             | CHG-2026-004, approved): from 2026-08   | 2026-Q3 judged on 80/75
credit cap binds             | OUTOKIA-CX 2026-08: service_level 8% +  | 3,360 + 2,100 = 5,460 >
                             | first_contact_resolution 5% > cap 12%   | 5,040: 3,101.54 + 1,938.46
earn-back pending            | OUTOKIA-CX service_level 2026-09,       | 3,360.00; 1,938.46
                             | first_contact_resolution 2026-08        |
earn-back earned_back        | HELIX-IT incident_resolution_sla 07     | GBP 2,160; 2026-08 met
                             | (earnback_months 1)                     | (96.0)
earn-back confirmed          | OUTOKIA-CX service_level 2026-08 (09 in | 3,101.54
                             | breach); NORDLEDGER-BO invoice_accuracy | 1,400.00 (earnback_months
                             | 2026-09                                 | 0: confirmed at once)
chronic breach               | OUTOKIA-CX service_level at 2026-09     | breaches 04, 08, 09 of 2026
objective achieved           | OBJ-CX-01 cost_per_contact at 2026-09   | 4.02 <= 4.80 x 0.85 = 4.08
objective on_track           | OBJ-IT-01 mttr_hours at 2026-09,        | 8.6 h: progress 70%,
                             | baseline {period: 2026-03} = 10.0 h     | expected 182/274 = 66.4%,
                             | target -20% = 8.0 h                     | forecast 7.85 h
objective off_track          | OBJ-BO-01 invoice_accuracy at 2026-09   | 96.5 (97.2 -> 99): -38.9%
                             |                                         | vs expected 272/364 = 74.7%
objective not_started        | OBJ-CX-02 nps (starts 2026-10-01)       | on_track in the nightly
XmR concern: trend           | NORDLEDGER-BO turnaround_hours at 09    | 33, 36, 39, 42, 45, 47.5,
                             | and at 10 (lower is better)             | 49 h (52 h in 2026-10)
XmR concern: outside limits  | OUTOKIA-CX service_level 09, HELIX-IT   | 74.0; 82.86; 96.5;
                             | csat 09, NORDLEDGER-BO invoice_accuracy | 13.5 h; 380 s
                             | 09; HELIX-IT mttr_hours 10, OUTOKIA-CX  |
                             | average_handling_time 10                |
XmR improvement              | OUTOKIA-CX cost_per_contact and         | 4.62 ... 4.02 EUR;
                             | HELIX-IT mttr_hours at 09 (trend,       | 10.0 ... 8.6 h
                             | shift, outside)                         |
stale data (nightly)         | OUTOKIA-CX cost_per_contact             | last period_end 2026-10-31:
                             | (freshness_days 3)                      | 16 days before 2026-11-16
NPS from survey answers      | OUTOKIA-CX nps, 2026-09                 | (15 - 8) / 40 = 17.5
top2box from survey answers  | HELIX-IT csat 2026-09 (also OUTOKIA-CX) | 29 / 35 = 82.86, at_risk
quarter ratio vs mean        | OUTOKIA-CX first_contact_resolution Q3: | 23,740 / 32,000 = 74.19
                             | 78.0 of 9,000, 68.0 of 14,000, 80.0 of  | at_risk; mean of months
                             | 9,000                                   | 75.33 would be met
last, corrected duplicate    | OUTOKIA-CX backlog 2026-09-30: 1240 in  | 2026-09 = 1180
                             | 2026-09.csv, 1180 in 2026-09_v2.csv     |
                             | NORDLEDGER-BO backlog 2026-08-31: 455,  | 2026-08 = 430
                             | later line 430 "révisé" (same file)     |
superseded rows (5)          | 2026-09_v2.csv: service_level 09-14 and | different values; 09-16
                             | 09-15, backlog 09-30; NORDLEDGER-BO 455 | same values
contract_review_due          | NORDLEDGER-BO, ends 2026-12-31          | 45 days after 2026-11-16
action overdue               | ACT-2026-011 in_progress, due 09-15     | quarterly and nightly
action done in the quarter   | ACT-2026-012 closed 2026-08-28          |
actions open                 | ACT-2026-014 (open), ACT-2026-015       | due 12-15 and 12-01
scope changes                | CHG-2026-004 approved, -005 rejected,   | CHG-2025-002 implemented
                             | -006 assessed, -007 proposed (pending)  |
comments from both sides     | OUTOKIA-CX service_level 2026-08        | client and partner
rejected rows (6), only     | OUTOKIA-CX/2026-02.csv period_start     | 2026-02-31
with --with-bad-rows         |                                         |
                             | OUTOKIA-CX/2026-05.csv denominator      | -120
                             | NORDLEDGER-BO/2026-H1.csv kpi_id        | invoice_accuracy_pct
                             | HELIX-IT/mttr-2026.csv value            | n/a
                             | surveys/OUTOKIA-CX.csv score            | 11
                             | comments.csv kpi_id                     | average_speed_of_answer
currencies                   | HELIX-IT GBP; NORDLEDGER-BO no currency | EUR by default

Files under observations/: OUTOKIA-CX/2026-MM.csv comma CSV, UTF-8, daily rows;
OUTOKIA-CX/2026-09_v2.csv corrections; OUTOKIA-CX/cost-per-contact-2026.xlsx monthly rows on
the sheet "observations" (after a README sheet); NORDLEDGER-BO/2026-H1.csv, 2026-H2.csv
semicolon CSV, Windows-1252, decimal commas, CRLF, working days only;
HELIX-IT/resolution-2026.csv UTF-16 with BOM, tab-separated; HELIX-IT/mttr-2026.csv UTF-8,
tab-separated; history/2024-2025-monthly.parquet monthly rows of 2024-11 to 2025-12 for
every partner.
Surveys: surveys/OUTOKIA-CX.csv (nps 0-10, csat 1-5), surveys/HELIX-IT.csv (csat 1-5).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

# 2024-11..2026-11: 24 full months to 2026-10, then November to date
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)][10:35]
HISTORY = MONTHS[:14]  # 2024-11..2025-12: monthly totals (history Parquet file)
DAILY = MONTHS[14:]  # 2026-01..2026-11: daily rows (cost per contact: monthly rows)
LAST_DAY = date(2026, 11, 15)  # the demo's data ends the day before the nightly as_of
HEADER = "partner_id kpi_id period_start period_end period numerator denominator value source note"
COLUMNS = HEADER.split(" ")


def _words(text: str) -> list[str]:
    return text.split()


def _y(y2024: list, y2025: list, y2026: list) -> dict[str, Any]:
    """A monthly series: 2 values for 2024-11..12, 12 for 2025 and 11 for 2026-01..2026-11
    (None: no rows)."""
    values = [*y2024, *y2025, *y2026]
    assert len(values) == len(MONTHS), len(values)
    return dict(zip(MONTHS, values, strict=True))


# --- the monthly plan: every month's value is exact (numerator / denominator chosen so) ---------

CX = "OUTOKIA-CX"
BO = "NORDLEDGER-BO"
IT = "HELIX-IT"

CX_CONTACTS = _y(
    [10800, 12000],
    [9800, 9200, 10200, 9600, 9800, 10400, 8800, 8200, 10600, 11000, 11200, 12400],
    [10200, 9400, 10200, 9600, 10000, 9800, 9000, 14000, 9000, 10800, 9400],
)
CX_SERVICE_LEVEL = _y(
    [82.5, 81],
    [84, 83.5, 82, 81, 83, 82.5, 80.5, 81, 82, 83, 81.5, 80],
    [84, 83, 81, 74, 82, 80.5, 77, 76, 74, 83, 81],
)
CX_FCR = _y(
    [76, 75.5],
    [76, 77, 76.5, 78, 77, 76, 75.5, 76, 77, 77.5, 76.5, 75.5],
    [77, 76, 77.5, 75.5, 78, 77, 78, 68, 80, 76, 74],
)
CX_AHT = _y(
    [351, 355],
    [352, 348, 345, 350, 355, 349, 358, 354, 346, 344, 350, 356],
    [347, 343, 349, 352, 346, 350, 355, 372, 358, 380, 350],
)
CX_COST = _y(
    [4.97, 4.93],
    [4.95, 4.90, 4.92, 4.88, 4.85, 4.90, 4.87, 4.91, 4.86, 4.84, 4.82, 4.80],
    [4.78, 4.72, 4.62, 4.51, 4.40, 4.31, 4.22, 4.12, 4.02, 3.98, None],
)
CX_BACKLOG = _y(
    [1010, 1060],
    [950, 910, 980, 1010, 940, 900, 1150, 1220, 980, 930, 960, 1080],
    [990, 940, 920, 1180, 960, 930, 1100, 1310, 1180, 1020, 980],
)
CX_BACKLOG_FIRST_EXPORT = 1240  # 2026-09-30 in 2026-09.csv; 2026-09_v2.csv corrects it to 1180
CX_NPS = _y(  # (answers, promoters 9-10, detractors 0-6)
    [(39, 16, 8), (43, 18, 9)],
    [
        (40, 16, 8),
        (38, 15, 8),
        (42, 17, 9),
        (39, 16, 7),
        (41, 17, 8),
        (37, 15, 8),
        (36, 14, 8),
        (35, 14, 9),
        (40, 16, 8),
        (42, 18, 8),
        (41, 17, 9),
        (44, 18, 10),
    ],
    [
        (40, 17, 8),
        (38, 16, 7),
        (41, 17, 8),
        (36, 13, 10),
        (40, 17, 8),
        (39, 16, 8),
        (37, 15, 9),
        (43, 15, 12),
        (40, 15, 8),
        (38, 16, 7),
        (34, 15, 6),
    ],
)
CX_CSAT = _y(  # (answers, answers scoring 4-5)
    [(37, 32), (41, 35)],
    [
        (38, 33),
        (36, 31),
        (40, 34),
        (37, 32),
        (39, 34),
        (36, 30),
        (35, 30),
        (34, 28),
        (38, 33),
        (40, 35),
        (39, 33),
        (42, 36),
    ],
    [
        (38, 33),
        (37, 32),
        (39, 34),
        (35, 29),
        (38, 33),
        (37, 32),
        (36, 30),
        (41, 32),
        (38, 32),
        (37, 32),
        (32, 28),
    ],
)

BO_INVOICES = _y(
    [8000, 7000],
    [8000, 7000, 8000, 8000, 9000, 8000, 7000, 6000, 8000, 9000, 8000, 7000],
    [8000, 8000, 9000, 8000, 8000, 8000, 7000, 6000, 8000, 9000, 7000],
)
BO_ACCURACY = _y(
    [97.7, 97.4],
    [97.6, 97.8, 97.4, 97.9, 98.1, 97.5, 97.2, 97.7, 98.0, 97.6, 97.9, 97.3],
    [97.5, 97.7, 97.4, 97.8, 97.6, 97.9, 98.1, 97.5, 96.5, 98.2, 98.5],
)
BO_TURNAROUND = _y(
    [33, 35],
    [34, 31, 35, 32, 33, 36, 31, 34, 32, 35, 33, 34],
    [32, 35, 33, 36, 39, 42, 45, 47.5, 49, 52, 50],
)
BO_BACKLOG = _y(
    [410, 460],
    [420, 380, 450, 400, 390, 430, 510, 470, 410, 395, 420, 480],
    [440, 410, 400, 420, 415, 430, 470, 430, 520, 460, 440],
)
BO_BACKLOG_FIRST_COUNT = 455  # 2026-08-31, first line; a later line (note "révisé") says 430

IT_INCIDENTS = _y(
    [1200, 1000],
    [1200, 1000, 1200, 1200, 1000, 1200, 1000, 1000, 1400, 1400, 1200, 1000],
    [1400, 1200, 1200, 1200, 1200, 1000, 1400, 1000, 1200, 1400, 1200],
)
IT_RESOLUTION = _y(
    [96, 95.5],
    [95.5, 96, 95.5, 96.5, 96, 96, 95, 95.5, 96.5, 96, 96.5, 95.5],
    [96, 95.5, 96.5, 96, 96.5, 95.5, 88, 96, None, 95.5, 96],
)
IT_MTTR = _y(
    [10.5, 10.8],
    [10.4, 10.8, 10.2, 10.6, 10.9, 10.3, 10.7, 11.0, 10.5, 10.1, 10.6, 10.4],
    [10.7, 10.4, 10.0, 9.8, 9.5, 9.2, 9.0, 8.8, 8.6, 13.5, 9.4],
)
IT_CSAT = _y(
    [(34, 30), (32, 28)],
    [
        (34, 30),
        (33, 29),
        (35, 31),
        (34, 30),
        (36, 32),
        (33, 29),
        (32, 28),
        (30, 27),
        (35, 31),
        (36, 32),
        (34, 30),
        (33, 29),
    ],
    [
        (35, 31),
        (34, 30),
        (36, 32),
        (33, 29),
        (35, 31),
        (34, 30),
        (35, 31),
        (20, 17),
        (35, 29),
        (34, 30),
        (31, 28),
    ],
)


# --- calendar and deterministic noise ---------------------------------------------------------


def month_days(month: str, working_days_only: bool = False) -> list[date]:
    """The days of ``month`` up to LAST_DAY (Monday-Friday only for a back office)."""
    year, number = int(month[:4]), int(month[5:])
    day = date(year, number, 1)
    days = []
    while day.month == number and day <= LAST_DAY:
        if not working_days_only or day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _rng(*key: object) -> random.Random:
    return random.Random("/".join(str(k) for k in key))


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder: the parts sum exactly)."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def daily_ratio(key: str, days: list[date], numerator: int, denominator: int, cap: bool):
    """Daily (numerator, denominator) pairs summing exactly to the month's."""
    rng = _rng(key)
    dens = _split(denominator, [rng.uniform(0.8, 1.2) for _ in days])
    rate = numerator / denominator
    if cap:  # a share: vary the misses, so that days stay below 100%
        nums = [round(d * (1 - (1 - rate) * rng.uniform(0.6, 1.4))) for d in dens]
    else:
        nums = [round(d * rate * rng.uniform(0.97, 1.03)) for d in dens]
    gap = numerator - sum(nums)
    step = 1 if gap > 0 else -1
    i = 0
    while gap:
        j = i % len(days)
        if (step > 0 and (not cap or nums[j] < dens[j])) or (step < 0 and nums[j] > 0):
            nums[j] += step
            gap -= step
        i += 1
    return list(zip(nums, dens, strict=True))


def daily_mean(key: str, days: list[date], mean: float) -> list[float]:
    """Daily values (2 decimals) whose mean is exactly ``mean``."""
    rng = _rng(key)
    cents = [round(mean * 100 * rng.uniform(0.9, 1.1)) for _ in days]
    cents[-1] += round(mean * 100) * len(days) - sum(cents)
    return [c / 100 for c in cents]


def daily_backlog(key: str, days: list[date], start: int, end: int) -> list[int]:
    """End-of-day open items walking from ``start`` to ``end`` (the last day is exactly end)."""
    rng = _rng(key)
    n = len(days)
    values = [round(start + (end - start) * (i + 1) / n + rng.uniform(-30, 30)) for i in range(n)]
    values[-1] = end
    return values


# --- rows --------------------------------------------------------------------------------------


@dataclass
class Row:
    """One observation row as a partner delivers it."""

    partner_id: str
    kpi_id: str
    period_start: str = ""
    period_end: str = ""
    period: str = ""
    numerator: Any = ""
    denominator: Any = ""
    value: Any = ""
    source: str = ""
    note: str = ""

    def cells(self, columns: Sequence[str], fmt: Callable[[object], str] = str) -> list[str]:
        return [fmt(getattr(self, c)) if c in _NUMBERS else getattr(self, c) for c in columns]


_NUMBERS = ("numerator", "denominator", "value")


def _day_row(partner: str, kpi: str, day: date, source: str, **numbers: Any) -> Row:
    return Row(partner, kpi, day.isoformat(), day.isoformat(), source=source, **numbers)


def ratio_counts(value: float, volume: int, scale: float) -> tuple[float, int]:
    """(numerator, denominator) of a month whose ratio is exactly ``value``."""
    numerator = value * volume / scale
    exact = round(numerator, 2)
    assert abs(numerator - exact) < 1e-6, (value, volume)
    return (int(exact) if exact == int(exact) else exact), volume


def month_ratio_rows(
    partner: str, kpi: str, month: str, value: float, volume: int, scale: float, **kw
) -> list[Row]:
    days = month_days(month, kw.get("working_days_only", False))
    num, den = ratio_counts(value, volume, scale)
    pairs = daily_ratio(f"{partner}/{kpi}/{month}", days, int(num), den, cap=scale == 100)
    return [
        _day_row(partner, kpi, d, kw["source"], numerator=n, denominator=m)
        for d, (n, m) in zip(days, pairs, strict=True)
    ]


def month_mean_rows(partner: str, kpi: str, month: str, mean: float, **kw) -> list[Row]:
    days = month_days(month, kw.get("working_days_only", False))
    values = daily_mean(f"{partner}/{kpi}/{month}", days, mean)
    return [
        _day_row(partner, kpi, d, kw["source"], value=v) for d, v in zip(days, values, strict=True)
    ]


def month_backlog_rows(partner: str, month: str, series: dict, **kw) -> list[Row]:
    days = month_days(month, kw.get("working_days_only", False))
    previous = series[MONTHS[MONTHS.index(month) - 1]]
    values = daily_backlog(f"{partner}/backlog/{month}", days, previous, series[month])
    return [
        _day_row(partner, "backlog", d, kw["source"], value=v)
        for d, v in zip(days, values, strict=True)
    ]


def cx_month(month: str) -> list[Row]:
    """OUTOKIA-CX's daily rows of one 2026 month: service level, FCR, AHT, backlog."""
    volume, src = CX_CONTACTS[month], "outokia-wfm"
    rows = []
    for kpi, series, scale in (
        ("service_level", CX_SERVICE_LEVEL, 100),
        ("first_contact_resolution", CX_FCR, 100),
        ("average_handling_time", CX_AHT, 1),
    ):
        rows += month_ratio_rows(CX, kpi, month, series[month], volume, scale, source=src)
    return rows + month_backlog_rows(CX, month, CX_BACKLOG, source=src)


def bo_month(month: str) -> list[Row]:
    """NORDLEDGER-BO's working-day rows of one 2026 month."""
    kw = {"working_days_only": True, "source": "nordledger-erp"}
    return [
        *month_ratio_rows(BO, "invoice_accuracy", month, BO_ACCURACY[month], BO_INVOICES[month],
                          100, **kw),
        *month_mean_rows(BO, "turnaround_hours", month, BO_TURNAROUND[month], **kw),
        *month_backlog_rows(BO, month, BO_BACKLOG, **kw),
    ]  # fmt: skip


def history_rows() -> list[Row]:
    """2024-11..2025-12 as monthly totals (``period: YYYY-MM``), loaded once at onboarding."""
    rows = []
    for month in HISTORY:
        ratios = [
            (CX, "service_level", CX_SERVICE_LEVEL, CX_CONTACTS, 100),
            (CX, "first_contact_resolution", CX_FCR, CX_CONTACTS, 100),
            (CX, "average_handling_time", CX_AHT, CX_CONTACTS, 1),
            (CX, "cost_per_contact", CX_COST, CX_CONTACTS, 1),
            (BO, "invoice_accuracy", BO_ACCURACY, BO_INVOICES, 100),
            (IT, "incident_resolution_sla", IT_RESOLUTION, IT_INCIDENTS, 100),
        ]
        for partner, kpi, series, volumes, scale in ratios:
            num, den = ratio_counts(series[month], volumes[month], scale)
            rows.append(Row(partner, kpi, period=month, numerator=num, denominator=den))
        for partner, kpi, series in (
            (CX, "backlog", CX_BACKLOG),
            (BO, "turnaround_hours", BO_TURNAROUND),
            (BO, "backlog", BO_BACKLOG),
            (IT, "mttr_hours", IT_MTTR),
        ):
            rows.append(Row(partner, kpi, period=month, value=series[month]))
    for row in rows:
        row.source = "onboarding-history"
    return rows


def it_resolution_rows() -> list[Row]:
    """HELIX-IT's daily incident rows of 2026 (the September export never arrived)."""
    rows = []
    for month in DAILY:
        if IT_RESOLUTION[month] is not None:
            rows += month_ratio_rows(
                IT, "incident_resolution_sla", month, IT_RESOLUTION[month], IT_INCIDENTS[month],
                100, source="helix-itsm",
            )  # fmt: skip
    return rows


def it_mttr_rows() -> list[Row]:
    rows = []
    for month in DAILY:
        rows += month_mean_rows(IT, "mttr_hours", month, IT_MTTR[month], source="helix-itsm")
    return rows


def cost_rows() -> list[Row]:
    """OUTOKIA-CX's monthly cost per contact of 2026, from finance (no November yet)."""
    rows = []
    for month in DAILY:
        if CX_COST[month] is not None:
            num, den = ratio_counts(CX_COST[month], CX_CONTACTS[month], 1)
            rows.append(Row(CX, "cost_per_contact", period=month, numerator=num, denominator=den,
                            source="acme-finance"))  # fmt: skip
    return rows


def survey_answers() -> list[list[str]]:
    """One row per answer: partner_id, kpi_id, response_date, score (spread over the month)."""
    answers = []
    for partner, kpi, series in ((CX, "nps", CX_NPS), (CX, "csat", CX_CSAT), (IT, "csat", IT_CSAT)):
        for month, counts in series.items():
            rng = _rng(partner, kpi, month)
            scores = _nps_scores(rng, *counts) if kpi == "nps" else _top2box_scores(rng, *counts)
            days = month_days(month)
            for i, score in enumerate(scores):
                day = days[i * len(days) // len(scores)]
                answers.append([partner, kpi, day.isoformat(), str(score)])
    return answers


def _nps_scores(rng: random.Random, answers: int, promoters: int, detractors: int) -> list[int]:
    scores = [rng.choice([9, 10]) for _ in range(promoters)]
    scores += [rng.choice([2, 4, 5, 6, 6]) for _ in range(detractors)]
    scores += [rng.choice([7, 8]) for _ in range(answers - promoters - detractors)]
    rng.shuffle(scores)
    return scores


def _top2box_scores(rng: random.Random, answers: int, top: int) -> list[int]:
    scores = [rng.choice([4, 5, 5]) for _ in range(top)] + [
        rng.choice([1, 2, 3, 3]) for _ in range(answers - top)
    ]
    rng.shuffle(scores)
    return scores


# --- deliberate faults and corrections --------------------------------------------------------

BAD_ROWS = {  # file -> rows that must be rejected (one fault each)
    "OUTOKIA-CX/2026-02.csv": [
        Row(CX, "service_level", "2026-02-31", "2026-02-31", numerator=250, denominator=300,
            source="outokia-wfm", note="typed by hand"),
    ],
    "OUTOKIA-CX/2026-05.csv": [
        Row(CX, "average_handling_time", "2026-05-31", "2026-05-31", numerator=41000,
            denominator=-120, source="outokia-wfm", note="reversal entry"),
    ],
    "NORDLEDGER-BO/2026-H1.csv": [
        Row(BO, "invoice_accuracy_pct", "2026-03-31", "2026-03-31", numerator=371,
            denominator=380, source="nordledger-erp"),
    ],
    "HELIX-IT/mttr-2026.csv": [
        Row(IT, "mttr_hours", "2026-06-30", "2026-06-30", value="n/a", note="export glitch"),
    ],
}  # fmt: skip
SEPTEMBER_FIXES = {"2026-09-14": -21, "2026-09-15": 17}  # first-export SL numerator errors


def split_september(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(2026-09.csv as first exported, 2026-09_v2.csv): v2 corrects three rows, repeats one."""
    first, fixes = [], []
    for row in rows:
        wrong = Row(**vars(row))
        if row.kpi_id == "service_level" and row.period_start in SEPTEMBER_FIXES:
            wrong.numerator = int(row.numerator) + SEPTEMBER_FIXES[row.period_start]
            fixes.append(Row(**{**vars(row), "note": "corrected export"}))
        elif row.kpi_id == "service_level" and row.period_start == "2026-09-16":
            fixes.append(Row(**vars(row)))  # same values: kept once
        elif row.kpi_id == "backlog" and row.period_start == "2026-09-30":
            wrong.value = CX_BACKLOG_FIRST_EXPORT
            fixes.append(Row(**{**vars(row), "note": "corrected export"}))
        first.append(wrong)
    return first, fixes


def add_backlog_revision(rows: list[Row]) -> list[Row]:
    """NORDLEDGER-BO's 2026-08-31 backlog appears twice; the later, revised line wins."""
    out = []
    for row in rows:
        if row.kpi_id == "backlog" and row.period_start == "2026-08-31":
            out.append(Row(**{**vars(row), "value": BO_BACKLOG_FIRST_COUNT}))
            out.append(Row(**{**vars(row), "note": "révisé après rapprochement"}))
        else:
            out.append(row)
    return out


# --- writers -----------------------------------------------------------------------------------


def _csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def _number(value: object) -> str:
    if value == "" or isinstance(value, str):
        return str(value)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def _decimal_comma(value: object) -> str:
    return _number(value).replace(".", ",")


def write_rows(
    path: Path,
    rows: list[Row],
    columns: Sequence[str] = COLUMNS,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\n",
    fmt: Callable[[object], str] = _number,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [list(columns), *(r.cells(columns, fmt) for r in rows)]
    path.write_bytes(_csv_text(lines, delimiter, newline).encode(encoding))


def write_parquet(path: Path, rows: list[Row]) -> None:
    def numbers(name: str) -> pa.Array:
        return pa.array([None if getattr(r, name) == "" else float(getattr(r, name)) for r in rows])

    table = pa.table(
        {
            **{c: pa.array([getattr(r, c) for r in rows]) for c in ("partner_id", "kpi_id")},
            "period": pa.array([r.period for r in rows]),
            **{c: numbers(c) for c in _NUMBERS},
            "source": pa.array([r.source for r in rows]),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="snappy")


def write_xlsx(path: Path, rows: list[Row]) -> None:
    """A finance workbook: a README sheet first, the data on the sheet named 'observations'."""
    book = Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["Outokia cost per contact, 2026: total cost (EUR) / contacts handled."])
    sheet = book.create_sheet("observations")
    columns = ["partner_id", "kpi_id", "period", "numerator", "denominator", "source"]
    sheet.append(columns)
    for row in rows:
        sheet.append([getattr(row, c) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The workbook with fixed timestamps, so regenerating it gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-11-01T00:00:00Z", content
                )
            target.writestr(zipfile.ZipInfo(info.filename, (2026, 11, 1, 0, 0, 0)), content,
                            zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()


# --- logs --------------------------------------------------------------------------------------

SCOPE_CHANGES = [
    _words("change_id partner_id title requested_on requested_by status decision_date "
           "effective_date fee_delta_monthly fte_delta affected_kpis impact document"),
    ["CHG-2025-002", CX, "Open on Saturdays", "2025-03-10", "Claire Martin", "implemented",
     "2025-04-02", "2025-05-01", "3500", "2", "service_level;average_handling_time",
     "Saturday calls move from voicemail to agents", "SOW-amendment-2.pdf"],
    ["CHG-2026-004", CX, "Service level target 82/20 after the IVR upgrade", "2026-05-20",
     "Claire Martin", "approved", "2026-07-08", "2026-07-15", "1200", "0", "service_level",
     "Expected 80 -> 82 and minimum 75 -> 77 from August 2026", "SOW-amendment-4.pdf"],
    ["CHG-2026-005", BO, "Take over supplier master data", "2026-06-02", "Nordledger", "rejected",
     "2026-08-12", "", "5200", "3", "invoice_accuracy",
     "Rejected: stays with Acme procurement", "CR-2026-005.pdf"],
    ["CHG-2026-006", BO, "Add an e-invoicing channel (Peppol)", "2026-08-20", "Claire Martin",
     "assessed", "", "2026-12-01", "-800", "-1", "turnaround_hours;invoice_accuracy",
     "Fewer paper invoices; faster turnaround expected", "CR-2026-006.pdf"],
    ["CHG-2026-007", IT, "Extend the service desk to 24/7", "2026-09-01", "James Porter",
     "proposed", "", "", "6400", "4", "incident_resolution_sla;mttr_hours",
     "Night incidents resolved before the morning", ""],
]  # fmt: skip
ACTIONS = [
    _words("action_id partner_id title owner owner_side raised_on due_date status kpi_id "
           "objective_id closed_on notes"),
    ["ACT-2026-011", CX, "Recruit and train six agents for the autumn peak", "Aino Virtanen",
     "partner", "2026-08-05", "2026-09-15", "in_progress", "service_level", "", "",
     "Four of six hired by 30 September"],
    ["ACT-2026-012", CX, "Root-cause review of the August FCR drop", "Aino Virtanen", "partner",
     "2026-08-10", "2026-08-31", "done", "first_contact_resolution", "", "2026-08-28",
     "Knowledge base updated for the back-to-school offer"],
    ["ACT-2026-014", BO, "Four-eyes check on invoices above 10,000 EUR", "Nordledger QA lead",
     "partner", "2026-09-20", "2026-12-15", "open", "invoice_accuracy", "OBJ-BO-01", "", ""],
    ["ACT-2026-015", BO, "Decide on renewing the Nordledger contract", "Claire Martin", "client",
     "2026-09-01", "2026-12-01", "in_progress", "", "", "", "Contract ends 2026-12-31"],
    ["ACT-2026-016", IT, "Re-send the September incident export", "Helix service manager",
     "partner", "2026-10-03", "2026-10-17", "cancelled", "incident_resolution_sla", "",
     "2026-10-20", "Lost in the ITSM migration; accepted as no data"],
]  # fmt: skip
COMMENTS = [
    _words("partner_id kpi_id period author side comment"),
    [CX, "service_level", "2026-08", "Claire Martin", "client",
     "Second breach this year and the first under the 82/20 target; we expect the staffing "
     "plan (ACT-2026-011) by 15 September."],
    [CX, "service_level", "2026-08", "Aino Virtanen", "partner",
     "Back-to-school volume was 40% above forecast; six agents are being recruited."],
    [CX, "first_contact_resolution", "2026-08", "Aino Virtanen", "partner",
     "New offer not yet in the knowledge base; fixed on 28 August."],
    [IT, "incident_resolution_sla", "2026-09", "Claire Martin", "client",
     "No September export received: the month is reported as missing data."],
]  # fmt: skip
BAD_COMMENT = [CX, "average_speed_of_answer", "2026-08", "James Porter", "client",
               "Unknown KPI on purpose: this line is a rejected row in the demo."]  # fmt: skip
BAD_SURVEY_ANSWER = [CX, "nps", "2026-10-12", "11"]  # out of the 0-10 range: rejected


# --- main --------------------------------------------------------------------------------------


def write_observations(folder: Path, bad_rows: bool = False) -> int:
    """Every observation file; the number of rows written (bad ones included)."""
    written = 0

    def put(name: str, rows: list[Row], **kw: object) -> None:
        nonlocal written
        rows = rows + (BAD_ROWS.get(name, []) if bad_rows else [])
        written += len(rows)
        write_rows(folder / name, rows, **kw)  # type: ignore[arg-type]

    for month in DAILY:
        rows = cx_month(month)
        if month == "2026-09":
            rows, fixes = split_september(rows)
            put("OUTOKIA-CX/2026-09_v2.csv", fixes)
        put(f"OUTOKIA-CX/{month}.csv", rows)
    cost = cost_rows()
    write_xlsx(folder / "OUTOKIA-CX/cost-per-contact-2026.xlsx", cost)
    windows = {"delimiter": ";", "encoding": "cp1252", "newline": "\r\n", "fmt": _decimal_comma}
    bo_columns = [c for c in COLUMNS if c != "period"]
    for name, months in (("2026-H1", DAILY[:6]), ("2026-H2", DAILY[6:])):
        rows = add_backlog_revision([r for m in months for r in bo_month(m)])
        put(f"NORDLEDGER-BO/{name}.csv", rows, columns=bo_columns, **windows)
    utf16 = {"delimiter": "\t", "encoding": "utf-16", "newline": "\r\n"}
    it_columns = _words("partner_id kpi_id period_start period_end numerator denominator source")
    put("HELIX-IT/resolution-2026.csv", it_resolution_rows(), columns=it_columns, **utf16)
    mttr_columns = _words("partner_id kpi_id period_start period_end value source note")
    put("HELIX-IT/mttr-2026.csv", it_mttr_rows(), columns=mttr_columns, delimiter="\t")
    history = history_rows()
    write_parquet(folder / "history/2024-2025-monthly.parquet", history)
    return written + len(cost) + len(history)


def write_demo(inputs: Path, bad_rows: bool = False) -> tuple[int, int]:
    """Every generated file of the demo; (observation rows, survey answers) written.

    ``bad_rows`` appends the six deliberately bad rows (see the table above)."""
    for folder in (inputs / "observations", inputs / "surveys"):
        for old in folder.rglob("*"):
            if old.is_file() and not old.name.startswith("."):
                old.unlink()
    observations = write_observations(inputs / "observations", bad_rows)
    answers = survey_answers()
    header = ["partner_id", "kpi_id", "response_date", "score"]
    for partner in (CX, IT):
        mine = [a for a in answers if a[0] == partner]
        if partner == CX and bad_rows:
            mine.append(BAD_SURVEY_ANSWER)
        (inputs / "surveys").mkdir(parents=True, exist_ok=True)
        (inputs / "surveys" / f"{partner}.csv").write_text(_csv_text([header, *mine]), "utf-8")
    for name, table in (
        ("scope_changes.csv", SCOPE_CHANGES),
        ("actions.csv", ACTIONS),
        ("comments.csv", [*COMMENTS, BAD_COMMENT] if bad_rows else COMMENTS),
    ):
        (inputs / name).write_text(_csv_text(table), "utf-8")
    assert observations < 20_000 and len(answers) < 3_000, (observations, len(answers))
    return observations, len(answers) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=Path, default=Path("inputs"))
    parser.add_argument(
        "--with-bad-rows", action="store_true", help="append the six deliberately bad rows"
    )
    args = parser.parse_args()
    observations, answers = write_demo(args.inputs, args.with_bad_rows)
    print(f"wrote {observations} observation rows and {answers} survey answers to {args.inputs}")


if __name__ == "__main__":
    main()
