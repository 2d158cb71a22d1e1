"""YAML through libyaml when plain, through the strict pure-Python loader otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from partner_review.yamlfile import YamlProblem, _load, _plain, _StrictLoader, read_yaml_mapping

DEMO = Path(__file__).resolve().parents[2] / "inputs"

TRICKY = [
    "a: 2026-02-28\nb: 2026-02-28 10:30:00\nc: '2026-02-28'\n",
    "yes: no\noff: On\nnull_: ~\nempty:\n",
    "ints: [0x1F, 0o17, 1_000, -0, +7]\nfloats: [1e3, .inf, -.Inf, .nan, 6.5]\n",
    "folded: >\n  one\n  two\n\nliteral: |\n  keep\n   indent\n",
    "quoted: \"tab\\there \\u00e9 \\x41\"\nsingle: 'it''s'\n",
    "anchor_only: &a 5\nlist:\n- - 1\n  - {x: 1, 'y': [2, 3]}\n",
    "\ufeffbom: true\n",
    "unicode: 'Genève — 東京'\n",
]


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8-sig") for p in
                                  sorted(DEMO.rglob("*.yaml"))] + TRICKY)  # fmt: skip
def test_libyaml_path_reads_what_the_strict_loader_reads(text: str) -> None:
    assert _plain(text)
    assert _load(text) == yaml.load(text, Loader=_StrictLoader)


@pytest.mark.parametrize(
    "text",
    ["a: &x [1]\nb: *x\n", "a: " + "[" * 51 + "]" * 51 + "\n", "a: [1\n", "- a\n  b: c\n"],
)
def test_aliases_deep_nesting_and_syntax_errors_are_left_to_the_strict_loader(text: str) -> None:
    assert not _plain(text)


def test_a_million_levels_of_nesting_is_one_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n")
    with pytest.raises(YamlProblem) as raised:
        read_yaml_mapping(path, "deep.yaml", max_bytes=10_000_000)
    assert str(raised.value) == "deep.yaml:1: invalid YAML: nested deeper than 50 levels"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb:\n  c: 2\n  c: 3\n", "x.yaml:4: invalid YAML: duplicate key 'c'"),
        ("a: 2026-02-30\n", "x.yaml:1: invalid YAML: '2026-02-30' is not a valid date"),
        ("a: [1\n", "x.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>'"),
    ],
)
def test_problems_found_on_either_path_keep_the_strict_loaders_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(YamlProblem) as raised:
        read_yaml_mapping(path, "x.yaml")
    assert str(raised.value).startswith(expected)
