"""How a page names the person of a case: people first, as far as the reader may see them.

"Ayoub B. · AB-0013" for a reader the policy lets read identities on the case; "A. B. · AB-0013"
(the initials the pseudonymous code already holds) for one it does not; the code alone when the
code holds no initials (an anonymised person). The case reference comes after, as secondary text.

Labels are computed for a whole page of cases at once, with no query: the rows must come from a
selector that already filtered them by access.policy.case_filter (a case list, an agenda, a
panel), so that the only question left is the reader's, asked once.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from access import policy
from accounts.types import Actor
from cases.models import Case, Person

# What cases.services.person_create makes: two initials, a dash, a number.
_CODE_INITIALS = re.compile(r"^([A-Z])([A-Z])-\d+$")
SEPARATOR = " · "
T = TypeVar("T")


@dataclass(frozen=True)
class PersonLabel:
    name: str
    code: str
    identified: bool

    def __str__(self) -> str:
        return f"{self.name}{SEPARATOR}{self.code}" if self.name else self.code


def _code_initials(code: str) -> str:
    match = _CODE_INITIALS.match(code)
    return f"{match[1]}. {match[2]}." if match else ""


def person_label(person: Person, *, identity: bool) -> PersonLabel:
    """The label of one person: with identity, first name and last initial."""
    if identity:
        first = person.first_name.strip()
        last = person.last_name.strip()
        name = " ".join(part for part in (first, f"{last[:1]}." if last else "") if part)
        if name:
            return PersonLabel(name=name, code=person.code, identified=True)
    return PersonLabel(name=_code_initials(person.code), code=person.code, identified=False)


def label_cases(
    rows: Iterable[T], *, user: Actor, case_of: Callable[[T], Case | None] | None = None
) -> list[T]:
    """Give each case among `rows` (or case_of(row)) its `person_label`, as this reader may see
    the person. The rows are cases the reader sees (from a selector filtered by the policy);
    their persons come with them (select_related), so this asks the database nothing."""
    identity = policy.may_read_identities(user)
    rows = list(rows)
    for row in rows:
        case = case_of(row) if case_of else row
        if case is not None:
            case.person_label = person_label(case.person, identity=identity)
    return rows


def labelled(
    rows: Iterable[T], *, user: Actor, case_of: Callable[[T], Case | None] | None = None
) -> Iterator[T]:
    """label_cases, lazily: for a home panel whose rows are fetched only if its template shows
    them."""
    yield from label_cases(rows, user=user, case_of=case_of)


def label_of(case: Case) -> PersonLabel:
    """The label a page computed for this case; initials and code if it computed none (a page
    that forgot to ask shows less, never more)."""
    label = getattr(case, "person_label", None)
    return label if label is not None else person_label(case.person, identity=False)
