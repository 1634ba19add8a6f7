"""Content-free e-mails in each reader's language (issue 16): the one on their profile, else the
site's default, whatever the language of whoever set them off."""

from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.models import Profile, Role
from cases import services
from cases.models import Escalation
from core.notifications import send_content_free
from tests.factories import make_case, make_user


def speaking(user, language: str):
    Profile.objects.filter(user=user).update(language=language)
    return user


def test_each_reader_gets_the_message_in_their_language(db, compiled):
    dutch = speaking(make_user(role=Role.SOCIAL_WORKER), "nl")
    french = speaking(make_user(role=Role.POLICE), "fr")
    unset = make_user(role=Role.COORDINATOR)
    with translation.override("fr"):  # the writer's language does not matter
        sent = send_content_free(
            [dutch.email, french.email, unset.email],
            gettext_lazy("A decision was recorded on an escalation"),
            gettext_lazy(
                "A decision was recorded on an escalation you follow. Sign in to read it."
            ),
        )
    assert sent == 3
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[dutch.email] == "Er werd een beslissing over een escalatie geregistreerd"
    assert subjects[unset.email] == "A decision was recorded on an escalation"
    assert subjects[french.email] != "A decision was recorded on an escalation"


def test_the_task_of_a_decision_writes_to_the_owner_in_their_language(
    db, compiled, django_capture_on_commit_callbacks
):
    owner = speaking(make_user(role=Role.SOCIAL_WORKER), "nl")
    coordinator = make_user(role=Role.COORDINATOR, agency=owner.profile.agency)
    escalation = services.escalation_raise(
        case=make_case(owner=owner),
        raised_by=owner,
        audience=Escalation.Audience.COORDINATOR,
        summary="Needs a decision",
        decision_requested="Approve outreach",
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.escalation_decide(
            escalation=escalation, user=coordinator, status="decided", decision="Go ahead"
        )
    [message] = [m for m in mail.outbox if m.to == [owner.email]]
    assert message.subject == "Er werd een beslissing over een escalatie geregistreerd"
    assert "Go ahead" not in message.body  # still content-free
