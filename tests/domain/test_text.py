import unicodedata

import pytest

from workbench.domain.text import check_span, normalize
from workbench.errors import InvalidInputError


def test_normalize_composes_and_unifies_line_ends() -> None:
    decomposed = unicodedata.normalize("NFD", "Kő és fű\r\nsor\rvég")
    assert normalize(decomposed) == "Kő és fű\nsor\nvég"
    assert len(normalize(decomposed)) == len("Kő és fű\nsor\nvég")


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 2), (3, 2), (0, 11)])
def test_spans_outside_the_text_are_rejected(start: int, end: int) -> None:
    with pytest.raises(InvalidInputError):
        check_span(10, start, end)


def test_span_inside_is_accepted() -> None:
    check_span(10, 0, 10)
