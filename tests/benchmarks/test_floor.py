"""The render floor renders each HTML file with WeasyPrint alone, in a pool."""

from __future__ import annotations

from pathlib import Path

from benchmarks.floor import render_floor


def test_every_html_file_is_rendered_once(tmp_path: Path) -> None:
    files = []
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.html"
        path.write_text(f"<html><body><h1>Report {name}</h1><p>{'text ' * 200}</p></body></html>")
        files.append(path)
    floor = render_floor(files, workers=2)
    assert floor.files == 3
    assert sorted(floor.per_file) == ["a.html", "b.html", "c.html"]
    assert floor.pdf_seconds_sum == sum(floor.per_file.values())
    assert all(seconds > 0 for seconds in floor.per_file.values())
