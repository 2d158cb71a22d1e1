"""Reading deviations.csv and scorecard.csv back from a run folder."""

from __future__ import annotations

from pathlib import Path

from partner_review.delivery.tables import read_run_tables


def test_rows_are_read_with_spreadsheet_quotes_removed_and_empty_numbers_as_none(
    tmp_path: Path, kit
):
    message = ["OUTOKIA-CX", "backlog", "", "2026-10", "spc_shift", "warning", "'-12 below CL"]
    scorecard = [["OUTOKIA-CX", "backlog", "2026-10", "", "", "", "no_target", "", "", "0"]]
    kit.write_run(tmp_path, [message], scorecard, {})

    tables = read_run_tables(tmp_path)

    assert tables.deviations[0].message == "-12 below CL"
    assert tables.deviations[0].key == ("OUTOKIA-CX", "backlog", "spc_shift")
    row = tables.scorecard[0]
    assert (row.actual, row.expected, row.status) == (None, None, "no_target")


def test_a_quote_that_is_not_a_formula_guard_is_kept(tmp_path: Path, kit):
    row = ["OUTOKIA-CX", "backlog", "", "2026-10", "spc_shift", "warning", "'quoted'"]
    kit.write_run(tmp_path, [row], [], {})

    assert read_run_tables(tmp_path).deviations[0].message == "'quoted'"


def test_for_partners_keeps_general_rows_only_for_all_partner_followers(tmp_path: Path, kit):
    kit.write_run(tmp_path, [kit.BREACH, kit.AT_RISK, kit.REJECTED], kit.SCORECARD, {})
    tables = read_run_tables(tmp_path)

    mine = tables.for_partners(frozenset({"OUTOKIA-CX"}), include_general=False)
    everything = tables.for_partners(frozenset({"OUTOKIA-CX", "NORDIC-HELP"}), True)

    assert [d.kind for d in mine.deviations] == ["sla_breach"]
    assert len(mine.scorecard) == 3
    assert [d.kind for d in everything.deviations] == ["sla_breach", "sla_at_risk", "rejected_rows"]


def test_a_missing_file_reads_as_no_rows(tmp_path: Path):
    tables = read_run_tables(tmp_path)

    assert tables.deviations == () and tables.scorecard == ()
