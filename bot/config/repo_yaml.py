"""YAML text to plain data plus the node tree, so every problem can name its line and column."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.core.config_check import ConfigProblem

#: A configuration is a few lines; anything this large is a mistake or an attack.
MAX_CONFIG_BYTES = 256 * 1024
KeyPath = tuple[str | int, ...]


class FatalProblem(Exception):
    """A problem that stops reading the file at all (size, encoding, YAML syntax)."""

    def __init__(self, problem: ConfigProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases: a config needs none, and expanding them is how
    a few bytes of YAML become gigabytes ("billion laughs")."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in the configuration", mark
            )
        return super().compose_node(parent, index)


def dotted(path: KeyPath) -> str:
    """``("fixes", "select", 0)`` → ``fixes.select[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def problem_at(node: Node | None, path: KeyPath, message: str) -> ConfigProblem:
    """A problem located at ``node`` (1-based line and column; the file start without one)."""
    if node is None:
        return ConfigProblem(dotted(path), 1, 1, message)
    mark = node.start_mark
    return ConfigProblem(dotted(path), mark.line + 1, mark.column + 1, message)


def decode(source: str | bytes) -> str:
    """The file's text; too large or not UTF-8 is a ``FatalProblem``."""
    size = len(source.encode("utf-8")) if isinstance(source, str) else len(source)
    if size > MAX_CONFIG_BYTES:
        raise FatalProblem(ConfigProblem("", 1, 1, "the file is larger than 256 KiB"))
    if isinstance(source, str):
        return source
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = source.count(b"\n", 0, exc.start) + 1
        column = exc.start - (source.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FatalProblem(ConfigProblem("", line, column, "the file is not UTF-8 text")) from None


def compose(text: str) -> Node | None:
    """The single YAML document's node tree (None when the file holds no document)."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"invalid YAML: the special character U+{exc.character:04X} is not allowed"
        raise FatalProblem(ConfigProblem("", line, column, message)) from None
    except yaml.MarkedYAMLError as exc:
        raise FatalProblem(_yaml_problem(exc)) from None
    except RecursionError:
        raise FatalProblem(ConfigProblem("", 1, 1, "the YAML is nested too deeply")) from None


def _yaml_problem(exc: yaml.MarkedYAMLError) -> ConfigProblem:
    mark = exc.problem_mark or exc.context_mark
    message = f"invalid YAML: {exc.problem or exc.context}"
    if exc.context and (exc.problem or "").startswith("but "):  # "expected X, but found Y"
        message = f"invalid YAML: {exc.context}, {exc.problem}"
    elif exc.problem and exc.context and exc.context_mark is not None:
        where = f"line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message += f" ({exc.context} at {where})"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return ConfigProblem("", line, column, message)


def to_data(root: Node, problems: list[ConfigProblem]) -> Any:
    """Plain data from the node tree. Keys are their text as written (``yes:`` stays "yes",
    so it reads as an unknown key rather than a boolean); duplicate keys, non-scalar keys and
    non-finite numbers are added to ``problems`` (the first occurrence of a key is kept)."""
    constructor = SafeConstructor()

    def convert(node: Node, path: KeyPath) -> Any:
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            seen: dict[str, Node] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    problems.append(problem_at(key_node, path, "a key must be a plain name"))
                    continue
                key = str(key_node.value)
                if key in seen:
                    first = seen[key].start_mark.line + 1
                    message = f"duplicate key {key!r} (first at line {first})"
                    problems.append(problem_at(key_node, (*path, key), message))
                    continue
                seen[key] = key_node
                out[key] = convert(value_node, (*path, key))
            return out
        if isinstance(node, SequenceNode):
            return [convert(item, (*path, index)) for index, item in enumerate(node.value)]
        value = constructor.construct_object(node)
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(problem_at(node, path, f"must be a finite number, got {node.value}"))
        return value

    return convert(root, ())


def node_at(root: Node, path: Sequence[str | int]) -> tuple[Node, Node | None]:
    """The value node at ``path`` and its key node (the deepest node found on the way)."""
    node, key_node = root, None
    for part in path:
        if isinstance(node, MappingNode) and isinstance(part, str):
            found = next(
                ((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == part),
                None,
            )
            if found is None:
                break
            key_node, node = found
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            break
    return node, key_node
