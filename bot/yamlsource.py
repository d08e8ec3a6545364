"""YAML reading that remembers line numbers, so every problem can point at the line to fix.

Staff edit these files by hand; "line 42: unknown field 'questons'" is actionable where a bare
"invalid entry" is not. Mappings and lists come back as dict/list subclasses carrying the line of
the node and of each key or item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["MAX_EXPANDED_VALUES", "LineDict", "LineList", "YamlSyntaxError", "read_yaml"]

# Values a document may hold once its aliases (*name) are expanded. The largest shipped file has
# about 15,000; a "billion laughs" file of a few hundred bytes expands to billions, which every
# later walk over the data (checks, validation) would pay for.
MAX_EXPANDED_VALUES = 200_000


class LineDict(dict[Any, Any]):
    """A mapping with `line` (where it starts), `lines[key]`, and keys given twice."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.repeated_keys: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    """A list with `line` (where it starts) and `lines[i]` for each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    line: int
    message: str


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            result.repeated_keys.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.lines.append(item.start_mark.line + 1)
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(text: str) -> Any:
    """Parse one YAML document; raise YamlSyntaxError with a 1-based line on bad syntax, or
    when its aliases expand beyond MAX_EXPANDED_VALUES values."""
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_expansion(node)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlSyntaxError(line, message or "not valid YAML") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, str(exc)) from exc


def _check_expansion(root: yaml.Node) -> None:
    """Count the values of the document with every alias expanded, without expanding them: an
    aliased node is composed once and shared, so its size is computed once and reused."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_EXPANDED_VALUES:
                raise YamlSyntaxError(
                    node.start_mark.line + 1,
                    f"anchors and aliases (&name, *name) expand to more than "
                    f"{MAX_EXPANDED_VALUES:,} values",
                )
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
