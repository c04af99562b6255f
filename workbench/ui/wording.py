"""Words the pages share: counted nouns, role names, in the interface language."""

from __future__ import annotations

from workbench.domain.events import Direction, Precision
from workbench.domain.models import Role, SpeakerRole
from workbench.i18n import N_, format_number
from workbench.i18n import gettext as _

_ROLES = {
    Role.ADMIN: N_("admin"),
    Role.LEAD: N_("lead"),
    Role.RESEARCHER: N_("researcher"),
    Role.WRITER: N_("writer"),
}
_SPEAKERS = {
    SpeakerRole.INTERVIEWER: N_("interviewer"),
    SpeakerRole.PARTICIPANT: N_("participant"),
    SpeakerRole.OTHER: N_("other"),
}
_DIRECTIONS = {Direction.TOWARDS: N_("towards"), Direction.AWAY: N_("away"), Direction.NEUTRAL: N_("neutral")}
_PRECISIONS = {
    Precision.EXACT: N_("exact"),
    Precision.ABOUT: N_("about"),
    Precision.BEFORE: N_("before"),
    Precision.AFTER: N_("after"),
    Precision.RANGE: N_("range"),
}


def counted(n: int, phrase: str) -> str:
    """Fill ``{n}`` of an ``ngettext`` phrase with ``n`` in the language's number format.

    The phrase comes from the catalogue, so each language has its own plural rule: English
    "3 codings", Hungarian "3 kódolás" (a noun after a number stays singular). An English-only
    helper that added an "s" to a noun was removed for that reason.
    """
    return phrase.format(n=format_number(n))


def role_name(role: Role) -> str:
    return _(_ROLES[role])


def speaker_role_name(role: SpeakerRole) -> str:
    return _(_SPEAKERS[role])


def direction_name(direction: str) -> str:
    """A life event's direction (``towards``, ``away``, ``neutral``) in the interface language."""
    try:
        return _(_DIRECTIONS[Direction(direction)])
    except ValueError:
        return direction


def precision_name(precision: str) -> str:
    try:
        return _(_PRECISIONS[Precision(precision)])
    except ValueError:
        return precision


# Values shown through ``_()`` where they are options (their enums live below the ui layer).
MARKED = (
    N_("all words"),  # coding_search.MatchMode
    N_("any word"),
    N_("phrase"),
)


def attribute_heading(name: str) -> str:
    """An attribute's key as a column heading: ``offence_category`` reads "Offence category".

    The name is the project's data (the team chose it), so it is shown, not translated.
    """
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else name
