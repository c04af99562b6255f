import datetime as dt

import pytest

from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.errors import InvalidInputError

AGE = AttributeDef("age", AttributeType.INTEGER)
WHEN = AttributeDef("first_interview", AttributeType.DATE)
OFFENCE = AttributeDef("offence", AttributeType.CATEGORY, ("violent", "drug"))


def test_parsing_and_canonical_round_trip() -> None:
    assert AGE.parse(" 34 ") == 34
    assert WHEN.parse("2025-03-14") == dt.date(2025, 3, 14)
    assert WHEN.decode(WHEN.encode(dt.date(2025, 3, 14))) == dt.date(2025, 3, 14)
    assert OFFENCE.parse("drug") == "drug"


@pytest.mark.parametrize(
    ("definition", "raw"),
    [(AGE, "thirty"), (AGE, True), (WHEN, "14/03/2025"), (OFFENCE, "fraud")],
)
def test_invalid_values_name_the_attribute(definition: AttributeDef, raw: object) -> None:
    with pytest.raises(InvalidInputError, match=definition.name):
        definition.parse(raw)
