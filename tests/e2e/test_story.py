"""The whole story, across roles, in a real browser: a partner refers a person; the coordinator
screens (a deconfliction hit) and accepts; the social worker gathers information; the police add
an L4 entry; the conference is prepared, signed, minuted and finalised; the information officer
releases a summary to a youth worker, who reads it and sees nothing else; the coordinator
escalates to the mayor, whose office records a decision.

Run in English and in Dutch (the browser's Accept-Language). The texts the locators look for go
through gettext in the run's language, so the flow is the same whatever the catalogue holds.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from access import policy
from accounts.models import Agency, Level, Role
from cases import services as case_services
from cases.models import Assessment, Case, ChronologyEntry, Escalation
from cases.people import person_label
from conferences import services as conference_services
from conferences.models import AgendaItem, ConferenceSeries, Meeting
from referrals.models import Referral, Screening
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, label_is

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = factories.PASSWORD
POLICE_TEXT = "Known to the neighbourhood team since 2024; contact with a network abroad."
MINUTE_ACTION = "Arrange a mentor at the boxing club"
RELEASE_TITLE = "Outreach around the Kerkstraat"
MAYOR_DECISION = "The mayor agrees to fund a mentor for six months."


def on_page(case) -> re.Pattern:
    """The case page, at whatever a write landed on (#entry-3, #history...)."""
    return re.compile(rf"{re.escape(case.get_absolute_url())}(#[\w-]+)?$")


def tab_to(page, target, max_tabs: int = 80) -> None:
    """Press Tab until the target has the focus, as a keyboard user would."""
    for _ in range(max_tabs):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} cannot be reached with the Tab key")


def keyboard_choose(page, select, value: str) -> None:
    """Focus a closed select with Tab and move to the option with the arrow keys."""
    tab_to(page, select)
    values = select.evaluate("el => [...el.options].map(o => o.value)")
    current = select.evaluate("el => el.selectedIndex")
    wanted = values.index(value)
    key = "ArrowDown" if wanted >= current else "ArrowUp"
    for _ in range(abs(wanted - current)):
        page.keyboard.press(key)
    assert select.input_value() == value


def date_group(page, label: str):
    """A date's day, month and year boxes, found by the legend of their fieldset."""
    return page.get_by_role("group", name=label_is(label))


def fill_date_by_keyboard(page, group, day: date, T) -> None:  # noqa: N803 - gettext's name
    """Type a date into its day, month and year boxes, moving on with the Tab key."""
    tab_to(page, group.get_by_label(T("Day"), exact=True))
    for part, text in (("Day", str(day.day)), ("Month", str(day.month)), ("Year", str(day.year))):
        box = group.get_by_label(T(part), exact=True)
        assert box.evaluate("el => el === document.activeElement"), f"{part} has no focus"
        page.keyboard.type(text)
        assert box.input_value() == text
        page.keyboard.press("Tab")


def fill_date(group, day: date, T, time: str = "") -> None:  # noqa: N803 - gettext's name
    group.get_by_label(T("Day"), exact=True).fill(str(day.day))
    group.get_by_label(T("Month"), exact=True).fill(str(day.month))
    group.get_by_label(T("Year"), exact=True).fill(str(day.year))
    if time:
        group.get_by_label(T("Time"), exact=True).fill(time)


def the_world():
    """What exists before the story: the city's agencies, one user per role, a person known from
    a closed case, and the conference series with its next meeting."""
    make = factories.AgencyFactory
    social = make(name="Havenstad social prevention", kind=Agency.Kind.SOCIAL_SERVICES)
    police_agency = make(name="Havenstad police zone", kind=Agency.Kind.POLICE)
    youth = make(name="Havenstad street-corner work", kind=Agency.Kind.YOUTH_WORK)
    school = make(name="Atheneum Havenstad", kind=Agency.Kind.SCHOOL)
    town = make(name="Havenstad town hall", kind=Agency.Kind.MUNICIPALITY)

    def user(role, agency, first, last):
        return factories.make_user(
            role=role, agency=agency, username=role, first_name=first, last_name=last
        )

    users = {
        "partner": user(Role.PARTNER, school, "Paula", "Partner"),
        "coordinator": user(Role.COORDINATOR, social, "Chris", "Coordinator"),
        "social": user(Role.SOCIAL_WORKER, social, "Sam", "Social"),
        "police": user(Role.POLICE, police_agency, "Pieter", "Police"),
        "info": user(Role.INFORMATION_OFFICER, police_agency, "Ines", "Information"),
        "youth": user(Role.YOUTH_WORKER, youth, "Yara", "Youth"),
        "mayor": user(Role.MAYOR_OFFICE, town, "Mia", "Mayor"),
    }
    person = factories.make_person(
        first_name="Robin", last_name="Janssens", date_of_birth=date(2001, 5, 17)
    )
    earlier = factories.make_case(owner=users["social"], person=person)
    case_services.case_change_status(
        case=earlier,
        user=users["social"],
        to_status=Case.Status.CLOSED,
        reason="Moved to another city.",
        expected_version=earlier.version,
        closure_reason=Case.ClosureReason.MOVED_AWAY,
    )
    series = conference_services.series_create(
        user=users["coordinator"],
        name="Havenstad case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=users["coordinator"],
        core_members=[users["social"], users["police"]],
    )
    return users, person, earlier, series


def shown(locator) -> None:
    """The locator is visible, once the page a click led to has come (a plain is_visible()
    right after a click can read the page being left)."""
    expect(locator).to_be_visible(timeout=TIMEOUT_MS)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_whole_story_in_the_browser(story_factory, language):
    users, person, earlier, series = the_world()
    story = story_factory(language)
    T = story.T  # noqa: N806
    today = timezone.localdate()

    # --- 1. The partner refers a person, with the keyboard only -----------------------------
    partner = story.sign_in(users["partner"], PASSWORD)
    story.step(partner, "partner-home")
    partner.locator("#my-referrals").get_by_role("link", name=T("Refer a person")).click()
    partner.wait_for_url("**/referrals/new/")
    story.step(partner, "referral-form")
    partner.locator("body").focus()
    tab_to(partner, partner.get_by_label(label_is(T("First name"))))
    partner.keyboard.type("Robin")
    tab_to(partner, partner.get_by_label(label_is(T("Last name"))))
    partner.keyboard.type("Janssens")
    fill_date_by_keyboard(partner, date_group(partner, T("Date of birth")), date(2001, 5, 17), T)
    tab_to(partner, partner.get_by_label(label_is(T("Address"))))
    partner.keyboard.type("Kerkstraat 12, Havenstad")
    tab_to(partner, partner.get_by_label(label_is(T("Your concern, in your own words"))))
    partner.keyboard.type("He shows classmates videos that call for violence against a group.")
    for checkbox in partner.locator("input[name=indicators]").all()[3:5]:
        tab_to(partner, checkbox)
        partner.keyboard.press("Space")
        assert checkbox.is_checked()
    tab_to(partner, partner.get_by_label(label_is(T("What you ask the case conference for"))))
    partner.keyboard.type("An assessment and support for him.")
    aware = partner.get_by_label(label_is(T("The person knows about this referral")))
    tab_to(partner, aware)
    partner.keyboard.press("Space")
    assert aware.is_checked()
    keyboard_choose(
        partner,
        partner.get_by_label(label_is(T("Did the person agree to this referral?"))),
        "given",
    )
    tab_to(partner, partner.get_by_role("button", name=T("Send the referral")))
    with partner.expect_navigation(url=re.compile(r"/referrals/\d+/$")):
        partner.keyboard.press("Enter")
    story.step(partner, "referral-sent")
    referral = Referral.objects.get(referrer=users["partner"])
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.indicators.count() == 2

    # --- 2. The coordinator screens it: a hit on a known person; accepted -------------------
    coordinator = story.sign_in(users["coordinator"], PASSWORD)
    story.step(coordinator, "coordinator-home")
    nav = coordinator.get_by_role("navigation")
    nav.get_by_role("link", name=T("Screening"), exact=True).click()
    story.step(coordinator, "screening-list")
    # The list leads with the person referred (the number follows as secondary text).
    coordinator.get_by_role("link", name=f"{referral.first_name} {referral.last_name}").click()
    shown(coordinator.locator("#deconfliction .badge.hit"))
    assert coordinator.locator("#deconfliction").get_by_text(earlier.reference).is_visible()
    story.step(coordinator, "referral-deconfliction-hit")
    coordinator.get_by_role("link", name=T("Screen this referral")).click()
    story.step(coordinator, "screening-form")
    coordinator.get_by_label(label_is(T(Screening.Outcome.ACCEPTED.label))).check()
    coordinator.get_by_label(label_is(T("Reasons"))).fill(
        "Known person; the concern is recent and real."
    )
    coordinator.get_by_label(label_is(T(Screening.Acceptance.EXISTING_PERSON.label))).check()
    coordinator.locator(f"input[name=person][value='{person.pk}']").check()
    coordinator.get_by_label(label_is(T("Owner of the new case"))).select_option(
        label=f"Sam Social ({users['social'].profile.agency})"
    )
    coordinator.get_by_role("button", name=T("Record the decision")).click()
    coordinator.wait_for_url(f"**/referrals/{referral.pk}/")
    story.step(coordinator, "referral-accepted")
    referral.refresh_from_db()
    case = referral.case
    assert referral.status == Referral.Status.ACCEPTED and case.person == person
    assert referral.screenings.get().deconfliction_hit
    # Every page leads with the person (the coordinator may read identities), then the case.
    person_first = str(person_label(case.person, identity=True))
    coordinator.get_by_role("link", name=person_first).first.click()
    story.step(coordinator, "new-case")
    coordinator.get_by_role("link", name=T("Case team")).click()
    add_person = coordinator.locator(
        "section", has=coordinator.get_by_role("heading", name=T("Add a person"))
    )
    add_person.get_by_label(label_is(T("Person"))).select_option(
        label=f"Pieter Police ({users['police'].profile.agency})"
    )
    add_person.get_by_label(label_is(T("Why"))).fill("Police contact person for this case.")
    add_person.get_by_role("button", name=T("Add")).click()
    story.step(coordinator, "case-team-with-police")
    assert Case.objects.filter(policy.case_filter(users["police"]), pk=case.pk).exists()

    # --- 3. The social worker gathers information -------------------------------------------
    social = story.sign_in(users["social"], PASSWORD)
    story.step(social, "social-worker-home")
    # The person's earlier case is listed too, under the same name: this case by its address.
    my_cases = social.locator("#my-cases")
    assert my_cases.get_by_role("link", name=person_first).count() == 2
    my_cases.locator(f"a[href='{case.get_absolute_url()}']").click()
    story.step(social, "case-for-social-worker")
    social.get_by_role("link", name=T("Change status")).click()
    social.get_by_label(label_is(T(Case.Status.INFORMATION_GATHERING.label))).check()
    social.get_by_label(label_is(T("Reason"))).fill("Gathering what the agencies know.")
    story.step(social, "status-form")
    social.get_by_role("button", name=T("Change status")).click()
    social.wait_for_url(on_page(case))
    social.get_by_role("link", name=T("Add an entry")).click()
    social.get_by_label(label_is(T("Kind"))).select_option(ChronologyEntry.Kind.CONTACT.value)
    yesterday = timezone.localtime() - timedelta(days=1)
    fill_date(date_group(social, T("When it happened")), yesterday, T, time=f"{yesterday:%H:%M}")
    social.get_by_label(
        label_is(T("L2 — the case team, under shared professional secrecy"))
    ).check()
    social.get_by_label(label_is(T("What happened"))).fill("Met Robin and his mother at home.")
    story.step(social, "chronology-form")
    social.get_by_role("button", name=T("Save")).click()
    social.wait_for_url(on_page(case))
    social.get_by_role("link", name=T("Record an assessment")).click()
    social.get_by_label(label_is(T("Overall judgement"))).select_option(
        Assessment.Judgement.MODERATE.value
    )
    social.get_by_label(label_is(T("What changed since the last version"))).fill(
        "First assessment."
    )
    for rating in social.locator("select[name^=rating_]").all():
        rating.select_option("1")
    # The level is a radio, the writer's usual one (L2, the case team) already chosen.
    social.locator("input[name=level][value='2']").check()
    story.step(social, "assessment-form")
    social.get_by_role("button", name=T("Save")).click()
    social.wait_for_url(on_page(case))
    social.get_by_role("link", name=T("Add an action")).click()
    social.get_by_label(label_is(T("Action"))).fill("Visit the family again with the youth worker.")
    social.get_by_label(label_is(T("Owner"))).select_option(
        label=f"Sam Social ({users['social'].profile.agency})"
    )
    fill_date(date_group(social, T("Due date")), today + timedelta(days=10), T)
    story.step(social, "action-form")
    social.get_by_role("button", name=T("Save")).click()
    social.wait_for_url(on_page(case))
    story.step(social, "case-with-chronology-assessment-action")
    assert case.entries.count() == 2  # the referral, brought in at screening, and the visit
    assert case.assessments.count() == 1 and case.actions.count() == 1

    # --- 4. The police add an L4 entry ------------------------------------------------------
    police = story.sign_in(users["police"], PASSWORD)
    story.step(police, "police-home")
    police.goto(case.get_absolute_url())
    police.get_by_role("link", name=T("Add an entry")).click()
    police.get_by_label(label_is(T("Kind"))).select_option(
        ChronologyEntry.Kind.POLICE_INFORMATION.value
    )
    fill_date(date_group(police, T("When it happened")), yesterday, T, time=f"{yesterday:%H:%M}")
    police_only = T("L4 — police only: %(agency)s and the information officer")
    police.get_by_label(label_is(police_only % {"agency": users["police"].profile.agency})).check()
    police.get_by_label(label_is(T("What happened"))).fill(POLICE_TEXT)
    story.step(police, "police-entry-form")
    police.get_by_role("button", name=T("Save")).click()
    police.wait_for_url(on_page(case))
    assert police.get_by_text(POLICE_TEXT).is_visible()
    story.step(police, "case-with-police-entry")
    # The social side never sees it.
    social.reload()
    assert social.get_by_text(POLICE_TEXT).count() == 0

    # --- 5. The coordinator builds and publishes the agenda ---------------------------------
    meeting = Meeting.objects.get(series=series)
    nav.get_by_role("link", name=T("Conferences"), exact=True).click()
    story.step(coordinator, "conferences")
    coordinator.locator(f"#upcoming a[href='{meeting.get_absolute_url()}']").click()
    coordinator.wait_for_url(f"**{meeting.get_absolute_url()}")
    story.step(coordinator, "meeting-unsigned")
    coordinator.get_by_role("button", name=T("I sign the declaration")).click()
    coordinator.get_by_role("link", name=T("Prepare the agenda")).click()
    add_case = coordinator.locator(
        "section", has=coordinator.get_by_role("heading", name=T("Add a case"))
    )
    add_case.get_by_label(label_is(T("Case reference"))).fill(case.reference)
    add_case.get_by_role("button", name=T("Add")).click()
    add_item = coordinator.locator(
        "section", has=coordinator.get_by_role("heading", name=T("Add another item"))
    )
    add_item.get_by_label(label_is(T("Title"))).fill("Round of the partners")
    add_item.get_by_role("button", name=T("Add")).click()
    story.step(coordinator, "agenda-two-items")
    rows = coordinator.locator("#agenda-items tbody tr")
    assert rows.nth(0).get_by_text(case.reference).count() == 1
    # Reorder with the keyboard only: Tab to the arrows, Enter and Space to press them.
    coordinator.locator("body").focus()
    tab_to(coordinator, rows.nth(1).get_by_role("button", name=T("Move up")))
    with coordinator.expect_navigation():
        coordinator.keyboard.press("Enter")
    assert rows.nth(0).get_by_text("Round of the partners").count() == 1
    story.step(coordinator, "agenda-reordered-by-keyboard")
    coordinator.locator("body").focus()
    tab_to(coordinator, rows.nth(0).get_by_role("button", name=T("Move down")))
    with coordinator.expect_navigation():
        coordinator.keyboard.press("Space")
    assert rows.nth(0).get_by_text(case.reference).count() == 1
    items = list(meeting.items.order_by("order"))
    assert items[0].case_id == case.pk and items[1].title == "Round of the partners"
    # Publishing shows first who will be told (names and agencies) and how many items.
    coordinator.get_by_role("button", name=T("Publish the agenda…")).click()
    shown(coordinator.locator("#notified").get_by_text("Sam Social"))
    story.step(coordinator, "agenda-publish-preview")
    coordinator.locator("button[name=action][value=publish]").click()
    story.step(coordinator, "agenda-published")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED

    # --- 6. The attendees sign the declaration ----------------------------------------------
    for page, who in ((social, "social-worker"), (police, "police")):
        page.goto("/")
        page.get_by_role("navigation").get_by_role("link", name=T("Conferences")).click()
        page.locator(f"#upcoming a[href='{meeting.get_absolute_url()}']").click()
        page.wait_for_url(f"**{meeting.get_absolute_url()}")
        assert page.locator("#agenda").count() == 0
        story.step(page, f"{who}-meeting-unsigned")
        page.get_by_role("button", name=T("I sign the declaration")).click()
        shown(page.locator("#agenda").get_by_role("link", name=person_first))
        story.step(page, f"{who}-meeting-signed")

    # --- 7. The meeting runs live: outcomes typed on the chair's screen, then closed and
    # finalised; the actions agreed land in the case (issue 17) ------------------------------
    coordinator.goto(meeting.get_absolute_url())
    case_item, general_item = items
    coordinator.get_by_role("button", name=T("Open the meeting")).click()
    coordinator.wait_for_url(f"**/live/{case_item.pk}/")
    coordinator.get_by_label(label_is(T("Information shared and discussion"))).fill(
        "Agreed to adopt; mentor and family support."
    )
    coordinator.get_by_label(label_is(T("Level of the minute"))).select_option(str(Level.L2.value))
    coordinator.get_by_label(T(AgendaItem.Decision.ADOPT.label), exact=True).check()
    fill_date(date_group(coordinator, T("Next review date")), today + timedelta(days=42), T)
    coordinator.get_by_label(label_is(T("Action %(n)d") % {"n": 1})).fill(MINUTE_ACTION)
    coordinator.get_by_label(
        label_is(T("Owner of action %(n)d (their agency follows)") % {"n": 1})
    ).select_option(label=f"Sam Social ({users['social'].profile.agency})")
    fill_date(
        date_group(coordinator, T("Due date of action %(n)d") % {"n": 1}),
        today + timedelta(days=14),
        T,
    )
    story.step(coordinator, "live-outcome-form")
    coordinator.get_by_role("button", name=T("Save and next item")).click()
    coordinator.wait_for_url(f"**/live/{general_item.pk}/")
    coordinator.get_by_label(T(AgendaItem.Decision.CONTINUE.label), exact=True).check()
    coordinator.get_by_role("button", name=T("Save and next item")).click()
    coordinator.wait_for_url(f"**/live/{general_item.pk}/")
    coordinator.get_by_role("button", name=T("Close the meeting")).click()
    coordinator.wait_for_url(f"**{meeting.get_absolute_url()}")
    coordinator.get_by_role("button", name=T("Finalise the minutes")).click()
    story.step(coordinator, "minutes-finalised")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.FINAL
    coordinator.get_by_role("link", name=T("Minutes"), exact=True).click()
    story.step(coordinator, "minutes")
    coordinator.goto(case.get_absolute_url())
    assert coordinator.locator("#actions").get_by_text(MINUTE_ACTION).is_visible()
    assert coordinator.get_by_text(POLICE_TEXT).count() == 0
    story.step(coordinator, "case-with-minute-action")
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE_SUPPORT

    # --- 8. The information officer releases a summary to the youth worker ------------------
    info = story.sign_in(users["info"], PASSWORD)
    story.step(info, "information-officer-home")
    info.goto(case.get_absolute_url())
    assert info.get_by_text(POLICE_TEXT).is_visible()
    story.step(info, "case-for-information-officer")
    info.get_by_role("link", name=T("Write a release")).click()
    info.get_by_label(label_is(T("Title"))).fill(RELEASE_TITLE)
    info.get_by_label(label_is(T("Summary for the recipients"))).fill(
        "A young man you may meet around the Kerkstraat is getting support. If he talks to "
        "you about violence, call the prevention service."
    )
    info.get_by_label(label_is(T("Purpose"))).fill("To plan outreach in the neighbourhood.")
    info.get_by_label(label_is(T("Legal basis"))).fill("Law of 30 July 2018, article 4")
    fill_date(date_group(info, T("Expires on")), today + timedelta(days=90), T)
    # Recipients are found by search; what was typed is kept across the search.
    info.get_by_label(label_is(T("Search people and agencies"))).fill("Yara")
    info.get_by_role("button", name=T("Search"), exact=True).click()
    assert info.get_by_label(label_is(T("Title"))).input_value() == RELEASE_TITLE
    info.get_by_label(label_is("Yara Youth")).check()
    story.step(info, "release-form")
    info.get_by_role("button", name=T("Continue")).click()
    # Nothing is released before the check page's button.
    assert not case.releases.exists()
    assert info.locator("#release-recipients").get_by_text("Yara Youth").is_visible()
    story.step(info, "release-check")
    release_to = T("Release to %(whom)s") % {"whom": ""}
    info.get_by_role("button", name=re.compile("^" + re.escape(release_to))).click()
    shown(info.get_by_role("heading", name=RELEASE_TITLE))
    story.step(info, "release-written")

    # --- 9. The youth worker reads and acknowledges it, and sees nothing else ---------------
    youth = story.sign_in(users["youth"], PASSWORD)
    story.step(youth, "youth-worker-home")
    youth.locator("#my-releases").get_by_role("link", name=RELEASE_TITLE).click()
    story.step(youth, "release-for-youth-worker")
    youth.get_by_role("button", name=T("I have read this")).click()
    shown(youth.get_by_text(T("You have acknowledged reading this.")))
    story.step(youth, "release-acknowledged")
    assert youth.locator("a[href*='/cases/']").count() == 0
    assert case.reference not in youth.content() and "Janssens" not in youth.content()
    assert youth.get_by_role("navigation").get_by_role("link", name=T("Cases")).count() == 0
    for url in (
        case.get_absolute_url(),
        "/cases/",
        meeting.get_absolute_url(),
        "/referrals/screening/",
        f"/referrals/{referral.pk}/",
    ):
        assert youth.request.get(url, max_redirects=0).status == 404, url

    # --- 10. The coordinator escalates to the mayor -----------------------------------------
    coordinator.get_by_role("link", name=T("Escalate")).click()
    coordinator.get_by_label(label_is(T("Escalate to"))).select_option(
        Escalation.Audience.MAYOR.value
    )
    coordinator.get_by_label(label_is(T("Short text for them"))).fill(
        "A young adult in support needs a mentor the service cannot pay for."
    )
    coordinator.get_by_label(label_is(T("Decision asked for"))).fill(
        "Fund a mentor for six months."
    )
    story.step(coordinator, "escalation-form")
    coordinator.get_by_role("button", name=T("Save")).click()
    coordinator.wait_for_url(on_page(case))
    story.step(coordinator, "case-escalated")

    # --- 11. The mayor's office records a decision ------------------------------------------
    mayor = story.sign_in(users["mayor"], PASSWORD)
    story.step(mayor, "mayor-home")
    mayor.get_by_role("navigation").get_by_role("link", name=T("Escalations")).click()
    story.step(mayor, "mayor-escalations")
    mayor.get_by_role("link", name=T("Record the decision")).click()
    mayor.get_by_label(T("Decided: record the decision taken")).check()
    mayor.get_by_label(label_is(T("Decision taken"))).fill(MAYOR_DECISION)
    story.step(mayor, "mayor-decision-form")
    mayor.get_by_role("button", name=T("Record"), exact=True).click()
    mayor.wait_for_url("**/oversight/mayor/")
    assert mayor.get_by_text(MAYOR_DECISION).is_visible()
    story.step(mayor, "mayor-decided")
    assert mayor.request.get(case.get_absolute_url(), max_redirects=0).status == 404
    escalation = case.escalations.get()
    assert escalation.status == Escalation.Status.DECIDED

    assert not story.problems, "\n".join(story.problems)
