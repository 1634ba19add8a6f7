from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services
from tests.documents import PDF
from tests.factories import make_case, make_person, make_user


def test_the_coordinator_sees_who_has_read_the_case_and_its_documents(
    client, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    coordinator = make_user(role=Role.COORDINATOR)
    owner = make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency)
    case = make_case(owner=owner)
    entry = services.entry_add(
        case=case,
        author=owner,
        kind="document",
        level=2,
        occurred_at=timezone.now(),
        text="Report",
        attachment=SimpleUploadedFile("r.pdf", PDF),
    )
    client.force_login(owner)
    client.get(case.get_absolute_url())
    client.get(reverse("cases:attachment", args=[case.reference, entry.attachments.get().pk]))
    client.force_login(coordinator)
    rows = list(client.get(reverse("audit:case_reads", args=[case.reference])).context["page"])
    assert [(r.actor, r.content_type.model) for r in rows] == [
        (owner, "attachment"),
        (owner, "case"),
    ]


def test_the_subject_access_report_lists_every_case_reader_and_release(client, db):
    info = make_user(role=Role.INFORMATION_OFFICER)
    owner = make_user(role=Role.SOCIAL_WORKER)
    first = make_case(owner=owner)
    second = make_case(owner=owner, person=first.person)
    unrelated = make_case(owner=owner)
    client.force_login(owner)
    client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    client.get(unrelated.get_absolute_url())
    client.force_login(info)
    report = client.get(reverse("audit:person_report", args=[first.person.code])).context
    assert report["cases"] == [first, second]
    assert [(r.actor, r.object_repr) for r in report["reads"]] == [
        (owner, first.reference),
        (owner, second.reference),
    ]


def test_the_social_worker_cannot_see_the_read_audit(client, social_worker):
    case = make_case(owner=social_worker)
    client.force_login(social_worker)
    assert client.get(reverse("audit:case_reads", args=[case.reference])).status_code == 404
    assert client.get(reverse("audit:person_report", args=[case.person.code])).status_code == 404


def test_the_readers_of_a_case_are_found_by_name(client, db):
    coordinator = make_user(role=Role.COORDINATOR, first_name="Chris", last_name="Chair")
    owner = make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency)
    owner.first_name, owner.last_name = "Saskia", "Verbruggen"
    owner.save()
    case = make_case(owner=owner)
    client.force_login(owner)
    client.get(case.get_absolute_url())
    client.force_login(coordinator)
    client.get(case.get_absolute_url())
    url = reverse("audit:case_reads", args=[case.reference])
    found = list(client.get(url, {"q": "verbrug"}).context["page"])
    assert [row.actor for row in found] == [owner]
    nothing = client.get(url, {"q": "Janssens"})
    assert list(nothing.context["page"]) == []
    assert "Nobody of that name has opened this case." in nothing.content.decode()


def test_the_page_names_the_person_before_the_reference(client, db):
    coordinator = make_user(role=Role.COORDINATOR)
    owner = make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency)
    case = make_case(owner=owner, person=make_person(first_name="Ilias", last_name="Baert"))
    client.force_login(coordinator)
    body = client.get(reverse("audit:case_reads", args=[case.reference])).content.decode()
    caption = body[body.index('class="govuk-caption-l"') :]
    assert caption.index("Ilias B.") < caption.index(case.reference)
