"""Who may change a coding or memo: one rule, by member id, for the Code page and the service."""

from __future__ import annotations

import pytest

from workbench.domain.models import Role, User
from workbench.domain.permissions import may_change_coding, may_delete_memo

ANNA = User("u-anna", "anna", Role.RESEARCHER)


@pytest.mark.parametrize("rule", [may_change_coding, may_delete_memo])
def test_a_researcher_may_change_only_work_under_their_own_id(rule: object) -> None:
    assert callable(rule)
    assert rule(ANNA, "u-anna")
    assert not rule(ANNA, "u-bence")
    # a member who later takes anna's old name is someone else: the id decides, not the name
    assert not rule(User("u-new", "anna", Role.RESEARCHER), "u-anna")


@pytest.mark.parametrize("role", [Role.LEAD, Role.ADMIN])
def test_leads_and_admins_may_change_anyones(role: Role) -> None:
    assert may_change_coding(User("u-l", "lena", role), "u-anna")
    assert may_delete_memo(User("u-l", "lena", role), "u-anna")


def test_a_writer_may_change_nothing_not_even_under_their_own_id() -> None:
    wanda = User("u-w", "wanda", Role.WRITER)
    assert not may_change_coding(wanda, "u-w")
    assert not may_delete_memo(wanda, "u-w")
