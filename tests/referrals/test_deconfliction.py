"""Deconfliction: matching on name (case, accents and small misspellings forgiven) and date of
birth; a hit shown in full only to who may see it, and as hit / no hit to everyone else."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import Role
from cases import services as case_services
from cases.models import Case
from referrals import matching, selectors
from tests.factories import make_case, make_person, make_referral, make_user
from tests.referrals.conftest import save

BORN = date(2004, 3, 9)


# --- Matching (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Aït-Bella", "aitbella"),
        ("  ÇELİK ", "celik"),
        ("Van den Broeck", "vandenbroeck"),
        ("d'Hondt", "dhondt"),
        ("Œztürk", "oezturk"),
        ("Łukasz", "lukasz"),
        ("Strauß", "strauss"),
    ],
)
def test_names_are_folded_without_case_accents_spaces_or_hyphens(text, folded):
    assert matching.fold(text) == folded


@pytest.mark.parametrize(
    "referred, known",
    [
        (("Youssef", "El Amrani"), ("Yousef", "Elamrani")),  # a letter and a space
        (("Mohammed", "Benali"), ("Muhammad", "Benali")),  # spelled another way
        (("Kerem", "Ozturk"), ("Kerem", "Öztürk")),  # accents
        (("ARDA", "CELIK"), ("Arda", "Çelik")),  # case and a cedilla
        (("Benali", "Mohammed"), ("Mohammed", "Benali")),  # first and last swapped
        (("Inès", "Lambert"), ("Ines", "Lamberd")),  # accent and a typo
        (("Hamza", "Ait Ouali"), ("Hamza", "Aït-Ouali")),
    ],
)
def test_it_matches_misspelled_and_accented_names_with_the_same_date_of_birth(referred, known):
    result = matching.score(*referred, BORN, *known, BORN)
    assert result is not None
    assert result.birth_date is matching.BirthDate.SAME


@pytest.mark.parametrize(
    "referred, known",
    [
        (("Youssef", "El Amrani"), ("Karim", "Janssens")),
        (("Lina", "Peeters"), ("Lotte", "Maes")),
    ],
)
def test_it_does_not_match_different_names(referred, known):
    assert matching.score(*referred, BORN, *known, BORN) is None


def test_a_different_known_date_of_birth_is_someone_else():
    assert matching.score("Kevin", "Dewulf", BORN, "Kevin", "Dewulf", date(1990, 1, 1)) is None


@pytest.mark.parametrize(
    "other",
    [
        date(2004, 9, 3),  # day and month swapped
        date(2005, 3, 9),  # year typed wrong
        date(2004, 3, 19),  # day typed wrong
    ],
)
def test_a_date_of_birth_off_by_one_typing_error_is_a_possible_match(other):
    result = matching.score("Kevin", "Dewulf", BORN, "Kevin", "De Wulf", other)
    assert result is not None
    assert result.strength is matching.Strength.POSSIBLE


def test_without_a_date_of_birth_only_a_very_close_name_matches():
    assert matching.score("Kevin", "Dewulf", None, "Kevin", "De Wulf", BORN) is not None
    assert matching.score("Mohammed", "Benali", None, "Muhammad", "Benali", BORN) is None


def test_the_same_name_and_date_of_birth_is_a_strong_match():
    result = matching.score("Kevin", "Dewulf", BORN, "kevin", "DEWULF", BORN)
    assert result.strength is matching.Strength.STRONG
    assert result.similarity == 1.0


def test_accented_initials_are_found_by_the_sql_narrowing():
    assert {"Ç", "ç", "C", "c"} <= matching.letter_variants("c")
    assert {"Ö", "ö", "O", "o"} <= matching.letter_variants("o")


# --- Candidates from the database -----------------------------------------------------------


def test_it_finds_a_known_person_whose_last_name_starts_with_an_accented_letter(db):
    person = make_person(first_name="Kerem", last_name="Öztürk", date_of_birth=None)
    found = selectors.person_matches(first_name="Kerem", last_name="Ozturk", date_of_birth=None)
    assert set(found) == {person.pk}


def test_it_finds_a_known_person_by_date_of_birth_whatever_the_first_letter(db):
    person = make_person(first_name="Chalid", last_name="Kaddouri", date_of_birth=BORN)
    found = selectors.person_matches(first_name="Khalid", last_name="Qaddouri", date_of_birth=BORN)
    assert set(found) == {person.pk}


def test_it_finds_earlier_referrals_but_not_drafts(partner):
    earlier = make_referral(referrer=partner, first_name="Youssef", last_name="El Amrani")
    make_referral(referrer=partner, submit=False, first_name="Youssef", last_name="El Amrani")
    new = make_referral(referrer=partner, first_name="Yousef", last_name="Elamrani")
    assert set(selectors.referral_matches(referral=new)) == {earlier.pk}


# --- What each user is shown ----------------------------------------------------------------


@pytest.fixture
def known(social_worker):
    """Ayoub Benali's case, led by the social worker's agency."""
    person = make_person(first_name="Ayoub", last_name="Benali", date_of_birth=BORN)
    return make_case(owner=social_worker, person=person)


def referral_about_ayoub(partner):
    return make_referral(
        referrer=partner, first_name="Ayyoub", last_name="Ben Ali", date_of_birth=BORN
    )


def test_who_sees_the_case_sees_the_match(known, partner, info_officer, social_worker):
    coordinator = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    referral = referral_about_ayoub(partner)
    for user in (coordinator, info_officer):
        result = selectors.deconfliction(user=user, referral=referral)
        assert [m.person for m in result.persons] == [known.person], user
        assert [c.reference for c in result.persons[0].cases] == [known.reference]
        assert not result.hidden_hit


def test_who_does_not_see_the_case_is_told_hit_and_nothing_more(
    client, known, partner, coordinator, police_officer
):
    referral = referral_about_ayoub(partner)
    for user in (coordinator, police_officer):
        result = selectors.deconfliction(user=user, referral=referral)
        assert result.persons == [] and result.hidden_hit and result.hit
        client.force_login(user)
        body = client.get(referral.get_absolute_url()).content.decode()
        assert 'id="hidden-hit"' in body
        assert known.reference not in body
        assert known.person.code not in body


def test_no_match_is_no_hit(client, partner, coordinator, known):
    referral = make_referral(referrer=partner, first_name="Lotte", last_name="Maes")
    assert not selectors.deconfliction(user=coordinator, referral=referral).hit
    client.force_login(coordinator)
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "No hit: nobody known matches." in body
    assert 'id="hidden-hit"' not in body


def test_an_earlier_referral_the_police_no_longer_read_is_a_hidden_hit(
    partner, coordinator, police_officer
):
    from tests.referrals.conftest import decide

    earlier = referral_about_ayoub(partner)
    decide(earlier, coordinator, "no_further_action")
    referral = referral_about_ayoub(partner)
    police_view = selectors.deconfliction(user=police_officer, referral=referral)
    assert police_view.referrals == [] and police_view.hidden_hit
    coordinator_view = selectors.deconfliction(user=coordinator, referral=referral)
    assert [m.referral for m in coordinator_view.referrals] == [earlier]


def test_the_referrer_is_never_shown_deconfliction(client, known, partner):
    referral = referral_about_ayoub(partner)
    client.force_login(partner)
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "deconfliction" not in body.lower()
    assert "Benali" not in body and "Ayyoub" not in body


# --- The repeat flag ------------------------------------------------------------------------


def _close(case: Case, days_ago: int) -> None:
    for step in (Case.Status.INFORMATION_GATHERING, Case.Status.CLOSED):
        case = case_services.case_change_status(
            case=case,
            user=case.owner,
            to_status=step,
            reason="Done",
            expected_version=case.version,
            closure_reason=Case.ClosureReason.RISK_REMOVED,
        )
    Case.objects.filter(pk=case.pk).update(closed_at=case.closed_at - timedelta(days=days_ago))


def test_a_referral_within_twelve_months_of_a_closure_is_a_repeat(client, known, partner):
    _close(known, days_ago=200)
    referral = referral_about_ayoub(partner)
    assert referral.is_repeat
    coordinator = make_user(role=Role.COORDINATOR, agency=known.lead_agency)
    client.force_login(coordinator)
    assert ">repeat</span>" in client.get(reverse("referrals:screening")).content.decode()


def test_a_referral_more_than_twelve_months_after_closure_is_not(known, partner):
    _close(known, days_ago=400)
    assert not referral_about_ayoub(partner).is_repeat


def test_a_referral_about_someone_with_an_open_case_is_not_a_repeat(known, partner):
    assert not referral_about_ayoub(partner).is_repeat


def test_a_draft_is_flagged_when_sent(known, partner):
    _close(known, days_ago=10)
    draft = save(partner, submit=False, first_name="Ayoub", last_name="Benali", date_of_birth=BORN)
    assert not draft.is_repeat
    sent = save(
        partner, token=draft.form_token, first_name="Ayoub", last_name="Benali", date_of_birth=BORN
    )
    assert sent.is_repeat
