"""Reading the user's input files safely: bounded size, text only, strict YAML, bounded
echo.

Every file a command reads (scenario, sweep, hypothesis, calibration and manifest files) goes
through :func:`read_text`, which refuses what is not a regular file, is larger than
:data:`MAX_INPUT_BYTES`, holds NUL bytes or is not UTF-8, before any parsing. YAML is loaded
with :class:`StrictLoader` (PyYAML's safe loader that also refuses a key given twice) and its
result is walked once (:func:`check_size`) so that an alias bomb, a few hundred bytes whose
anchors expand to billions of values, or nesting thousands of levels deep is refused before
anything (validation, copying, error messages) traverses it. :func:`short` shows a value in an
error message without ever serialising more of it than it prints.
"""

from __future__ import annotations

import json
import math
import reprlib
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_INPUT_BYTES = 4 * 2**20
"""Largest input file read (4 MiB; the largest shipped configuration is ~3 kB)."""
MAX_VALUES = 200_000
"""Most values (mapping entries and list items, counted every time an alias repeats them) an
input may hold once expanded."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""


class InputError(ValueError):
    """An input file that cannot be read as the text it should be (exit status 2)."""


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``; :class:`InputError` naming the file and the problem when
    it is not a readable regular file, is too large, is binary or is not UTF-8."""
    if "\x00" in str(path):
        raise InputError(f"{str(path)!r}: not a usable file name")
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise InputError(f"{path}: cannot read {what}: it is {kind}")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(
            f"{path}: larger than {MAX_INPUT_BYTES // 2**20} MiB; not {what} (expected a small "
            "text file)"
        )
    if b"\0" in raw:
        raise InputError(f"{path}: a binary file (it holds NUL bytes); expected {what} as text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            f"save {what} as UTF-8"
        ) from None


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses a mapping key given twice (the YAML spec says keys
    are unique; PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key {short(key, 40)} given twice (first on line "
                        f"{seen[key].start_mark.line + 1}, again on line {line}); keys must be "
                        "unique",
                        key_node.start_mark,
                    )
                seen[key] = key_node
            except TypeError:  # an unhashable key: the base class reports it
                break
        return super().construct_mapping(node, deep=deep)


def check_size(data: Any, where: str) -> None:
    """Refuse ``data`` (parsed YAML or JSON) that expands to more than :data:`MAX_VALUES`
    values or nests deeper than :data:`MAX_DEPTH`; walks at most that many values."""
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            children: Any = list(node.keys()) + list(node.values())
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        count += len(children)
        if count > MAX_VALUES:
            raise InputError(
                f"{where}: expands to more than {MAX_VALUES:,} values (YAML anchors and "
                "aliases repeating each other?); refused"
            )
        stack.extend((c, depth + 1) for c in children)


def load_yaml(text: str, where: str) -> Any:
    """Parse YAML text strictly (:class:`StrictLoader`) and check its size
    (:func:`check_size`); :class:`InputError` naming ``where`` on any problem."""
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        msg = str(exc).replace('"<unicode string>"', where)
        raise InputError(f"{where}: not valid YAML: {short_text(msg, 400)}") from None
    except RecursionError:
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    check_size(data, where)
    return data


def load_json(text: str, where: str) -> Any:
    """Parse JSON text and check its size; :class:`InputError` naming ``where``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc})") from None
    except RecursionError:
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    check_size(data, where)
    return data


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple = 3, 4, 6, 6
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = 60, 60, 40


def is_number(v: Any) -> bool:
    """A finite int or float, not a boolean (an int too large for a float is not one)."""
    if not isinstance(v, int | float) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def short_text(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short(value: Any, limit: int = 80) -> str:
    """A bounded rendering of ``value`` for an error message: never walks or serialises
    more of it than it shows (an alias bomb is printed in microseconds)."""
    if value is None or isinstance(value, bool | int | float | str):
        text = json.dumps(value) if not isinstance(value, int | float) else _REPR.repr(value)
        if isinstance(value, str) and len(value) > limit:
            text = json.dumps(value[:limit])
        return short_text(text, limit)
    return short_text(_REPR.repr(value), limit)
