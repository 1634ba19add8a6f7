"""Demo referrals of the fictional city (DESIGN section 8), on top of demo.city and demo.cases.
Idempotent: each demo referral carries a fixed form token, and a story already told is skipped.

Every person and story here is invented; any likeness to a real person is chance. Everything is
written through the services, so the audit log and the e-mails look as they would after real use.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import Case, Indicator, Person
from cases.services import add_months
from demo.city import DemoCity
from referrals import services
from referrals.models import OutboundReferral, PrisonRelease, Referral, Screening
from referrals.selectors import linkable_persons

SOCIAL_PREVENTION = "Havenstad Social Prevention Service"
PRISON = "Havenstad Prison"
YOUTH_WORK = "Havenstad Youth Work"
STREET_WORK = "Havenstad Street-Corner Work"
MENTAL_HEALTH = "Havenstad Mental Health Centre"

OUT = Screening.Outcome
A = Screening.Acceptance
OS = OutboundReferral.Status
SV = OutboundReferral.Service
OC = OutboundReferral.Consent


@dataclass(frozen=True)
class Decision:
    by: str
    outcome: str
    reasons: str
    question: str = ""
    signposted_to: str = ""
    note_to_referrer: str = ""
    acceptance: str = ""


@dataclass(frozen=True)
class Outbound:
    service: str
    provider: str
    request: str
    consent: str
    answers: tuple[tuple[str, str, str], ...] = ()  # (username, status, note)
    override_reason: str = ""
    revoke_reason: str = ""


@dataclass(frozen=True)
class DemoReferral:
    key: str
    referrer: str
    days_ago: int
    first_name: str
    last_name: str
    age: int | None
    concern: str
    request: str
    indicators: tuple[str, ...] = ()
    known_person: tuple[str, str] | None = None  # take the date of birth of this demo person
    address: str = ""
    school_or_employer: str = ""
    urgency: str = Referral.Urgency.ROUTINE
    other_agencies: str = ""
    person_aware: bool = True
    consent: str = Referral.Consent.GIVEN
    no_consent_reason: str = ""
    legal_basis: str = ""
    draft: bool = False
    decisions: tuple[Decision, ...] = ()
    outbound: tuple[Outbound, ...] = field(default_factory=tuple)


REFERRALS: list[DemoReferral] = [
    DemoReferral(
        key="draft-yassin",
        referrer="youth",
        days_ago=0,
        first_name="Yassin",
        last_name="",
        age=None,
        concern="A boy of about 16 at the youth centre, only knows him as Yassin. Since the "
        "holidays he",
        request="",
        draft=True,
        consent="",
    ),
    DemoReferral(
        key="awaiting-bouzid",
        referrer="partner",
        days_ago=1,
        first_name="Sami",
        last_name="Bouzid",
        age=29,
        address="Havenstad Prison, wing B",
        school_or_employer="Detainee (theft), release in about eight months",
        concern="In the exercise yard Sami gathers younger detainees around him and tells them "
        "that their sentences are a punishment for not following 'the true path'. Two of them "
        "asked to change wing.",
        request="An assessment before his release, and contact with the disengagement service.",
        indicators=("Susceptibility to influence", "Us-and-them thinking", "Criminal history"),
        other_agencies="Prison psychosocial service",
        person_aware=False,
        consent=Referral.Consent.NOT_ASKED,
        no_consent_reason="Asking him now would warn him and could put the two young "
        "detainees at risk.",
        legal_basis=Case.LegalBasis.LIVC_LAW,
    ),
    DemoReferral(
        key="overdue-verstraete",
        referrer="youth",
        days_ago=8,
        first_name="Lina",
        last_name="Verstraete",
        age=15,
        address="Tulpenlaan 12, Havenstad",
        school_or_employer="Sint-Jozef Secondary School",
        urgency=Referral.Urgency.PRIORITY,
        concern="Lina shares memes about 'remigration' in the group chat of the youth centre "
        "and says she met 'real patriots' online who invited her to a camp.",
        request="Advice on how to keep in touch with her, and whether the family needs support.",
        indicators=("Need for identity, meaning or belonging", "Us-and-them thinking"),
        person_aware=False,
        consent=Referral.Consent.NOT_ASKED,
        no_consent_reason="Telling the parents now could push her away from the youth centre, "
        "the only place where we still see her.",
        legal_basis=Case.LegalBasis.LIVC_LAW,
    ),
    DemoReferral(
        key="repeat-dewulf",
        referrer="street",
        days_ago=2,
        first_name="Kevin",
        last_name="De Wulf",
        age=27,
        known_person=("Kevin", "Dewulf"),
        address="Molenstraat 88, Havenstad",
        concern="Kevin hands out flyers about a 'great replacement' at the station and tells "
        "young people to 'get ready'.",
        request="Please check whether he is known and needs support again.",
        indicators=("Grievance and injustice", "Justification of violence"),
        person_aware=False,
        consent=Referral.Consent.NOT_ASKED,
        no_consent_reason="We only spoke to him in passing on the street.",
        legal_basis=Case.LegalBasis.PUBLIC_TASK,
    ),
    DemoReferral(
        key="question-desmet",
        referrer="street",
        days_ago=4,
        first_name="Milan",
        last_name="De Smet",
        age=16,
        address="Zuidpark, Havenstad (hangs out there)",
        concern="Milan boasts about a knife and about 'cleaning up the park' of people he "
        "calls parasites.",
        request="Assessment and advice for the street-corner team.",
        indicators=("Us-and-them thinking", "Access to networks or materials"),
        person_aware=True,
        consent=Referral.Consent.REFUSED,
        no_consent_reason="He laughed it off and asked us not to tell anyone.",
        legal_basis=Case.LegalBasis.VITAL_INTEREST,
        decisions=(
            Decision(
                by="coordinator",
                outcome=OUT.MORE_INFORMATION,
                reasons="We cannot identify him yet, and the knife needs checking.",
                question="Do you know his school or his address, and have you seen the knife "
                "yourself?",
            ),
        ),
    ),
    DemoReferral(
        key="nfa-wouters",
        referrer="social",
        days_ago=20,
        first_name="Jens",
        last_name="Wouters",
        age=19,
        address="Beekstraat 3, Havenstad",
        concern="A neighbour reported that Jens shouted slogans from his balcony.",
        request="Please check whether this is a concern.",
        decisions=(
            Decision(
                by="coordinator",
                outcome=OUT.NO_FURTHER_ACTION,
                reasons="A football chant after a match, once; nothing else known. No sign of "
                "extremism.",
                note_to_referrer="Thank you for checking with us.",
            ),
        ),
    ),
    DemoReferral(
        key="signposted-goris",
        referrer="youth",
        days_ago=15,
        first_name="Arne",
        last_name="Goris",
        age=20,
        address="Lindelaan 40, Havenstad",
        concern="Arne hears voices that tell him the city is poisoned and wants to 'warn "
        "everyone'. No group, no ideology.",
        request="Help for Arne.",
        decisions=(
            Decision(
                by="coordinator",
                outcome=OUT.SIGNPOSTED,
                reasons="A mental-health concern without an extremist ideology.",
                signposted_to=MENTAL_HEALTH,
            ),
        ),
    ),
    DemoReferral(
        key="police-rinaldi",
        referrer="partner",
        days_ago=12,
        first_name="Marco",
        last_name="Rinaldi",
        age=34,
        address="Havenstad Prison, wing D",
        urgency=Referral.Urgency.URGENT,
        concern="During a visit Marco told his brother where 'the things for the attack' are "
        "hidden. The guard wrote down the address.",
        request="Pass this on to the police at once.",
        indicators=("Justification of violence", "Access to networks or materials"),
        person_aware=False,
        consent=Referral.Consent.NOT_ASKED,
        no_consent_reason="A possible attack: asking him would warn him.",
        legal_basis=Case.LegalBasis.VITAL_INTEREST,
        decisions=(
            Decision(
                by="info",
                outcome=OUT.POLICE_ROUTE,
                reasons="Possible preparation of a terrorist offence: handed to the federal "
                "prosecutor the same day.",
            ),
        ),
    ),
    DemoReferral(
        key="accepted-mansouri",
        referrer="youth",
        days_ago=25,
        first_name="Ilyas",
        last_name="Mansouri",
        age=17,
        address="Havenkaai 21, Havenstad",
        school_or_employer="Technical school, car mechanics",
        concern="Ilyas spends whole nights on channels of a preacher who calls for 'jihad "
        "against the oppressors' and has stopped playing football with his friends.",
        request="Support for Ilyas and his family.",
        indicators=(
            "Need for identity, meaning or belonging",
            "Susceptibility to influence",
            "Family support",
        ),
        other_agencies="The school's pupil guidance centre",
        consent=Referral.Consent.PARENT_GIVEN,
        decisions=(
            Decision(
                by="coordinator",
                outcome=OUT.ACCEPTED,
                acceptance=A.NEW_PERSON,
                reasons="A minor drawn to a violent preacher; the family asks for help.",
                note_to_referrer="The social prevention service will contact you.",
            ),
        ),
        outbound=(
            Outbound(
                SV.OUTREACH_WORKER,
                YOUTH_WORK,
                "Keep in touch with Ilyas at the youth centre, and invite him back to football.",
                OC.PARENT_GIVEN,
                answers=(("youth", OS.ACCEPTED, "We see him on Wednesdays."),),
            ),
            Outbound(
                SV.EMPLOYMENT_EDUCATION,
                STREET_WORK,
                "Help Ilyas find a holiday job in a garage.",
                OC.PARENT_GIVEN,
                answers=(
                    ("street", OS.ACCEPTED, ""),
                    ("street", OS.COMPLETED, "He works in a garage in the port this summer."),
                ),
            ),
            Outbound(
                SV.MENTAL_HEALTH,
                MENTAL_HEALTH,
                "An intake for sleep problems and anxiety.",
                OC.OVERRIDDEN,
                override_reason="Urgent, and the parents could not be reached for a week.",
                revoke_reason="The parents are back and want to choose the therapist with Ilyas.",
            ),
        ),
    ),
    DemoReferral(
        key="accepted-koc",
        referrer="street",
        days_ago=6,
        first_name="Fatma",
        last_name="Koc",
        age=32,
        known_person=("Fatma", "Koç"),
        address="IJzerstraat 6, Havenstad",
        concern="Fatma was seen at the market handing out leaflets of the healer's group "
        "again, with her eldest son.",
        request="Check whether she needs support again.",
        indicators=("Susceptibility to influence",),
        person_aware=False,
        consent=Referral.Consent.NOT_ASKED,
        no_consent_reason="We did not speak to her.",
        legal_basis=Case.LegalBasis.LIVC_LAW,
        decisions=(
            Decision(
                by="coordinator",
                outcome=OUT.ACCEPTED,
                acceptance=A.EXISTING_PERSON,
                reasons="Known person, case closed this year: a repeat. A new case so the "
                "aftercare team can act.",
            ),
        ),
        outbound=(
            Outbound(
                SV.FAMILY_SUPPORT,
                MENTAL_HEALTH,
                "Family support for Fatma and her children.",
                OC.GIVEN,
                answers=(("lotte", OS.DECLINED, "We do not offer family support; ask the CAW."),),
            ),
        ),
    ),
]


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"msc-demo-referral:{key}")


def _born(demo: DemoReferral, today: date) -> date | None:
    if demo.known_person:
        first, last = demo.known_person
        person = Person.objects.filter(first_name=first, last_name=last).first()
        if person and person.date_of_birth:
            return person.date_of_birth
    if demo.age is None:
        return None
    spread = sum(map(ord, demo.first_name + demo.last_name)) % 300
    return add_months(today, -12 * demo.age) - timedelta(days=10 + spread)


def _decide(referral: Referral, decision: Decision, users: dict, city: DemoCity) -> Referral:
    accept = {}
    if decision.acceptance == A.NEW_PERSON:
        accept = {
            "owner": users["social"],
            "lead_agency": city.agencies[SOCIAL_PREVENTION],
        }
    elif decision.acceptance == A.EXISTING_PERSON:
        accept = {
            "person": linkable_persons(user=users[decision.by], referral=referral).first(),
            "owner": users["social"],
            "lead_agency": city.agencies[SOCIAL_PREVENTION],
        }
    services.screening_decide(
        referral=referral,
        user=users[decision.by],
        outcome=decision.outcome,
        reasons=decision.reasons,
        question=decision.question,
        signposted_to=decision.signposted_to,
        note_to_referrer=decision.note_to_referrer,
        acceptance=decision.acceptance,
        **accept,
    )
    referral.refresh_from_db()
    return referral


def _send_outbound(case: Case, spec: Outbound, users: dict, city: DemoCity) -> None:
    outbound = services.outbound_send(
        case=case,
        user=users["coordinator"],
        service=spec.service,
        provider=city.agencies[spec.provider],
        person_details=f"{case.person.first_name} {case.person.last_name}",
        request=spec.request,
        consent=spec.consent,
        override_reason=spec.override_reason,
    )
    for username, status, note in spec.answers:
        outbound = services.outbound_answer(
            outbound=outbound, user=users[username], status=status, note=note
        )
    if spec.revoke_reason:
        services.outbound_revoke(
            outbound=outbound, user=users["coordinator"], reason=spec.revoke_reason
        )


def _tell(demo: DemoReferral, users: dict, city: DemoCity, today: date) -> None:
    referral = services.referral_save(
        referrer=users[demo.referrer],
        token=_token(demo.key),
        submit=not demo.draft,
        indicators=list(Indicator.objects.filter(name__in=demo.indicators)),
        first_name=demo.first_name,
        last_name=demo.last_name,
        date_of_birth=_born(demo, today),
        is_minor=demo.age is not None and demo.age < 18,
        address=demo.address,
        school_or_employer=demo.school_or_employer,
        concern=demo.concern,
        urgency=demo.urgency,
        request=demo.request,
        other_agencies=demo.other_agencies,
        person_aware=demo.person_aware,
        consent=demo.consent,
        no_consent_reason=demo.no_consent_reason,
        legal_basis=demo.legal_basis,
    )
    if demo.draft:
        return
    # The demo tells stories that began days ago; the services stamp the present.
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - timedelta(days=demo.days_ago)
    )
    referral.refresh_from_db()
    for decision in demo.decisions:
        referral = _decide(referral, decision, users, city)
    if referral.case_id:
        for spec in demo.outbound:
            _send_outbound(referral.case, spec, users, city)


def _prison_release(users: dict, city: DemoCity, today: date) -> None:
    """Dries Vanderlinden's case (demo.cases) follows the prison-release protocol."""
    case = (
        Case.objects.filter(person__first_name="Dries", person__last_name="Vanderlinden")
        .exclude(status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE])
        .first()
    )
    if case is None or PrisonRelease.objects.filter(case=case).exists():
        return
    services.prison_release_start(
        case=case,
        user=users["coordinator"],
        institution=PRISON,
        expected_release_date=today + timedelta(days=75),
        conditions="Lives at the supervised address; no contact with former co-defendants; "
        "reports to the justice assistant every two weeks.",
        outreach_worker=users["social"],
        provider=city.agencies[PRISON],
        person_details="Dries Vanderlinden, wing A",
        request="Include Dries in the prison outreach programme: two talks before release and "
        "a warm hand-over to the outreach worker on the day of release.",
        consent=OC.GIVEN,
    )


@transaction.atomic
def seed(*, city: DemoCity) -> None:
    users = dict(city.users)
    users.update(
        {u.username: u for u in get_user_model().objects.filter(username__in=["lotte", "hanne"])}
    )
    today = timezone.localdate()
    told = set(
        Referral.objects.filter(
            form_token__in=[_token(demo.key) for demo in REFERRALS]
        ).values_list("form_token", flat=True)
    )
    for demo in REFERRALS:
        if _token(demo.key) in told:
            continue
        if any(d.by not in users for d in demo.decisions) or any(
            username not in users for spec in demo.outbound for username, *_ in spec.answers
        ):
            continue
        _tell(demo, users, city, today)
    _prison_release(users, city, today)
