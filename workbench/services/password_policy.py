"""Refusing guessable passwords and passphrases wherever one is set.

Length alone let ``aaaaaaaaaaaa`` and ``1234567890`` through. Every password a member
sets (``init``, ``user add``, ``user passwd``, the Account page) and the project
passphrase go through ``refuse_weak``, which asks zxcvbn (Dropbox's estimator,
MIT licence, pinned in pyproject.toml; its word lists ship inside the package, so it
works offline) how many guesses the secret would take, counting common passwords,
dictionary words, names, keyboard walks, repeats and sequences, and the user's own
name. Below ``MIN_SCORE`` (about 10^8 guesses) it is refused; the message gives the
estimator's reason but never repeats the secret.
"""

from __future__ import annotations

from collections.abc import Sequence

from zxcvbn import zxcvbn

from workbench.errors import InvalidInputError
from workbench.i18n import current_language
from workbench.i18n import gettext as _

MIN_SCORE = 3  # zxcvbn's scale 0-4; 3 is "safely unguessable" for an online attacker, ~10^8 guesses
_CHECKED_CHARS = 100  # zxcvbn's cost grows with length; a long secret is judged by its start


def refuse_weak(secret: str, what: str = "password", *, context: Sequence[str] = ()) -> None:
    """Raise ``InvalidInputError`` if ``secret`` is easy to guess (``context``: names that make it so)."""
    result = zxcvbn(secret[:_CHECKED_CHARS], user_inputs=[c for c in context if c])
    if int(result["score"]) >= MIN_SCORE:
        return
    feedback = result.get("feedback") or {}
    reason = str(feedback.get("warning") or "").strip().rstrip(".")
    # zxcvbn's feedback is English only: shown in an English interface, left out of another.
    because = f" ({reason.lower()})" if reason and current_language() == "en" else ""
    if what == "passphrase":
        message = _(
            "The passphrase is too easy to guess{because}. Use a few unrelated words, or a longer phrase that is "
            "not a common saying, a name, a keyboard pattern or a repeated character."
        )
    else:
        message = _(
            "The password is too easy to guess{because}. Use a few unrelated words, or a longer phrase that is "
            "not a common saying, a name, a keyboard pattern or a repeated character."
        )
    raise InvalidInputError(message.format(because=because))
