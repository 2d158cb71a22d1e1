"""Reading YAML that users write: safe, no aliases, no duplicate keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from partner_review.errors import Problem

YAML_MAX_BYTES = 1_000_000  # larger configuration files are refused
_MAX_DEPTH = 50  # nesting levels; deeper documents would exhaust Python's recursion limit


class _StrictConstruction(yaml.constructor.SafeConstructor):
    """Constructor checks of both loaders: duplicate keys, impossible dates."""

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{node.value!r} is not a valid date ({exc}); write a real date as YYYY-MM-DD",
                node.start_mark,
            ) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_StrictConstruction, yaml.SafeLoader):
    """SafeLoader that refuses aliases (billion-laughs), duplicate keys and deep nesting.

    Pure Python: the reference for what is accepted and for every error message.
    """

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed", event.start_mark
            )
        if self._depth >= _MAX_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"nested deeper than {_MAX_DEPTH} levels", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# SafeConstructor registered its own function for dates: point the tag at the checked one
# (types-PyYAML's add_constructor accepts only its own loader classes' methods)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_StrictLoader.add_constructor(_TIMESTAMP, _StrictLoader.construct_yaml_timestamp)  # type: ignore[type-var]

if yaml.__with_libyaml__:

    class _FastLoader(_StrictConstruction, yaml.CSafeLoader):
        """The same constructor on libyaml's parser and composer (4-5× faster here)."""

    _FastLoader.add_constructor(_TIMESTAMP, _FastLoader.construct_yaml_timestamp)  # type: ignore[type-var]


def _load(text: str) -> Any:
    """The document, through libyaml when the text is plain (no alias, not too deep, no
    error); anything else, errors included, is loaded again by _StrictLoader, whose
    checks and messages are the reference."""
    if yaml.__with_libyaml__ and _plain(text):
        try:
            return yaml.load(text, Loader=_FastLoader)  # a CSafeLoader subclass
        except Exception:
            pass
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass


def _plain(text: str) -> bool:
    """No alias and no node deeper than _MAX_DEPTH, read from libyaml's events (its
    composer recurses in C, so depth is checked before composing)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return False
            if isinstance(event, yaml.NodeEvent) and depth >= _MAX_DEPTH:
                return False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return False
    return True


def read_yaml_mapping(path: Path, label: str, max_bytes: int = YAML_MAX_BYTES) -> dict[str, Any]:
    """The mapping at the top of a YAML file, or a Problem-raising ValueError."""
    if path.stat().st_size > max_bytes:
        raise YamlProblem(Problem(label, f"file is larger than {max_bytes} bytes"))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise YamlProblem(Problem(label, "not UTF-8 text", hint="save the file as UTF-8")) from None
    try:
        data = _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(
            Problem(label, f"invalid YAML: {exc.problem or exc.context}", line=line)
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(label, f"invalid YAML: {exc}")) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # a tagged or complex scalar PyYAML cannot build (!!int 0x, a list as a key...)
        raise YamlProblem(
            Problem(label, f"invalid YAML value: {exc}", hint="write plain values")
        ) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise YamlProblem(
            Problem(
                label,
                f"the file must be a mapping of keys, not {kind}",
                hint="start with 'key: value' lines",
            )
        )
    return data


class YamlProblem(Exception):
    """A YAML file that cannot be read as a mapping."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
