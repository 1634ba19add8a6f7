"""Writing a release through its pages: the form, the recipients found by search, "check your
answers", and nothing disclosed before the check page's button."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core import drafts
from core.models import OutboxMessage
from privacy import subject_rights
from releases import services
from releases.models import Release
from tests.factories import AgencyFactory, make_case, make_user

pytestmark = pytest.mark.clock


@pytest.fixture
def case(social_worker):
    return make_case(owner=social_worker)


@pytest.fixture
def street_agency():
    return AgencyFactory(name="Street Corner Work", kind="youth_work")


@pytest.fixture
def street_worker(street_agency):
    return make_user(
        role=Role.YOUTH_WORKER, agency=street_agency, first_name="Yasmina", last_name="Haddou"
    )


def answers(**recipients) -> dict:
    return {
        "title": "For the street team",
        "summary": "He is back; approach him at the football pitch.",
        "purpose": "To plan outreach",
        "legal_basis": "LIVC law of 30 July 2018",
        "expires_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
        **recipients,
    }


def nothing_disclosed() -> bool:
    return not Release.objects.exists() and not mail.outbox and not OutboxMessage.objects.exists()


def inactive_user(**fields):
    user = make_user(**fields)
    user.is_active = False
    user.save()
    return user


def form_url(case):
    return reverse("releases:create", args=[case.reference])


def check_url(case):
    return reverse("releases:create_check", args=[case.reference])


def test_the_form_keeps_a_draft_and_discloses_nothing(
    client, case, info_officer, street_worker, django_capture_on_commit_callbacks
):
    client.force_login(info_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(case), answers(recipient_users=[street_worker.pk]))
    assert response["Location"] == check_url(case)
    assert nothing_disclosed()


def test_the_check_page_shows_exactly_what_will_be_sent(
    client, case, info_officer, street_worker, street_agency, django_capture_on_commit_callbacks
):
    make_user(role=Role.YOUTH_WORKER, agency=street_agency)
    client.force_login(info_officer)
    data = answers(recipient_users=[street_worker.pk], recipient_agencies=[street_agency.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(case), data)
        response = client.get(check_url(case))
    body = response.content.decode()
    for text in (data["title"], data["summary"], data["purpose"], data["legal_basis"]):
        assert text in body
    assert "Yasmina Haddou · Street Corner Work" in body
    assert "Everyone at Street Corner Work (2 people today)" in body
    assert "Release to 1 person and 1 agency" in body
    assert f'href="{form_url(case)}#id_summary"' in body
    assert nothing_disclosed()


def test_the_button_releases_it_once_and_tells_the_recipients(
    client, case, info_officer, street_worker, django_capture_on_commit_callbacks
):
    client.force_login(info_officer)
    client.post(form_url(case), answers(recipient_users=[street_worker.pk]))
    draft = client.get(check_url(case)).context["draft"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_url(case), {"draft": draft})
    release = Release.objects.get()
    assert response["Location"] == release.get_absolute_url()
    assert (release.title, list(release.recipient_users.all())) == (
        "For the street team",
        [street_worker],
    )
    assert [m.to for m in mail.outbox] == [[street_worker.email]]
    # The draft is gone: the check page sends back to an empty form.
    assert client.get(check_url(case))["Location"] == form_url(case)
    # The same page sent again (back, resend) is not released twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(check_url(case), {"draft": draft})
    assert again["Location"] == reverse("releases:manage")
    assert (Release.objects.count(), len(mail.outbox)) == (1, 1)


def test_change_goes_back_to_the_form_with_the_answers(client, case, info_officer, street_worker):
    client.force_login(info_officer)
    client.post(form_url(case), answers(recipient_users=[street_worker.pk]))
    body = client.get(form_url(case)).content.decode()
    assert 'value="For the street team"' in body
    assert f'id="chosen-user-{street_worker.pk}" name="recipient_users"' in body
    assert nothing_disclosed()


def test_a_changed_draft_is_refused(client, case, info_officer, street_worker):
    client.force_login(info_officer)
    client.post(form_url(case), answers(recipient_users=[street_worker.pk]))
    draft = client.get(check_url(case)).context["draft"]
    tampered = draft.replace(draft[5], "A" if draft[5] != "A" else "B", 1)
    response = client.post(check_url(case), {"draft": tampered})
    assert response.status_code == 302
    assert nothing_disclosed()


def test_a_draft_signed_for_another_case_or_person_is_refused(
    client, case, info_officer, street_worker
):
    other_case = make_case()
    draft = drafts.from_post(_as_post(answers(recipient_users=[street_worker.pk])))
    for user, key in (
        (info_officer, f"releases.case.{other_case.pk}"),
        (make_user(role=Role.INFORMATION_OFFICER), f"releases.case.{case.pk}"),
    ):
        client.force_login(info_officer)
        token = drafts.sign(draft, user=user, key=key)
        assert client.post(check_url(case), {"draft": token}).status_code == 302
    assert nothing_disclosed()


def _as_post(data: dict):
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    for name, value in data.items():
        post.setlist(name, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return post


@pytest.mark.parametrize("who", ["author", "admin", "inactive"])
def test_a_signed_draft_to_someone_the_policy_refuses_is_refused(client, case, info_officer, who):
    recipient = {
        "author": info_officer,
        "admin": make_user(role=Role.ADMIN),
        "inactive": inactive_user(role=Role.YOUTH_WORKER),
    }[who]
    draft = drafts.from_post(_as_post(answers(recipient_users=[recipient.pk])))
    token = drafts.sign(draft, user=info_officer, key=f"releases.case.{case.pk}")
    client.force_login(info_officer)
    response = client.post(check_url(case), {"draft": token})
    assert response.status_code == 200
    assert "One of the people cannot receive this release." in response.content.decode()
    assert nothing_disclosed()


def test_the_policy_is_asked_again_on_the_button(client, case, info_officer, street_worker):
    client.force_login(info_officer)
    client.post(form_url(case), answers(recipient_users=[street_worker.pk]))
    draft = client.get(check_url(case)).context["draft"]
    subject_rights.case_restrict(case=case, user=info_officer, reason="The person objected")
    assert client.post(check_url(case), {"draft": draft}).status_code == 403
    assert nothing_disclosed()


def test_search_lists_only_people_who_may_receive_it_grouped_by_agency(
    client, case, info_officer, street_worker, street_agency
):
    colleague = make_user(role=Role.PARTNER, agency=street_agency, last_name="Haddad")
    make_user(role=Role.ADMIN, last_name="Hadley")
    inactive_user(role=Role.YOUTH_WORKER, last_name="Hadji")
    info_officer.last_name = "Hadrian"
    info_officer.save()
    client.force_login(info_officer)
    response = client.get(form_url(case), {"q": "Had"})
    picker = response.context["picker"]
    found = {g.agency: [p.pk for p in g.people] for g in picker.found}
    assert found == {street_agency: [colleague.pk, street_worker.pk]}
    body = response.content.decode()
    assert "Hadley" not in body and "Hadji" not in body
    assert f"found-user-{info_officer.pk}" not in body
    assert f'id="found-agency-{street_agency.pk}"' in body


def test_the_choice_survives_another_search(client, case, info_officer, street_worker, partner):
    client.force_login(info_officer)
    response = client.post(
        form_url(case),
        {**answers(recipient_users=[street_worker.pk]), "q": partner.last_name, "action": "search"},
    )
    assert response["Location"] == f"{form_url(case)}?q={partner.last_name}#recipients"
    picker = client.get(response["Location"].split("#")[0]).context["picker"]
    assert picker.chosen_people == [street_worker]
    assert [p for g in picker.found for p in g.people] == [partner]
    assert nothing_disclosed()


def test_the_case_team_is_suggested_and_the_author_never(client, case, info_officer, social_worker):
    client.force_login(info_officer)
    picker = client.get(form_url(case)).context["picker"]
    assert [p for g in picker.team for p in g.people] == [social_worker]
    assert picker.found == []


def test_no_recipient_is_refused_on_the_form(client, case, info_officer):
    client.force_login(info_officer)
    response = client.post(form_url(case), answers())
    assert response.status_code == 200
    assert "Choose at least one person or agency." in response.content.decode()
    assert nothing_disclosed()


def test_a_revision_goes_through_the_check_page_too(
    client, case, info_officer, street_worker, django_capture_on_commit_callbacks
):
    first = services.release_create(
        case=case,
        author=info_officer,
        **{k: v for k, v in answers().items() if k != "expires_on"},
        expires_on=timezone.localdate() + timedelta(days=9),
        recipient_users=[street_worker],
    )
    client.force_login(info_officer)
    url = reverse("releases:revise", args=[first.pk])
    check = reverse("releases:revise_check", args=[first.pk])
    page = client.get(url).content.decode()
    assert 'value="For the street team"' in page and f"chosen-user-{street_worker.pk}" in page
    client.post(url, answers(title="Corrected", recipient_users=[street_worker.pk]))
    assert Release.objects.count() == 1
    response = client.get(check)
    assert "Release the new version to 1 person" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(check, {"draft": response.context["draft"]})
    second = Release.objects.get(previous=first)
    assert (second.version, second.title) == (2, "Corrected")
