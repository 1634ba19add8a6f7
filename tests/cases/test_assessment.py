import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Level, Role
from cases import services
from cases.models import Assessment, AssessmentRating, Indicator
from tests.cases.conftest import join
from tests.factories import make_case, make_user

J = Assessment.Judgement
Rating = AssessmentRating.Rating


@pytest.fixture
def indicators(db):
    return [
        Indicator.objects.create(domain=Indicator.Domain.ENGAGEMENT, name="Test grievance"),
        Indicator.objects.create(domain=Indicator.Domain.INTENT, name="Test justification"),
        Indicator.objects.create(domain=Indicator.Domain.PROTECTIVE, name="Test family support"),
    ]


@pytest.fixture
def ratings(indicators):
    first, second, third = indicators
    return {
        first.pk: (Rating.CLEAR, "Talks about unfair treatment at school."),
        second.pk: (Rating.NOT_PRESENT, ""),
        third.pk: (Rating.STRONG, "Mother very involved."),
    }


def record(case, ratings, *, author=None, **fields):
    fields.setdefault("overall_judgement", J.MODERATE)
    return services.assessment_record(
        case=case, author=author or case.owner, ratings=ratings, **fields
    )


def test_the_first_assessment_is_version_one_and_needs_no_what_changed(case, ratings):
    assessment = record(case, ratings, what_changed="")
    assert assessment.version == 1
    assert Assessment.objects.get(pk=assessment.pk).what_changed == ""


def test_each_new_assessment_is_the_next_version(case, ratings):
    versions = [record(case, ratings, what_changed=f"Change {n}").version for n in range(1, 5)]
    assert versions == [1, 2, 3, 4]
    assert sorted(case.assessments.values_list("version", flat=True)) == [1, 2, 3, 4]


def test_versions_are_counted_per_case(case, ratings):
    record(case, ratings)
    record(case, ratings, what_changed="Left the group")
    other = make_case()
    assert record(other, ratings).version == 1


@pytest.mark.parametrize("what_changed", ["", "  \n "])
def test_it_requires_what_changed_from_version_two(what_changed, case, ratings):
    record(case, ratings)
    with pytest.raises(ValidationError) as refused:
        record(case, ratings, what_changed=what_changed)
    assert "what_changed" in refused.value.message_dict
    assert list(case.assessments.values_list("version", flat=True)) == [1]


def test_a_refused_version_does_not_use_up_its_number(case, ratings):
    record(case, ratings)
    with pytest.raises(ValidationError):
        record(case, ratings, what_changed="")
    assert record(case, ratings, what_changed="School reports progress").version == 2


def test_it_stores_what_changed_the_judgement_and_the_author(case, ratings):
    assessment = record(case, ratings, overall_judgement=J.LOW)
    second = record(case, ratings, overall_judgement=J.HIGH, what_changed="New contacts")
    stored = Assessment.objects.get(pk=second.pk)
    assert stored.what_changed == "New contacts"
    assert stored.overall_judgement == J.HIGH
    assert stored.author == case.owner
    assert stored.agency == case.owner.profile.agency
    assert Assessment.objects.get(pk=assessment.pk).overall_judgement == J.LOW


def test_it_stores_every_rating_with_its_note(case, ratings):
    assessment = record(case, ratings)
    stored = {
        rating.indicator_id: (rating.rating, rating.note)
        for rating in AssessmentRating.objects.filter(assessment=assessment)
    }
    assert stored == ratings


def test_each_version_keeps_its_own_ratings(case, indicators, ratings):
    first = record(case, ratings)
    changed = dict(ratings)
    changed[indicators[0].pk] = (Rating.SOME, "Calmer now.")
    second = record(case, changed, what_changed="Calmer")
    assert first.ratings.get(indicator=indicators[0]).rating == Rating.CLEAR
    assert second.ratings.get(indicator=indicators[0]).rating == Rating.SOME
    assert second.ratings.get(indicator=indicators[0]).note == "Calmer now."


def test_it_refuses_an_assessment_without_ratings(case, indicators):
    with pytest.raises(ValidationError):
        record(case, {})
    assert not case.assessments.exists()


def test_it_refuses_a_rating_of_an_unknown_indicator(case, ratings):
    unknown = max(Indicator.objects.values_list("pk", flat=True)) + 1
    with pytest.raises(ValidationError):
        record(case, {**ratings, unknown: (Rating.SOME, "")})
    assert not case.assessments.exists()
    assert not AssessmentRating.objects.exists()


def test_it_refuses_a_rating_of_a_retired_indicator(case, indicators, ratings):
    retired = indicators[1]
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError):
        record(case, ratings)
    assert not case.assessments.exists()


def test_it_stores_the_level_and_defaults_to_professional_secrecy(case, ratings):
    assert record(case, ratings).level == Level.L2
    police = make_user(role=Role.POLICE)
    join(case, police)
    assessment = record(case, ratings, author=police, level=Level.L4, what_changed="Police view")
    assert Assessment.objects.get(pk=assessment.pk).level == Level.L4
    assert assessment.agency == police.profile.agency


@pytest.mark.parametrize(
    ("role", "level"),
    [(Role.SOCIAL_WORKER, Level.L3), (Role.COORDINATOR, Level.L4), (Role.SOCIAL_WORKER, 0)],
)
def test_it_refuses_a_level_above_the_authors_clearance(role, level, case, ratings):
    author = make_user(role=role)
    join(case, author)
    with pytest.raises(ValidationError) as refused:
        record(case, ratings, author=author, level=level)
    assert "level" in refused.value.message_dict
    assert not case.assessments.exists()


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE])
def test_it_refuses_authors_who_do_not_work_on_cases(role, case, ratings):
    with pytest.raises(PermissionDenied):
        record(case, ratings, author=make_user(role=role))
    assert not case.assessments.exists()


def test_it_refuses_a_case_worker_who_is_not_on_the_case_team(case, ratings):
    with pytest.raises(PermissionDenied):
        record(case, ratings, author=make_user(role=Role.SOCIAL_WORKER))
    assert not case.assessments.exists()
