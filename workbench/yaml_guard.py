"""One loader for every YAML file that comes from a user: no anchors, no aliases, bounded size and depth.

YAML anchors (``&name``) and aliases (``*name``) let a file of a few hundred bytes
describe millions of nodes ("billion laughs"): a 600-byte codebook with aliases
nested nine deep took 3.7 GB of memory and did not finish. ``yaml.safe_load``
guards against code execution, not against this. Workbench files (codebooks,
known-entity lists) never need anchors, so this loader refuses them at the first
one, before anything is expanded. The input's size is capped before parsing and
the nesting depth during it (a deep ``[[[[...`` would otherwise exhaust the
recursion limit). Files the workbench ships itself may still use ``yaml.safe_load``.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

MAX_DEPTH = 64


class RefusedYaml(yaml.YAMLError):
    """A YAML feature this loader does not accept; ``reason`` is ``alias`` or ``depth``."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class NoAliasSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose composer refuses anchors and aliases and nesting beyond ``MAX_DEPTH``."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
            raise RefusedYaml("alias", line)
        collection = isinstance(event, CollectionStartEvent)
        if collection:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise RefusedYaml("depth", line)
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1


def load_untrusted_yaml(name: str, data: bytes, *, what: str, max_bytes: int) -> Any:
    """Parse ``data`` (UTF-8, optionally with a BOM) or raise ``InvalidInputError`` naming ``name``.

    ``what`` names the kind of file in messages ("YAML codebook"). Messages never
    quote the content.
    """
    if len(data) > max_bytes:
        raise InvalidInputError(
            _("{name}: the {what} is larger than {max_bytes}; refused.").format(
                name=name, what=what, max_bytes=_size(max_bytes)
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(_("{name}: the {what} is not UTF-8 text.").format(name=name, what=what)) from None
    loader = NoAliasSafeLoader(text)
    try:
        return loader.get_single_data()
    except RefusedYaml as refused:
        if refused.reason == "alias":
            raise InvalidInputError(
                _(
                    "{name}: the {what} uses YAML anchors and aliases (&name / *name) at line {line}, which "
                    "workbench files never need; refused, because a few hundred bytes of nested aliases can expand "
                    "to millions of entries. Write the values out in full."
                ).format(name=name, what=what, line=refused.line)
            ) from None
        raise InvalidInputError(
            _(
                "{name}: the {what} nests lists or mappings more than {MAX_DEPTH} levels deep (line {line}); refused."
            ).format(name=name, what=what, MAX_DEPTH=MAX_DEPTH, line=refused.line)
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidInputError(
            _("{name}: not a readable {what} ({name2}).").format(name=name, what=what, name2=type(exc).__name__)
        ) from None
    finally:
        loader.dispose()


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
