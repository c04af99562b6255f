"""Hungarian inflected forms of a name, so that a known name is found in every case.

Hungarian attaches case endings, possessives and the family plural directly to a name:
*Kovács* appears as *Kovácsnak*, *Kovácsékhoz*, *Kováccsal*; *Szeged* as *Szegeden*,
*Szegedre*, *szegedi*; *Anna* as *Annának*, *Annát*. This module generates those word forms
from a stem: vowel harmony picks the suffix variant (where a stem's harmony is ambiguous both
variants are generated, since recall comes first), a final *a*/*e* lengthens before a suffix,
and *-val/-vel* and *-vá/-vé* assimilate to a final consonant (digraphs double their first
letter: *cs* becomes *ccs*). The forms are plain strings, looked up by ``terms.TermMatcher``
with a dictionary rather than a regular expression, so matching stays linear in the text.
"""

from __future__ import annotations

BACK = "back"
FRONT = "front"
ROUNDED = "rounded"

_BACK_VOWELS = set("aáoóuú")
_ROUNDED_VOWELS = set("öőüű")
_NEUTRAL_VOWELS = set("ií")
_VOWELS = _BACK_VOWELS | _ROUNDED_VOWELS | _NEUTRAL_VOWELS | set("eé")
_DIGRAPHS = ("dzs", "cs", "dz", "gy", "ly", "ny", "sz", "ty", "zs")

# Case endings as (back, front unrounded, front rounded) variants.
_CASES: tuple[tuple[str, str, str], ...] = (
    ("nak", "nek", "nek"), ("ban", "ben", "ben"), ("ba", "be", "be"), ("ból", "ből", "ből"),
    ("ra", "re", "re"), ("ról", "ről", "ről"), ("tól", "től", "től"), ("nál", "nél", "nél"),
    ("hoz", "hez", "höz"), ("ért", "ért", "ért"), ("ig", "ig", "ig"), ("ként", "ként", "ként"),
    ("kor", "kor", "kor"), ("ul", "ül", "ül"), ("stul", "stül", "stül"), ("nként", "nként", "nként"),
)  # fmt: skip
# Endings whose shape depends on whether the word ends in a vowel.
_AFTER_VOWEL = (("t", "t", "t"), ("n", "n", "n"), ("k", "k", "k"))
_AFTER_CONSONANT = (
    ("t", "t", "t"), ("ot", "et", "öt"), ("at", "et", "et"), ("on", "en", "ön"), ("an", "en", "en"),
    ("ok", "ek", "ök"), ("ak", "ek", "ek"), ("ott", "ett", "ött"), ("at", "et", "öt"),
)  # fmt: skip
# Derivations that take case endings in turn: family plural, "wife of", possessive, adjective.
_DERIVATIONS = ("ék", "né", "é", "éi", "i")
_ASSIMILATING = (("al", "el", "el"), ("á", "é", "é"))  # -val/-vel, -vá/-vé after a consonant
_INDEX = {BACK: 0, FRONT: 1, ROUNDED: 2}


def harmonies(word: str) -> frozenset[str]:
    """The vowel-harmony classes a word's suffixes may follow (two where usage varies)."""
    vowels = [c for c in word.lower() if c in _VOWELS]
    if not vowels:
        return frozenset({BACK, FRONT})
    last = vowels[-1]
    if last in _BACK_VOWELS:
        return frozenset({BACK})
    if last in _ROUNDED_VOWELS:
        return frozenset({ROUNDED, FRONT})
    if last in "eé":
        return frozenset({FRONT, ROUNDED}) if any(v in _ROUNDED_VOWELS for v in vowels) else frozenset({FRONT})
    # i/í are neutral: a back vowel before them usually decides (papír -> papírnak), else front.
    if any(v in _BACK_VOWELS for v in vowels):
        return frozenset({BACK, FRONT})
    return frozenset({FRONT})


def _ends_with_vowel(word: str) -> bool:
    return bool(word) and word[-1].lower() in _VOWELS


def _doubled_final(word: str) -> str:
    """The word with its final consonant doubled, as before an assimilated -val/-vel."""
    lower = word.lower()
    for digraph in _DIGRAPHS:
        if lower.endswith(digraph):
            return word[: -len(digraph)] + word[-len(digraph)] + word[-len(digraph) :]
    if len(word) >= 2 and lower[-1] == lower[-2]:
        return word  # already long: Kiss + vel -> Kissel
    return word + word[-1]


def _case_forms(base: str, classes: frozenset[str]) -> set[str]:
    forms = {base}
    tail = _AFTER_VOWEL if _ends_with_vowel(base) else _AFTER_CONSONANT
    for harmony in classes:
        i = _INDEX[harmony]
        forms.update(base + case[i] for case in _CASES + tail)
        if _ends_with_vowel(base):
            forms.update(base + "v" + ending[i] for ending in _ASSIMILATING)
        else:
            forms.update(_doubled_final(base) + ending[i] for ending in _ASSIMILATING)
    return forms


def _stems(word: str) -> set[str]:
    stems = {word}
    if word.endswith("a"):
        stems.add(word[:-1] + "á")
    elif word.endswith("e"):
        stems.add(word[:-1] + "é")
    return stems


# Deliberately not cached: words come from transcripts and known names, and a process-wide cache
# would keep them in memory shared by every session (about 70 µs a call, so nothing is lost).
def inflected_forms(word: str) -> frozenset[str]:
    """Every generated form of ``word`` (itself included), lower-cased.

    >>> sorted(f for f in inflected_forms("Kovács") if f.startswith("kovácsék"))[:3]
    ['kovácsék', 'kovácsékat', 'kovácsékba']
    """
    word = word.lower()
    classes = harmonies(word)
    forms: set[str] = set()
    for stem in _stems(word):
        forms |= _case_forms(stem, classes)
        for derivation in _DERIVATIONS:
            forms |= _case_forms(stem + derivation, classes)
        for plural in ("k", "ok", "ek", "ök", "ak") if not _ends_with_vowel(stem) else ("k",):
            forms |= _case_forms(stem + plural, classes)
        forms |= _case_forms(stem + "ie", classes)  # szegedi + ek (plural adjective) comes via "i"
    forms.add(word + "s")  # English plural (the Smiths)
    return frozenset(forms)


def adjective_prefixes(word: str) -> tuple[tuple[str, ...], str]:
    """What ``is_adjective_form`` tests: the adjective stems (*szegedi*) and the *-ig* form that is not one.

    Computed once per word, so matching all of a word's forms costs two ``startswith`` each.
    """
    word = word.lower()
    return tuple(stem + "i" for stem in _stems(word)), word + "ig"


def is_adjective_form(word: str, form: str) -> bool:
    """Whether ``form`` is built on the place adjective (*szegedi*), written in lower case."""
    adjectives, terminative = adjective_prefixes(word)
    return form.startswith(adjectives) and not form.startswith(terminative)
