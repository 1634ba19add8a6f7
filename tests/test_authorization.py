"""Every URL of the project, for every role, on objects inside and outside the user's grants.

A URL pattern with no expectation here fails `test_every_url_pattern_has_an_expectation`, so a
new page cannot slip through untested. Statuses: 200 page, 302 redirect (to sign-in for the
anonymous), 403 seen but not allowed to change, 404 does not exist for this user, 405 wrong
method.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from access import services as access_services
from access.models import Level, Role
from cases import services as case_services
from cases.models import Escalation
from tests.factories import AgencyFactory, make_case, make_person, make_user

CANARY_L4 = "CANARY-L4-police-intelligence-7731"
CANARY_L3 = "CANARY-L3-agency-held-5520"
CANARY_L2 = "CANARY-L2-shared-secrecy-1184"
CANARY_OUT = "CANARY-OUTSIDE-CASE-9042"
CANARY_NAME = "Zebulonius"

# The roles tried on every page. "police_other" is police of another zone on the same case.
ROLES = [
    "anonymous",
    "social_worker",
    "police",
    "police_other",
    "information_officer",
    "coordinator",
    "youth_worker",
    "partner",
    "mayor_office",
    "admin",
]


@dataclass
class World:
    users: dict
    case_in: object
    case_out: object
    entry_in: object
    entry_out: object
    attachment_in: object
    attachment_out: object
    action_in: object
    action_out: object
    escalation_in: object
    escalation_out: object
    release_in: object
    release_out: object
    request_in: object
    request_out: object


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def world(db, settings, tmp_path, django_capture_on_commit_callbacks) -> World:
    settings.MEDIA_ROOT = tmp_path
    social_agency = AgencyFactory(name="Social Prevention")
    police_agency = AgencyFactory(name="Police Zone North")
    other_police = AgencyFactory(name="Police Zone South")
    other_social = AgencyFactory(name="Other Social Service")
    users = {
        "social_worker": make_user(role=Role.SOCIAL_WORKER, agency=social_agency),
        "police": make_user(role=Role.POLICE, agency=police_agency),
        "police_other": make_user(role=Role.POLICE, agency=other_police),
        "information_officer": make_user(role=Role.INFORMATION_OFFICER, agency=police_agency),
        "coordinator": make_user(role=Role.COORDINATOR, agency=social_agency),
        "youth_worker": make_user(role=Role.YOUTH_WORKER),
        "partner": make_user(role=Role.PARTNER),
        "mayor_office": make_user(role=Role.MAYOR_OFFICE),
        "admin": make_user(role=Role.ADMIN),
    }
    outsider = make_user(role=Role.SOCIAL_WORKER, agency=other_social)
    now = timezone.now() - timedelta(hours=1)

    case_in = make_case(owner=users["social_worker"], person=make_person(first_name=CANARY_NAME))
    for member in ("police", "police_other"):
        case_services.team_add_user(
            case=case_in, user=users[member], granted_by=users["social_worker"], reason="team"
        )
    entry_in = case_services.entry_add(
        case=case_in,
        author=users["social_worker"],
        kind="note",
        occurred_at=now,
        level=Level.L2,
        text=f"Shared in conference {CANARY_L2}",
        attachment=pdf("in.pdf"),
    )
    case_services.entry_add(
        case=case_in,
        author=users["police"],
        kind="police_information",
        occurred_at=now,
        level=Level.L4,
        text=f"Intelligence {CANARY_L4}",
    )
    case_services.entry_add(
        case=case_in,
        author=users["police"],
        kind="observation",
        occurred_at=now,
        level=Level.L3,
        text=f"Held by the zone {CANARY_L3}",
    )
    case_out = make_case(owner=outsider)
    entry_out = case_services.entry_add(
        case=case_out,
        author=outsider,
        kind="note",
        occurred_at=now,
        level=Level.L1,
        text=f"Elsewhere {CANARY_OUT}",
        attachment=pdf("out.pdf"),
    )
    due = timezone.localdate() + timedelta(days=7)
    action_in = case_services.action_add(
        case=case_in,
        created_by=users["social_worker"],
        description="Visit",
        owner=users["social_worker"],
        due_date=due,
    )
    action_out = case_services.action_add(
        case=case_out, created_by=outsider, description="Call", owner=outsider, due_date=due
    )
    escalation_in, escalation_out = (
        case_services.escalation_raise(
            case=case,
            raised_by=case.owner,
            audience=Escalation.Audience.COORDINATOR,
            summary="Needs a decision",
            decision_requested="Approve outreach",
        )
        for case in (case_in, case_out)
    )
    expires = timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        release_in = access_services.release_create(
            case=case_in,
            author=users["information_officer"],
            title="For outreach",
            summary="Meet him at the youth centre.",
            purpose="outreach",
            legal_basis="LIVC law",
            expires_on=expires,
            recipient_users=[users["youth_worker"]],
        )
        release_out = access_services.release_create(
            case=case_out,
            author=users["information_officer"],
            title="For someone else",
            summary="Not for you.",
            purpose="other",
            legal_basis="LIVC law",
            expires_on=expires,
            recipient_users=[outsider],
        )
    request_in = access_services.access_request_create(
        user=outsider, reference=case_in.reference, reason="I work with his brother"
    )
    request_out = access_services.access_request_create(
        user=users["social_worker"], reference=case_out.reference, reason="Neighbourhood"
    )
    return World(
        users=users,
        case_in=case_in,
        case_out=case_out,
        entry_in=entry_in,
        entry_out=entry_out,
        attachment_in=entry_in.attachments.get(),
        attachment_out=entry_out.attachments.get(),
        action_in=action_in,
        action_out=action_out,
        escalation_in=escalation_in,
        escalation_out=escalation_out,
        release_in=release_in,
        release_out=release_out,
        request_in=request_in,
        request_out=request_out,
    )


# --- Expectations ----------------------------------------------------------------------------

ALL_SIGNED_IN = [r for r in ROLES if r != "anonymous"]
CASE_WORKERS = ["social_worker", "police", "police_other", "information_officer", "coordinator"]


def answer(default: int, anonymous: int = 302, **by_role: int) -> dict[str, int]:
    statuses = dict.fromkeys(ROLES, default)
    statuses["anonymous"] = anonymous
    statuses.update(by_role)
    return statuses


def case_team_page(**extra) -> tuple[dict, dict]:
    """(inside, outside): the team and the information officer see the case; nobody else."""
    inside = answer(404, **{**dict.fromkeys(CASE_WORKERS, 200), **extra})
    outside = answer(404, information_officer=200)
    return inside, outside


@dataclass
class Expect:
    kwargs: object = None  # callable(world, scope) -> kwargs, or None for no arguments
    get: tuple[dict, dict] | dict | None = None  # statuses for GET (inside, outside) or one dict
    post: tuple[dict, dict] | dict | None = None  # statuses for an empty POST


def case_ref(w, scope):
    return {"reference": getattr(w, f"case_{scope}").reference}


def on_case(attribute: str, name: str):
    def kwargs(w, scope):
        return {**case_ref(w, scope), name: getattr(w, f"{attribute}_{scope}").pk}

    return kwargs


EXPECTATIONS: dict[str, Expect] = {
    "home": Expect(get=answer(200)),
    "healthz": Expect(get=answer(200, anonymous=200)),
    "login": Expect(get=answer(200, anonymous=200)),
    "logout": Expect(get=answer(405, anonymous=405)),
    "password_change": Expect(get=answer(200)),
    "password_change_done": Expect(get=answer(200)),
    "set_language": Expect(get=answer(302, anonymous=302)),
    "cases:list": Expect(get=answer(404, **dict.fromkeys(CASE_WORKERS, 200))),
    "cases:open": Expect(
        get=answer(
            404,
            social_worker=200,
            coordinator=200,
            information_officer=200,
            police=403,
            police_other=403,
        ),
        post=answer(
            404,
            social_worker=200,
            coordinator=200,
            information_officer=200,
            police=403,
            police_other=403,
        ),
    ),
    "cases:detail": Expect(kwargs=case_ref, get=case_team_page()),
    "cases:edit": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    # The case owner and the coordinator manage the team; the others only look at it.
    "cases:team": Expect(
        kwargs=case_ref,
        get=case_team_page(),
        post=(
            answer(
                404,
                **{**dict.fromkeys(CASE_WORKERS, 403), "social_worker": 200, "coordinator": 200},
            ),
            answer(404, information_officer=403),
        ),
    ),
    "cases:status": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:entry_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:entry_correct": Expect(
        kwargs=on_case("entry", "entry_id"), get=case_team_page(), post=case_team_page()
    ),
    "cases:attachment": Expect(kwargs=on_case("attachment", "attachment_id"), get=case_team_page()),
    "cases:assessment_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:action_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:action_update": Expect(
        kwargs=on_case("action", "action_id"), get=case_team_page(), post=case_team_page()
    ),
    "cases:escalation_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:escalation_decide": Expect(
        kwargs=on_case("escalation", "escalation_id"),
        # Addressed to the coordinator: the rest of the team sees it but may not decide it.
        get=(
            answer(404, **{**dict.fromkeys(CASE_WORKERS, 403), "coordinator": 200}),
            answer(404, information_officer=403),
        ),
        post=(
            answer(404, **{**dict.fromkeys(CASE_WORKERS, 403), "coordinator": 200}),
            answer(404, information_officer=403),
        ),
    ),
    "releases:list": Expect(get=answer(200, admin=404)),
    "releases:manage": Expect(get=answer(404, information_officer=200)),
    "releases:create": Expect(
        kwargs=case_ref,
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
        post=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    "releases:detail": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=(
            answer(404, information_officer=200, youth_worker=200),
            answer(404, information_officer=200),
        ),
    ),
    "releases:acknowledge": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=answer(405),
        post=(answer(404, youth_worker=302), answer(404)),
    ),
    "releases:revise": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    "releases:revoke": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
        post=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    "access_requests:mine": Expect(
        get=answer(404, social_worker=200, police=200, police_other=200, coordinator=200),
        post=answer(404, social_worker=200, police=200, police_other=200, coordinator=200),
    ),
    "access_requests:decide": Expect(
        kwargs=lambda w, scope: {"request_id": getattr(w, f"request_{scope}").pk},
        # Inside: the case owner and the coordinator decide. Outside: nobody tried here.
        get=(answer(404, social_worker=200, coordinator=200), answer(404)),
        post=(answer(404, social_worker=200, coordinator=200), answer(404)),
    ),
    "audit:case_reads": Expect(
        kwargs=case_ref,
        get=(
            answer(404, information_officer=200, coordinator=200),
            answer(404, information_officer=200),
        ),
    ),
    "audit:person_report": Expect(
        kwargs=lambda w, scope: {"code": getattr(w, f"case_{scope}").person.code},
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
}


def url_names(resolver=None, namespace: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}")
    return names


def test_every_url_pattern_has_an_expectation():
    # The admin site is checked on its own below: it is for the admin role only.
    names = {name for name in url_names() if not name.startswith("admin:")}
    assert names - set(EXPECTATIONS) == set(), "add these pages to EXPECTATIONS"
    assert set(EXPECTATIONS) - names == set(), "these expectations name no page"


def _client_for(client, world, role):
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _requests(world):
    """Every (description, method, url, expected-by-role) this file knows."""
    for name, expect in EXPECTATIONS.items():
        for method, table in (("get", expect.get), ("post", expect.post)):
            if table is None:
                continue
            tables = table if isinstance(table, tuple) else (table,)
            scopes = ("in", "out") if expect.kwargs else (None,)
            for scope, statuses in zip(
                scopes, tables if expect.kwargs else tables[:1], strict=False
            ):
                kwargs = expect.kwargs(world, scope) if expect.kwargs else {}
                yield (
                    f"{method.upper()} {name} [{scope or '-'}]",
                    method,
                    reverse(name, kwargs=kwargs),
                    statuses,
                )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_page(client, world, role):
    client = _client_for(client, world, role)
    wrong = []
    for label, method, url, statuses in _requests(world):
        response = getattr(client, method)(url)
        if response.status_code != statuses[role]:
            wrong.append(f"{label}: got {response.status_code}, expected {statuses[role]}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


# Which canaries each role may read. Anything not listed must appear in no response.
MAY_READ = {
    "anonymous": set(),
    "social_worker": {CANARY_L2, CANARY_NAME},
    "police": {CANARY_L2, CANARY_L3, CANARY_L4, CANARY_NAME},
    "police_other": {CANARY_L2, CANARY_NAME},
    "information_officer": {CANARY_L2, CANARY_L3, CANARY_L4, CANARY_OUT, CANARY_NAME},
    "coordinator": {CANARY_L2, CANARY_NAME},
    "youth_worker": set(),
    "partner": set(),
    "mayor_office": set(),
    "admin": set(),
}
CANARIES = {CANARY_L2, CANARY_L3, CANARY_L4, CANARY_OUT, CANARY_NAME}


@pytest.mark.parametrize("role", ROLES)
def test_no_response_leaks_what_the_role_may_not_read(client, world, role):
    client = _client_for(client, world, role)
    forbidden = CANARIES - MAY_READ[role]
    leaks = []
    for label, method, url, _statuses in _requests(world):
        response = getattr(client, method)(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        leaks += [f"{label}: {canary}" for canary in forbidden if canary.encode() in body]
    # Searches too: a name search must not find a person through a case one may not see.
    if role != "anonymous":
        for term in (CANARY_NAME, world.case_out.reference):
            response = client.get(reverse("cases:list"), {"q": term})
            leaks += [f"search {term}: {c}" for c in forbidden if c.encode() in response.content]
    assert leaks == []


@pytest.mark.parametrize("role", ROLES)
def test_the_roles_own_readable_canaries_do_show(client, world, role):
    """Guards the leak test: it must be able to see a canary where one is allowed."""
    client = _client_for(client, world, role)
    seen = set()
    for _label, method, url, _statuses in _requests(world):
        if method == "get":
            response = client.get(url)
            body = b"" if response.streaming else response.content
            seen |= {c for c in CANARIES if c.encode() in body}
    assert seen == MAY_READ[role]


def test_no_email_carries_case_content(world):
    assert mail.outbox, "releases notify their recipients"
    for message in mail.outbox:
        text = message.subject + message.body
        assert not any(canary in text for canary in CANARIES)
        assert world.case_in.reference not in text
        assert world.release_in.title not in text


# --- The admin site --------------------------------------------------------------------------

CASE_CONTENT_MODELS = {
    "case",
    "person",
    "chronologyentry",
    "attachment",
    "assessment",
    "assessmentrating",
    "action",
    "escalation",
    "statuschange",
    "release",
    "accessrequest",
    "logentry",
    "caseuserobjectpermission",
    "casegroupobjectpermission",
    "releaseacknowledgement",
}


def test_no_case_content_is_in_the_admin():
    registered = {model._meta.model_name for model in admin.site._registry}
    assert registered & CASE_CONTENT_MODELS == set()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_admin_role_enters_the_admin(client, world, role):
    client = _client_for(client, world, role)
    pages = [reverse("admin:index")] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    for url in pages:
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert reverse("admin:login") in response["Location"]
