"""The data-quality appendix: bounded tables, other partners' files counted."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from partner_review.rendering import render_partner_html
from partner_review.rendering.data_quality import LISTED_ROWS
from partner_review.settings import Settings
from transforms.model import ReviewModel
from transforms.slicing import model_for_partner, without_observations

from .conftest import NORDIC, OUTOKIA


def _appendix(html: str) -> str:
    section = html.split('<section id="data-quality"', 1)[1].split("</section>")[0]
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", section))


def _files(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": names,
            "kind": "observations",
            "sha256": "ab" * 32,
            "rows": 1,
            "rejected": 0,
        }
    )


def _superseded(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": [f"observations/dup-{i:03d}.csv" for i in range(count)],
            "line": 2,
            "partner_id": OUTOKIA,
            "kpi_id": "service_level",
            "period_start": pd.Timestamp("2026-08-01"),
            "period_end": pd.Timestamp("2026-08-31"),
            "kept_file": "observations/outokia-2026-08_v2.csv",
            "kept_line": 4,
            "reason": "same values",
        }
    )


def _with_folder(model: ReviewModel, own: int, others: int, superseded: int) -> ReviewModel:
    """``own`` one-row files of OUTOKIA, ``others`` of NORDIC, ``superseded`` OUTOKIA rows."""
    mine = [f"observations/{OUTOKIA}/{i:04d}.csv" for i in range(own)]
    theirs = [f"observations/{NORDIC}/{i:04d}.csv" for i in range(others)]
    observations = pd.DataFrame(
        {"file": mine + theirs, "partner_id": [OUTOKIA] * own + [NORDIC] * others}
    )
    source = dataclasses.replace(
        model.source,
        observations=observations,
        files=_files(mine + theirs),
        rejected=model.source.rejected.iloc[0:0],
        superseded=_superseded(superseded),
    )
    return without_observations(dataclasses.replace(model, source=source))


def test_sources_list_the_first_files_then_count_the_rest_in_both_languages(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    model = model_for_partner(_with_folder(quarterly_model, 120, 0, 0), OUTOKIA)
    english = _appendix(render_partner_html(model, settings, OUTOKIA, "en"))
    assert f"observations/{OUTOKIA}/{LISTED_ROWS - 1:04d}.csv" in english
    assert f"observations/{OUTOKIA}/{LISTED_ROWS:04d}.csv" not in english
    assert f"… and {120 - LISTED_ROWS} more files; manifest.json lists every input" in english
    french = _appendix(render_partner_html(model, settings, OUTOKIA, "fr"))
    assert f"… et {120 - LISTED_ROWS} autres fichiers ; manifest.json" in french


def test_other_partners_files_are_counted_never_named(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    model = model_for_partner(_with_folder(quarterly_model, 3, 7, 0), OUTOKIA)
    text = _appendix(render_partner_html(model, settings, OUTOKIA, "en"))
    assert f"observations/{OUTOKIA}/0002.csv" in text
    assert NORDIC not in text
    assert "7 other data files of the inputs folder belong to other partners" in text
    assert "more files" not in text


def test_every_superseded_row_of_the_partner_is_listed_beyond_the_sources_cap(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    # SPEC §1: "Every superseded row is listed in the report's data-quality appendix"
    model = model_for_partner(_with_folder(quarterly_model, 1, 0, LISTED_ROWS + 10), OUTOKIA)
    for language in ("en", "fr"):
        text = _appendix(render_partner_html(model, settings, OUTOKIA, language))
        for row in range(LISTED_ROWS + 10):
            assert f"observations/dup-{row:03d}.csv:2" in text
        assert "more superseded" not in text and "autres lignes remplacées" not in text


def test_an_appendix_under_the_caps_has_no_count_line(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    model = model_for_partner(_with_folder(quarterly_model, 2, 0, 2), OUTOKIA)
    text = _appendix(render_partner_html(model, settings, OUTOKIA, "en"))
    assert "more files" not in text
    assert "other data file" not in text
