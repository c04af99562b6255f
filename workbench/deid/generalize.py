"""Generalizing participant attributes before they leave the project.

Rules per attribute come from the project setting ``deid.generalize``, for example::

    {"age": {"rule": "band", "width": 10}, "town": {"rule": "region"},
     "first_interview": {"rule": "year"}, "notes": {"rule": "drop"}}

Rules: ``keep``, ``drop``, ``band`` (integers to ranges such as ``30-39``), ``year`` (dates to
their year), ``region`` / ``county`` (Hungarian towns to their statistical region or county,
from the shipped table ``data/towns_hu.yaml`` plus an optional ``extra`` mapping; unknown towns
become ``other``). Attributes without a rule follow their type: integers are banded by 10,
dates become years, categories are kept and free text is dropped (it may hold anything).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

SETTING_KEY = "deid.generalize"
RULES = ("keep", "drop", "band", "year", "region", "county")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Rule:
    kind: str
    width: int = 10
    extra: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{self.kind} of {self.width}" if self.kind == "band" else self.kind


@lru_cache(maxsize=1)
def town_table() -> dict[str, tuple[str, str]]:
    """Town -> (county, region), keyed by the case-folded town name."""
    text = resources.files("workbench.deid").joinpath("data/towns_hu.yaml").read_text(encoding="utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return {town.casefold(): (county, region) for town, (county, region) in data.items()}


def default_rule(definition: AttributeDef) -> Rule:
    return {
        AttributeType.INTEGER: Rule("band"),
        AttributeType.DATE: Rule("year"),
        AttributeType.CATEGORY: Rule("keep"),
        AttributeType.TEXT: Rule("drop"),
    }[definition.type]


def parse_rules(setting: Any, definitions: list[AttributeDef]) -> dict[str, Rule]:
    """Every attribute's rule: the setting where it names one, else the default for its type."""
    configured = setting if isinstance(setting, dict) else {}
    rules = {d.name: default_rule(d) for d in definitions}
    for name, spec in configured.items():
        if name not in rules:
            continue
        if not isinstance(spec, dict) or spec.get("rule") not in RULES:
            raise InvalidInputError(
                _("{SETTING_KEY}: the rule for {name!r} must be an object with 'rule' one of {RULES}.").format(
                    SETTING_KEY=SETTING_KEY, name=name, RULES=", ".join(RULES)
                )
            )
        width = int(spec.get("width", 10))
        if width < 1:
            raise InvalidInputError(
                _("{SETTING_KEY}: the band width for {name!r} must be at least 1.").format(
                    SETTING_KEY=SETTING_KEY, name=name
                )
            )
        extra = {str(k).casefold(): str(v) for k, v in dict(spec.get("extra", {})).items()}
        rules[name] = Rule(str(spec["rule"]), width, extra)
    return rules


def generalize(value: object, rule: Rule) -> str | None:
    """The exported form of one value; ``None`` when the attribute is dropped."""
    if rule.kind == "drop":
        return None
    if value is None or value == "":
        return UNKNOWN
    if rule.kind == "band":
        return _band(value, rule.width)
    if rule.kind == "year":
        return _year(value)
    if rule.kind in ("region", "county"):
        return _place(str(value), rule)
    return str(value)


def _band(value: object, width: int) -> str:
    try:
        number = int(str(value))
    except ValueError:
        return UNKNOWN
    low = number // width * width
    return f"{low}-{low + width - 1}" if width > 1 else str(number)


def _year(value: object) -> str:
    if isinstance(value, dt.date):
        return str(value.year)
    text = str(value)
    return text[:4] if text[:4].isdigit() else UNKNOWN


def _place(town: str, rule: Rule) -> str:
    key = town.strip().casefold()
    if key in rule.extra:
        return rule.extra[key]
    found = town_table().get(key)
    if found is None:
        return "other"
    return found[1] if rule.kind == "region" else found[0]
