"""Deconfliction: does a referred person look like someone already known?

Pure functions over names and dates; the selectors narrow the candidates in SQL first and apply
the policy afterwards. Names are compared folded (no case, no accents, no spaces or hyphens) with
a similarity ratio, so "Youssef El Amrani", "Yousef Elamrani" and "YOUSSEF EL-AMRANI" match.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from enum import Enum
from functools import cache

# Letters NFKD does not take apart.
_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "ð": "d"})

# Thresholds on the name similarity (0..1), by how well the dates of birth agree.
SAME_BIRTH_DATE = 0.75
NEAR_BIRTH_DATE = 0.88
UNKNOWN_BIRTH_DATE = 0.90
STRONG = 0.90


def fold(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Aït-Bella " -> "aitbella"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def initial(text: str) -> str:
    folded = fold(text)
    return folded[:1]


@cache
def letter_variants(letter: str) -> frozenset[str]:
    """Every Latin letter that folds to `letter`, in both cases: "c" -> {"c", "C", "ç", "Ç"...}.

    SQL's case-insensitive match knows nothing of accents (and SQLite's only of ASCII case), so
    the candidate query asks for each of these."""
    variants = {letter, letter.upper()}
    for code in range(0xC0, 0x250):
        char = chr(code)
        if char.isalpha() and fold(char)[:1] == letter:
            variants |= {char, char.upper(), char.lower()}
    return frozenset(variants)


def _ratio(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def name_similarity(first_a: str, last_a: str, first_b: str, last_b: str) -> float:
    """How alike two names are, 0..1, allowing for first and last name swapped or split
    differently ("Mohamed El | Amrani" against "Mohamed | El Amrani")."""
    fa, la, fb, lb = fold(first_a), fold(last_a), fold(first_b), fold(last_b)
    if not (fa or la) or not (fb or lb):
        return 0.0
    by_part = (_ratio(fa, fb) + _ratio(la, lb)) / 2 if fa and fb else _ratio(la, lb)
    swapped = (_ratio(fa, lb) + _ratio(la, fb)) / 2 if fa and fb else 0.0
    whole = max(_ratio(fa + la, fb + lb), _ratio(fa + la, lb + fb))
    return max(by_part, swapped, whole)


class BirthDate(Enum):
    SAME = "same"
    NEAR = "near"  # one part typed wrong, or day and month swapped
    UNKNOWN = "unknown"  # one of the two is not known
    DIFFERENT = "different"


def birth_date_agreement(a: date | None, b: date | None) -> BirthDate:
    if a is None or b is None:
        return BirthDate.UNKNOWN
    if a == b:
        return BirthDate.SAME
    parts_a, parts_b = (a.year, a.month, a.day), (b.year, b.month, b.day)
    same_parts = sum(x == y for x, y in zip(parts_a, parts_b, strict=True))
    swapped = a.year == b.year and a.month == b.day and a.day == b.month
    return BirthDate.NEAR if same_parts == 2 or swapped else BirthDate.DIFFERENT


class Strength(Enum):
    STRONG = "strong"
    POSSIBLE = "possible"


@dataclass(frozen=True)
class Score:
    similarity: float
    birth_date: BirthDate
    strength: Strength


def score(
    first_a: str, last_a: str, born_a: date | None, first_b: str, last_b: str, born_b: date | None
) -> Score | None:
    """A match, strong or possible, or None. Different known dates of birth never match."""
    agreement = birth_date_agreement(born_a, born_b)
    if agreement is BirthDate.DIFFERENT:
        return None
    similarity = name_similarity(first_a, last_a, first_b, last_b)
    threshold = {
        BirthDate.SAME: SAME_BIRTH_DATE,
        BirthDate.NEAR: NEAR_BIRTH_DATE,
        BirthDate.UNKNOWN: UNKNOWN_BIRTH_DATE,
    }[agreement]
    if similarity < threshold:
        return None
    strong = agreement is BirthDate.SAME and similarity >= STRONG
    return Score(similarity, agreement, Strength.STRONG if strong else Strength.POSSIBLE)
