"""partner-review validate: summary, one line per problem, exit codes, never a traceback."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from partner_review.validate import validate_command

INPUTS = Path(__file__).resolve().parent.parent / "data" / "ingest" / "inputs"


def _run(inputs: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = validate_command(inputs, out)
    return code, out.getvalue()


def _clean_inputs(tmp_path: Path) -> Path:
    target = tmp_path / "inputs"
    shutil.copytree(INPUTS, target, ignore=shutil.ignore_patterns("*.csv"))
    (target / "observations" / "march.csv").write_text(
        "partner_id,kpi_id,period,numerator,denominator\n"
        "ALPHA,service_level,2026-03,80,100\n"
        "BETA,service_level,2026-02,70,100\n"
    )
    return target


def test_clean_folder_prints_a_summary_and_exits_0(tmp_path: Path) -> None:
    code, text = _run(_clean_inputs(tmp_path))
    assert code == 0
    assert "Partners (2): ALPHA, BETA" in text
    assert "KPIs (5): service_level, cost_per_contact, backlog, csat, nps" in text
    assert "  observations/march.csv [observations]: 2 rows, 0 rejected" in text
    assert "Observations: 2026-02-01 to 2026-03-31" in text
    assert text.rstrip().endswith("No problems found.")


def test_problems_are_listed_as_file_line_column_message_and_exit_1() -> None:
    code, text = _run(INPUTS)
    assert code == 1
    assert "32 problems:" in text
    assert (
        "  observations/bad-rows.csv:9: denominator: '0' is not above 0; "
        "a period with no volume has no row (leave it out)\n"
    ) in text
    assert "  observations/header-only.csv: has a header but no data rows;" in text
    assert "  comments.csv:4: comment: is empty; comment is required\n" in text
    assert "superseded by a duplicate: 2" in text


def test_configuration_problems_are_all_printed_and_exit_1(tmp_path: Path) -> None:
    inputs = _clean_inputs(tmp_path)
    partner = inputs / "partners" / "BETA.yaml"
    partner.write_text(partner.read_text().replace("expected: 80", "expceted: 80"))
    code, text = _run(inputs)
    assert code == 1
    assert "partners/BETA.yaml: service_levels[0].expceted: unknown key" in text
    assert "Traceback" not in text


def test_missing_inputs_folder_exits_2(tmp_path: Path) -> None:
    code, text = _run(tmp_path / "nowhere")
    assert code == 2
    assert "no such folder" in text
