"""Demo cases of the fictional city (DESIGN section 8), on top of demo.city. Idempotent.

Every person, address and story here is invented; any likeness to a real person is chance.
Everything is written through cases.services and accounts.services, so the audit log, the case
teams and the status history look as they would after real use. A person who already has a case
is left alone, which makes a second run change nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Level, Role
from cases import selectors, services
from cases.models import (
    Action,
    Assessment,
    Case,
    ChronologyEntry,
    ConcernCategory,
    Escalation,
    Indicator,
    Person,
)
from demo.city import DemoCity

SOCIAL_PREVENTION = "Havenstad Social Prevention Service"
POLICE_ZONE = "Havenstad Police Zone"
MENTAL_HEALTH = "Havenstad Mental Health Centre"
PRISON = "Havenstad Prison"
YOUTH_WORK = "Havenstad Youth Work"
STREET_WORK = "Havenstad Street-Corner Work"

# Colleagues of the demo users, so that not every case belongs to the social prevention service
# (whose members, `social` among them, see every case it leads). They cannot sign in.
EXTRA_USERS = [
    ("karim", "Karim", "Ouazzani", POLICE_ZONE, Role.POLICE),
    ("lotte", "Lotte", "Vermeulen", MENTAL_HEALTH, Role.SOCIAL_WORKER),
    ("hanne", "Hanne", "Wouters", PRISON, Role.SOCIAL_WORKER),
]

# The framework of the reference-data migration, in the order of a rating string ("3210...").
INDICATOR_NAMES = [
    "Need for identity, meaning or belonging",
    "Grievance and injustice",
    "Susceptibility to influence",
    "Us-and-them thinking",
    "Justification of violence",
    "Access to networks or materials",
    "Criminal history",
    "Family support",
    "School, work or training",
    "Prosocial ties and activities",
]

S = Case.Status
R = Case.RiskLevel
B = Case.LegalBasis
C = Case.ClosureReason
K = ChronologyEntry.Kind
J = Assessment.Judgement
A = Action.Status
AC = Action.Consent
E = Escalation.Audience
ES = Escalation.Status
L1, L2, L3, L4 = Level.L1, Level.L2, Level.L3, Level.L4


@dataclass(frozen=True)
class Entry:
    days_ago: int
    author: str
    kind: str
    level: int
    text: str
    # (author, corrected text): corrected through services.entry_correct.
    correction: tuple[str, str] | None = None


@dataclass(frozen=True)
class Rating:
    author: str
    judgement: str
    ratings: str  # one digit (0-3) per indicator, in INDICATOR_NAMES order
    what_changed: str = ""
    level: int = L2


@dataclass(frozen=True)
class Plan:
    owner: str
    description: str
    due_in_days: int  # negative: due in the past
    status: str = A.OPEN
    note: str = ""
    consent: str = AC.NOT_NEEDED


@dataclass(frozen=True)
class Raise:
    raised_by: str
    audience: str
    summary: str
    decision_requested: str
    status: str = ES.RAISED
    decided_by: str = ""
    decision: str = ""


@dataclass(frozen=True)
class Step:
    to: str
    reason: str = ""
    review_in_days: int | None = None
    closure: str = ""


@dataclass(frozen=True)
class DemoCase:
    first_name: str
    last_name: str
    age: int
    gender: str
    address: str
    school_or_employer: str
    lead: str
    opened_by: str
    owner: str
    categories: tuple[str, ...]
    risk: str
    legal_basis: str
    not_informed_reason: str = ""  # empty: the person is informed
    opening_reason: str = ""
    team: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = ()
    assessments: tuple[Rating, ...] = ()
    actions: tuple[Plan, ...] = ()
    escalations: tuple[Raise, ...] = ()
    path: tuple[Step, ...] = ()


def _steps(*items: str | Step) -> tuple[Step, ...]:
    return tuple(item if isinstance(item, Step) else Step(to=item) for item in items)


# Oldest stories first, so that the newest referrals get the highest case references.
CASES: list[DemoCase] = [
    # --- Aftercare -------------------------------------------------------------------------
    DemoCase(
        first_name="Amal",
        last_name="Ziani",
        age=19,
        gender=Person.Gender.FEMALE,
        address="Jasmijnstraat 20, Havenstad",
        school_or_employer="Hairdressing apprentice",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Islamist",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                240,
                "social",
                K.CONTACT,
                L2,
                "Referred by her mother, who found plane tickets: Amal was about to leave with "
                "two friends for what they called 'a Muslim land'. Amal cried during the talk and "
                "said the friends' online teacher had promised her a husband and a home.",
            ),
            Entry(
                200,
                "social",
                K.NOTE,
                L2,
                "Amal has cut contact with the two friends and changed her phone number. She "
                "started a hairdressing apprenticeship and wants to open a salon one day.",
            ),
            Entry(
                60,
                "coordinator",
                K.DECISION,
                L1,
                "Case conference: risk removed. Close the case; aftercare reviews at 6 and 12 "
                "months.",
            ),
        ),
        assessments=(
            Rating("social", J.HIGH, "3332101210"),
            Rating(
                "social",
                J.MODERATE,
                "2221001321",
                "Cut contact with the friends and the online teacher; apprenticeship started.",
            ),
            Rating(
                "social",
                J.NO_CONCERN,
                "1100000333",
                "Six months without contact with the group; doing well at work; close to her "
                "mother again.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Find an apprenticeship with a hairdresser in the city centre",
                -210,
                A.DONE,
                consent=AC.GIVEN,
            ),
            Plan(
                "coordinator",
                "Arrange mother-and-daughter sessions with a family therapist",
                -180,
                A.DONE,
                consent=AC.GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=1),
            S.UNDER_REVIEW,
            Step(
                S.CLOSED,
                "Risk removed: no contact with the group for six months.",
                None,
                C.RISK_REMOVED,
            ),
            S.AFTERCARE,
        ),
    ),
    DemoCase(
        first_name="Ilias",
        last_name="Benhaddou",
        age=23,
        gender=Person.Gender.MALE,
        address="Veldstraat 101, Havenstad",
        school_or_employer="Job training in logistics",
        lead=PRISON,
        opened_by="hanne",
        owner="hanne",
        categories=("Islamist",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        team=("police",),
        entries=(
            Entry(
                300,
                "hanne",
                K.NOTE,
                L2,
                "Ilias serves a sentence for spreading propaganda for a terrorist group. In "
                "detention he followed the disengagement programme and finished his secondary "
                "school diploma.",
            ),
            Entry(
                260,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "Since his conditional release Ilias reports at the police station every week, "
                "as the sentencing court required. Always on time.",
            ),
            Entry(
                100,
                "hanne",
                K.NOTE,
                L2,
                "Sentence served. Ilias lives with his mother, works in a warehouse and plays "
                "futsal on Sundays.",
            ),
        ),
        assessments=(
            Rating("hanne", J.HIGH, "2332121110"),
            Rating(
                "hanne",
                J.LOW,
                "1110011332",
                "All release conditions met for six months; steady work and housing.",
            ),
        ),
        actions=(
            Plan(
                "hanne",
                "Agree with his mother that Ilias lives with her after release",
                -280,
                A.DONE,
                consent=AC.GIVEN,
            ),
            Plan("police", "Weekly reporting at the police station", -150, A.DONE),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=1),
            Step(S.CLOSED, "Sentence served; risk reduced and stable.", None, C.RISK_REDUCED),
            S.AFTERCARE,
        ),
    ),
    DemoCase(
        first_name="Fatma",
        last_name="Koç",
        age=32,
        gender=Person.Gender.FEMALE,
        address="IJzerstraat 6, Havenstad",
        school_or_employer="Cleaner, hospital",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Other", "Mixed or unclear"),
        risk=R.LOW,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                220,
                "social",
                K.CONTACT,
                L2,
                "Fatma asked for help herself: her husband pushes her and the children towards a "
                "closed group led by a self-declared healer who forbids school and doctors.",
            ),
            Entry(
                150,
                "social",
                K.NOTE,
                L2,
                "Fatma has separated from her husband and moved with the children. They go to "
                "school again; she keeps her job.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Find a place in a women's shelter and a legal aid lawyer",
                -200,
                A.DONE,
                consent=AC.GIVEN,
            ),
            Plan("social", "Aftercare call with Fatma", 30, consent=AC.GIVEN),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=1),
            Step(
                S.CLOSED,
                "Risk removed: Fatma and the children left the group.",
                None,
                C.RISK_REMOVED,
            ),
            S.AFTERCARE,
        ),
    ),
    # --- Closed ----------------------------------------------------------------------------
    DemoCase(
        first_name="Kevin",
        last_name="Dewulf",
        age=27,
        gender=Person.Gender.MALE,
        address="Molenstraat 88, Havenstad",
        school_or_employer="Unemployed (formerly a bus driver)",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Conspiracy or anti-vaccination",),
        risk=R.LOW,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                150,
                "social",
                K.CONTACT,
                L2,
                "First meeting at the office. Kevin lost his job in a conflict about vaccination "
                "rules and now says the city council is 'part of the plan'. Willing to talk.",
            ),
            Entry(
                120,
                "social",
                K.NOTE,
                L2,
                "Kevin accepted a job coach and a talk every week. His mother says he spends "
                "less time online.",
            ),
            Entry(
                40,
                "coordinator",
                K.DECISION,
                L1,
                "Case conference: the support plan is completed and the risk reduced; close.",
            ),
        ),
        assessments=(
            Rating("social", J.MODERATE, "2320000121"),
            Rating(
                "social",
                J.LOW,
                "1210000222",
                "Job coaching started; he distances himself from the channels he followed.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Introduce Kevin to a job coach at the public employment service",
                -130,
                A.DONE,
                consent=AC.GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=14),
            Step(S.CLOSED, "Support plan completed; risk reduced.", None, C.RISK_REDUCED),
        ),
    ),
    DemoCase(
        first_name="Patrick",
        last_name="Vermeersch",
        age=61,
        gender=Person.Gender.MALE,
        address="Duinenweg 33, Havenstad",
        school_or_employer="Retired",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Conspiracy or anti-vaccination",),
        risk=R.LOW,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                130,
                "coordinator",
                K.CONTACT,
                L2,
                "Patrick writes long letters to the mayor about a 'world government' and sent an "
                "alderman an e-mail saying 'traitors will be judged'.",
            ),
            Entry(
                100,
                "social",
                K.CONTACT,
                L2,
                "Home visit. Patrick is lonely since his wife died and seriously ill. He accepts "
                "visits and apologised for the e-mail.",
            ),
            Entry(25, "social", K.NOTE, L1, "Patrick died in hospital."),
        ),
        actions=(
            Plan(
                "social",
                "Arrange home care and a visiting volunteer",
                -90,
                A.DONE,
                consent=AC.GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=1),
            Step(S.CLOSED, "Patrick died.", None, C.DECEASED),
        ),
    ),
    DemoCase(
        first_name="Wout",
        last_name="Hermans",
        age=38,
        gender=Person.Gender.MALE,
        address="Weverslaan 9, Havenstad",
        school_or_employer="Accountant",
        lead=MENTAL_HEALTH,
        opened_by="lotte",
        owner="lotte",
        categories=("Conspiracy or anti-vaccination",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                90,
                "lotte",
                K.CONTACT,
                L2,
                "Wout believes that phone masts cause his migraines and threatened two "
                "technicians working on a mast in his street.",
            ),
            Entry(
                50,
                "lotte",
                K.NOTE,
                L2,
                "The regional psychiatric day clinic takes over his care; Wout agrees.",
            ),
        ),
        actions=(
            Plan(
                "lotte",
                "Hand over to the psychiatric day clinic",
                -40,
                A.DONE,
                consent=AC.GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=30),
            Step(S.CLOSED, "Care transferred to the psychiatric day clinic.", None, C.TRANSFERRED),
        ),
    ),
    DemoCase(
        first_name="Luca",
        last_name="Moreau",
        age=22,
        gender=Person.Gender.MALE,
        address="Zeedijk 55, Havenstad",
        school_or_employer="Unemployed",
        lead=POLICE_ZONE,
        opened_by="info",
        owner="police",
        categories=("Right-wing extremist",),
        risk=R.CRITICAL,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Under judicial investigation; the prosecutor decides what he is told.",
        entries=(
            Entry(
                70,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "Stopped at night with a knife and a bag of flyers of a banned group.",
            ),
            Entry(
                65,
                "info",
                K.POLICE_INFORMATION,
                L4,
                "Intelligence: he bought chemicals that can be used to make explosives. Source "
                "protected.",
            ),
            Entry(20, "police", K.DECISION, L1, "Arrested; the public prosecutor leads."),
        ),
        escalations=(
            Raise(
                "police",
                E.POLICE,
                "Evidence that he bought explosive precursors.",
                "Hand the case to the judicial route?",
                ES.DECIDED,
                "info",
                "Handed to the federal prosecutor; the prevention case is closed.",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            S.ESCALATED,
            Step(S.CLOSED, "Arrested; criminal route.", None, C.CRIMINAL_ROUTE),
        ),
    ),
    DemoCase(
        first_name="Inès",
        last_name="Lambert",
        age=29,
        gender=Person.Gender.FEMALE,
        address="Stadhuisstraat 2 bus 5, Havenstad",
        school_or_employer="Nurse",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Islamist",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                45,
                "coordinator",
                K.NOTE,
                L2,
                "Referral from the hospital: Inès refused to care for male patients and told "
                "colleagues she is 'preparing to leave'.",
            ),
            Entry(
                30,
                "social",
                K.CONTACT,
                L2,
                "Inès does not want contact with the service and asks that the file be closed. "
                "Nothing suggests a risk to others.",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            Step(
                S.CLOSED,
                "She refuses support and no risk to others justifies going on without consent.",
                None,
                C.CONSENT_REFUSED,
            ),
        ),
    ),
    DemoCase(
        first_name="Anouk",
        last_name="Visser",
        age=24,
        gender=Person.Gender.FEMALE,
        address="Nieuwe Kaai 4, Havenstad",
        school_or_employer="Barista",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Mixed or unclear",),
        risk=R.LOW,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                16,
                "social",
                K.CONTACT,
                L2,
                "A colleague referred Anouk for posts that praise several extremist movements at "
                "once. Anouk moves back to Rotterdam next week.",
            ),
        ),
        path=_steps(
            Step(
                S.CLOSED,
                "Moved to Rotterdam; with her consent the local Safety House knows she may ask "
                "for help.",
                None,
                C.MOVED_AWAY,
            ),
        ),
    ),
    # --- Active support, under review and escalated -----------------------------------------
    DemoCase(
        first_name="Dries",
        last_name="Vanderlinden",
        age=45,
        gender=Person.Gender.MALE,
        address="Havenstad Prison",
        school_or_employer="Detainee, release planned",
        lead=PRISON,
        opened_by="hanne",
        owner="hanne",
        categories=("Islamist",),
        risk=R.CRITICAL,
        legal_basis=B.LIVC_LAW,
        team=("police", "coordinator"),
        entries=(
            Entry(
                100,
                "hanne",
                K.NOTE,
                L2,
                "Dries serves the last year of a sentence for taking part in the activities of "
                "a terrorist group. Release planned in three months. Little family contact.",
            ),
            Entry(
                85,
                "police",
                K.POLICE_INFORMATION,
                L4,
                "Intelligence: still writes to two former co-defendants. Not to be shared.",
            ),
            Entry(
                70,
                "hanne",
                K.CONTACT,
                L2,
                "Dries agreed to meet a counsellor of the disengagement service before release. "
                "He wants to live near his daughter.",
            ),
            Entry(
                40,
                "coordinator",
                K.DECISION,
                L1,
                "Case conference: release plan adopted; the mayor is asked about conditions.",
            ),
        ),
        assessments=(
            Rating("hanne", J.HIGH, "2333232100"),
            Rating(
                "hanne",
                J.HIGH,
                "2232232110",
                "Counselling started; the letters to former co-defendants go on.",
            ),
        ),
        actions=(
            Plan("hanne", "Find supervised housing for the release", 12, consent=AC.GIVEN),
            Plan("police", "Agree a reporting schedule with the community police", -6),
            Plan(
                "coordinator",
                "Ask the mother of his daughter whether contact is welcome",
                -30,
                A.DONE,
            ),
        ),
        escalations=(
            Raise(
                "coordinator",
                E.MAYOR,
                "A man convicted of terrorist offences is released to Havenstad in three months.",
                "Does the mayor want conditions on where he lives?",
                ES.DECIDED,
                "mayor",
                "No extra measure; the mayor supports supervised housing and wants a monthly "
                "report.",
            ),
        ),
        path=_steps(S.INFORMATION_GATHERING, S.ON_AGENDA, Step(S.ACTIVE_SUPPORT, review_in_days=7)),
    ),
    DemoCase(
        first_name="Sanne",
        last_name="de Groot",
        age=30,
        gender=Person.Gender.FEMALE,
        address="Parklaan 77, Havenstad",
        school_or_employer="Yoga teacher, self-employed",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Conspiracy or anti-vaccination",),
        risk=R.LOW,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                120,
                "social",
                K.CONTACT,
                L2,
                "Referred by her GP: Sanne tells her students that a 'cabal' poisons the tap "
                "water, and has cut off her family.",
            ),
            Entry(
                90,
                "social",
                K.NOTE,
                L2,
                "She keeps away from the harshest channels and is willing to see her sister.",
            ),
            Entry(
                14,
                "social",
                K.OBSERVATION,
                L2,
                "Review: she has seen her sister three times and teaches again. The GP hears no "
                "more alarming remarks.",
            ),
        ),
        assessments=(
            Rating("social", J.LOW, "2210000122"),
            Rating(
                "social",
                J.NO_CONCERN,
                "1100000233",
                "Family contact restored; no alarming remarks for two months.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Meeting with her sister and a family mediator",
                -60,
                A.DONE,
                consent=AC.GIVEN,
            ),
            Plan(
                "social",
                "Help Sanne register her business again",
                -40,
                A.DONE,
                consent=AC.GIVEN,
            ),
            Plan(
                "social",
                "Family mediation course",
                -20,
                A.NOT_POSSIBLE,
                "The mediation service stopped the course; the sisters now meet by themselves.",
                AC.GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=3),
            S.UNDER_REVIEW,
        ),
    ),
    DemoCase(
        first_name="Hamza",
        last_name="Aït Ouali",
        age=25,
        gender=Person.Gender.MALE,
        address="Rozenstraat 31, Havenstad",
        school_or_employer="Delivery driver",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Islamist",),
        risk=R.MODERATE,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="The police asked for time to check a payment before he is told.",
        team=("police",),
        entries=(
            Entry(
                110,
                "coordinator",
                K.NOTE,
                L2,
                "Hamza came back from a long stay abroad and speaks of a 'duty' to support the "
                "families of fighters. His mosque committee is worried and referred him.",
            ),
            Entry(
                95,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "Hamza sent small sums to a charity that the financial unit is watching. No "
                "evidence of intent.",
            ),
            Entry(
                60,
                "social",
                K.CONTACT,
                L2,
                "Hamza accepts help to find steady work; he wants to marry next year.",
            ),
            Entry(
                12,
                "social",
                K.NOTE,
                L2,
                "For the review: Hamza now gives to the mosque's own fund and has a fixed "
                "contract.",
            ),
        ),
        assessments=(
            Rating("coordinator", J.MODERATE, "2321011221"),
            Rating(
                "social",
                J.MODERATE,
                "2211011232",
                "Fixed contract; no more payments to the charity.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Go with Hamza to the employment service",
                -18,
                consent=AC.GIVEN,
            ),
            Plan(
                "coordinator",
                "Ask the mosque committee for a mentor",
                -40,
                A.NOT_DONE,
                "The meeting was never planned; the coordinator takes it up again.",
            ),
            Plan("police", "Check the charity's status with the financial unit", -50, A.DONE),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=5),
            S.UNDER_REVIEW,
        ),
    ),
    DemoCase(
        first_name="Ayoub",
        last_name="Bennani",
        age=17,
        gender=Person.Gender.MALE,
        address="Pottenbakkersstraat 27, Havenstad",
        school_or_employer="Sint-Jozef Secondary School",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Islamist",),
        risk=R.HIGH,
        legal_basis=B.PARENTAL_CONSENT,
        team=("police",),
        entries=(
            Entry(
                90,
                "social",
                K.CONTACT,
                L2,
                "Referred by Havenstad Youth Work: Ayoub stopped coming to the youth centre and "
                "spends his afternoons with older men who preach outside the station.",
            ),
            Entry(
                75,
                "social",
                K.OBSERVATION,
                L2,
                "Home visit with his father. The family is worried; an uncle will keep an eye on "
                "Ayoub after school.",
                correction=(
                    "social",
                    "Home visit with his mother (his father works abroad). The family is "
                    "worried; an uncle will keep an eye on Ayoub after school.",
                ),
            ),
            Entry(
                60,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "Ayoub was present when two of the older men were checked at the station. No "
                "offence.",
            ),
            Entry(
                45,
                "police",
                K.POLICE_INFORMATION,
                L4,
                "One of the older men is the subject of an intelligence operation. Ayoub is not "
                "a target. Do not approach the men.",
            ),
            Entry(
                30,
                "coordinator",
                K.DECISION,
                L1,
                "Case conference: support plan adopted.",
            ),
            Entry(
                10,
                "social",
                K.CONTACT,
                L2,
                "Ayoub boxes twice a week at FC Havenstad Community Trust. He still goes to the "
                "station on Fridays.",
            ),
        ),
        assessments=(
            Rating("social", J.HIGH, "3332111110"),
            Rating(
                "social",
                J.HIGH,
                "3322111211",
                "The boxing club gives him structure; contact with the older men goes on.",
            ),
            Rating(
                "social",
                J.MODERATE,
                "2221011222",
                "School attendance back above 80%; he left the group's chat.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Visit the family with the school's pupil-support coordinator",
                -12,
                consent=AC.PARENT_GIVEN,
            ),
            Plan("police", "Brief the community officers not to approach Ayoub at the station", 7),
            Plan(
                "social",
                "Enrol Ayoub at the boxing club of FC Havenstad Community Trust",
                -20,
                A.DONE,
                consent=AC.PARENT_GIVEN,
            ),
            Plan(
                "coordinator",
                "Find a mentor through Bridges Grassroots Network",
                -5,
                A.NOT_POSSIBLE,
                "The network's only available mentor moved away; funding was asked instead.",
                AC.PARENT_GIVEN,
            ),
        ),
        escalations=(
            Raise(
                "social",
                E.COORDINATOR,
                "A 17-year-old at high risk; the family asks for a mentor and the network has "
                "none free.",
                "Pay a professional mentor from the prevention budget for six months?",
                ES.DECIDED,
                "coordinator",
                "Approved: six months of mentoring from the prevention budget.",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING, S.ON_AGENDA, Step(S.ACTIVE_SUPPORT, review_in_days=21)
        ),
    ),
    DemoCase(
        first_name="Ruben",
        last_name="Jacobs",
        age=26,
        gender=Person.Gender.MALE,
        address="Vissersstraat 3, Havenstad",
        school_or_employer="Security guard",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Right-wing extremist",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                80,
                "coordinator",
                K.NOTE,
                L2,
                "His employer referred Ruben: he wore a neo-Nazi patch at work and shared a "
                "video of a mosque attack in the staff chat.",
            ),
            Entry(
                70,
                "social",
                K.CONTACT,
                L2,
                "Ruben calls the video 'a joke' but talks with rage about losing a flat to a "
                "refugee family.",
            ),
            Entry(
                50,
                "coordinator",
                K.DECISION,
                L1,
                "Case conference: escalate to the MAC about his security licence.",
            ),
            Entry(
                20,
                "social",
                K.CONTACT,
                L2,
                "Ruben joined an exit programme with a former extremist as his coach.",
            ),
        ),
        assessments=(
            Rating("coordinator", J.MODERATE, "2331101111"),
            Rating(
                "social",
                J.LOW,
                "2221001122",
                "Started the exit programme; no new posts.",
            ),
        ),
        actions=(
            Plan("coordinator", "Ask the housing service about Ruben's application", -9),
            Plan(
                "social",
                "Introduce Ruben to an exit programme coach",
                -25,
                A.DONE,
                consent=AC.GIVEN,
            ),
            Plan("coordinator", "Report to the MAC on the exit programme", 30),
        ),
        escalations=(
            Raise(
                "coordinator",
                E.MAC,
                "A security guard wore a neo-Nazi patch and shared a violent video at work. He "
                "accepts support.",
                "Should the licensing authority for private security be informed?",
                ES.DECIDED,
                "mayor",
                "The MAC informs the licensing authority; support goes on alongside.",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            S.ESCALATED,
            Step(S.ACTIVE_SUPPORT, "The MAC decided; the support plan goes on.", 35),
        ),
    ),
    DemoCase(
        first_name="Yasmina",
        last_name="Tahiri",
        age=23,
        gender=Person.Gender.FEMALE,
        address="Kerkhofstraat 11, Havenstad",
        school_or_employer="Call-centre worker",
        lead=MENTAL_HEALTH,
        opened_by="lotte",
        owner="lotte",
        categories=("Islamist",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        team=("social",),
        entries=(
            Entry(
                70,
                "lotte",
                K.CONTACT,
                L2,
                "Yasmina came to the centre with depression after a divorce. She spends hours in "
                "an online study circle that calls other Muslims unbelievers.",
            ),
            Entry(
                55,
                "social",
                K.CONTACT,
                L2,
                "Joint meeting with Yasmina and Lotte. Yasmina wants to keep her job and see her "
                "son more often.",
            ),
            Entry(
                20,
                "lotte",
                K.NOTE,
                L2,
                "Therapy twice a month. She left the circle's chat but still follows its preacher.",
            ),
        ),
        assessments=(Rating("lotte", J.MODERATE, "3321000111"),),
        actions=(
            Plan(
                "social",
                "Support her request to the family court for visits with her son",
                -15,
                consent=AC.GIVEN,
            ),
            Plan("lotte", "Start therapy for depression", -50, A.DONE, consent=AC.GIVEN),
            Plan(
                "social",
                "Ask her employer about flexible hours",
                -30,
                A.NOT_DONE,
                "The social prevention service did not follow up while staff were absent.",
                AC.GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING, S.ON_AGENDA, Step(S.ACTIVE_SUPPORT, review_in_days=10)
        ),
    ),
    DemoCase(
        first_name="Emre",
        last_name="Demir",
        age=19,
        gender=Person.Gender.MALE,
        address="Stationsplein 2 bus 14, Havenstad",
        school_or_employer="Unemployed",
        lead=POLICE_ZONE,
        opened_by="info",
        owner="police",
        categories=("Mixed or unclear",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Telling him what we know could expose a source.",
        entries=(
            Entry(
                65,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "Emre posted photos with a replica weapon and the flags of two opposed movements.",
            ),
            Entry(
                60,
                "info",
                K.POLICE_INFORMATION,
                L4,
                "A source says Emre asked where to buy a real firearm.",
            ),
            Entry(
                40,
                "karim",
                K.CONTACT,
                L3,
                "Talk at his home by the community officer. Emre says he 'just wants to be "
                "someone'.",
            ),
            Entry(
                25,
                "police",
                K.DECISION,
                L1,
                "Case conference: outreach by the police prevention officer.",
            ),
        ),
        assessments=(Rating("police", J.HIGH, "3312221100"),),
        actions=(
            Plan("police", "Home visit with the prevention officer every two weeks", 5),
            Plan("karim", "Check whether Emre applied for a firearms licence", -20, A.DONE),
            Plan(
                "karim",
                "Offer a place in the job training of FC Havenstad Community Trust",
                -8,
                A.NOT_DONE,
                "The police zone did not pass the offer on before the deadline.",
            ),
        ),
        escalations=(
            Raise(
                "info",
                E.POLICE,
                "A source says he tried to buy a firearm.",
                "Open a judicial file, or go on with prevention?",
                ES.DECIDED,
                "police",
                "Go on with prevention; the public prosecutor is informed.",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING, S.ON_AGENDA, Step(S.ACTIVE_SUPPORT, review_in_days=14)
        ),
    ),
    DemoCase(
        first_name="Arda",
        last_name="Çelik",
        age=17,
        gender=Person.Gender.MALE,
        address="Kanaalstraat 8, Havenstad",
        school_or_employer="Vocational school, car mechanics",
        lead=STREET_WORK,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Other",),
        risk=R.MODERATE,
        legal_basis=B.PARENTAL_CONSENT,
        opening_reason="Opened at the request of the street-corner workers, who lead.",
        entries=(
            Entry(
                75,
                "coordinator",
                K.NOTE,
                L2,
                "The street-corner workers report that Arda draws younger boys into an "
                "ultranationalist youth group; there were fights with Kurdish boys on the square.",
            ),
            Entry(
                50,
                "coordinator",
                K.CONTACT,
                L2,
                "Meeting with Arda, his mother and the street-corner worker. Arda wants to box "
                "in competitions.",
            ),
            Entry(
                15,
                "coordinator",
                K.NOTE,
                L2,
                "For the review: no new fights; he still wears the group's symbol.",
            ),
        ),
        assessments=(Rating("coordinator", J.MODERATE, "3331120211"),),
        actions=(
            Plan(
                "coordinator",
                "Register Arda at a boxing club with a competition licence",
                -10,
                consent=AC.PARENT_GIVEN,
            ),
            Plan(
                "coordinator",
                "Meeting between both groups on the square, led by the street-corner workers",
                -30,
                A.DONE,
                consent=AC.PARENT_GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=2),
            S.UNDER_REVIEW,
        ),
    ),
    DemoCase(
        first_name="Maxime",
        last_name="Leclercq",
        age=31,
        gender=Person.Gender.MALE,
        address="Hoogstraat 19, Havenstad",
        school_or_employer="Engineer, railway company (suspended)",
        lead=POLICE_ZONE,
        opened_by="coordinator",
        owner="police",
        categories=("Left-wing",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Under judicial investigation.",
        entries=(
            Entry(
                45,
                "police",
                K.POLICE_INFORMATION,
                L4,
                "Judicial police: Maxime is suspected of planning to sabotage the rail lines "
                "used by an arms manufacturer.",
            ),
            Entry(
                40,
                "coordinator",
                K.NOTE,
                L2,
                "His employer called the city, worried, after suspending him.",
            ),
            Entry(
                22,
                "police",
                K.DECISION,
                L1,
                "Case conference: escalate to the police route and the MAC.",
            ),
        ),
        actions=(Plan("police", "Hand the file to the public prosecutor", 3),),
        escalations=(
            Raise(
                "police",
                E.POLICE,
                "Suspected plan to sabotage rail lines.",
                "Hand over to the judicial route?",
                ES.UNDER_REVIEW,
                "info",
            ),
            Raise(
                "coordinator",
                E.MAC,
                "A railway engineer suspected of sabotage plans refuses social support.",
                "Should the city ask the rail company to review his access to the network?",
                ES.UNDER_REVIEW,
                "mayor",
            ),
        ),
        path=_steps(S.INFORMATION_GATHERING, S.ON_AGENDA, S.ESCALATED),
    ),
    DemoCase(
        first_name="Kerem",
        last_name="Öztürk",
        age=27,
        gender=Person.Gender.MALE,
        address="Marktplein 12, Havenstad",
        school_or_employer="Barber",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Anti-LGBTQ+ hostility",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="He threatened the person who reported him; telling him could "
        "endanger them.",
        team=("karim",),
        entries=(
            Entry(
                60,
                "coordinator",
                K.NOTE,
                L2,
                "After the Pride march Kerem posted names and photos of participants with calls "
                "to 'teach them a lesson'.",
            ),
            Entry(
                50,
                "karim",
                K.POLICE_INFORMATION,
                L3,
                "Two complaints of threats; one victim withdrew hers out of fear.",
            ),
            Entry(
                35,
                "social",
                K.CONTACT,
                L2,
                "Kerem refuses any contact with the social prevention service.",
            ),
            Entry(
                5,
                "coordinator",
                K.NOTE,
                L2,
                "For the review: new threats online; the team asks for escalation.",
            ),
        ),
        assessments=(Rating("coordinator", J.HIGH, "2333210100"),),
        actions=(
            Plan("karim", "Ask the platform to take the posts down", -3),
            Plan(
                "social",
                "Offer Kerem a meeting through his brother",
                -25,
                A.NOT_POSSIBLE,
                "His brother moved abroad.",
            ),
        ),
        escalations=(
            Raise(
                "social",
                E.COORDINATOR,
                "He refuses all support and keeps threatening people who walked in the Pride "
                "march.",
                "Stop the support route and hand over to the police?",
                ES.UNDER_REVIEW,
                "coordinator",
            ),
            Raise(
                "coordinator",
                E.MAYOR,
                "Threats against participants of the city's Pride march.",
                "Should the mayor meet the organisers about their safety?",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=9),
            S.UNDER_REVIEW,
            S.ESCALATED,
        ),
    ),
    DemoCase(
        first_name="Jolien",
        last_name="Claeys",
        age=16,
        gender=Person.Gender.FEMALE,
        address="Beukenlaan 46, Havenstad",
        school_or_employer="Atheneum Havenstad",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Right-wing extremist",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Her parents share her views; telling them could make her hide more.",
        team=("police",),
        entries=(
            Entry(
                55,
                "social",
                K.NOTE,
                L2,
                "Referral from the school: Jolien posts accelerationist memes and made drawings "
                "of a school shooting.",
            ),
            Entry(
                45,
                "police",
                K.POLICE_INFORMATION,
                L4,
                "A foreign partner service reports that Jolien is in a chat group that discusses "
                "attacks. Not to be shared.",
            ),
            Entry(
                30,
                "social",
                K.CONTACT,
                L2,
                "Talk at school with the pupil-support coordinator. Jolien is isolated and "
                "bullied; she says the drawings are 'fiction'.",
            ),
            Entry(
                8,
                "coordinator",
                K.DECISION,
                L1,
                "Case conference: escalate to the coordinator and the MAC.",
            ),
        ),
        assessments=(Rating("social", J.HIGH, "3333200100"),),
        actions=(
            Plan(
                "social",
                "Arrange psychological support at school",
                4,
                consent=AC.PENDING,
            ),
            Plan(
                "social",
                "Meet the parents",
                -14,
                A.NOT_POSSIBLE,
                "The parents refuse to meet; the school tries through the family doctor.",
            ),
        ),
        escalations=(
            Raise(
                "social",
                E.COORDINATOR,
                "A 16-year-old drew a school shooting; her parents refuse contact.",
                "Approve a referral to youth protection services.",
            ),
            Raise(
                "coordinator",
                E.MAC,
                "A minor at high risk whose parents share extremist views.",
                "Should the MAC ask the youth court for a protective measure?",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=20),
            S.ESCALATED,
        ),
    ),
    DemoCase(
        first_name="Adam",
        last_name="Chaoui",
        age=20,
        gender=Person.Gender.MALE,
        address="Westlaan 140, Havenstad",
        school_or_employer="Student (dropped out)",
        lead=POLICE_ZONE,
        opened_by="info",
        owner="karim",
        categories=("Islamist",),
        risk=R.CRITICAL,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="A judicial investigation is under way.",
        entries=(
            Entry(
                20,
                "karim",
                K.POLICE_INFORMATION,
                L3,
                "Adam was seen at a shooting range with a man known to the police.",
            ),
            Entry(
                18,
                "info",
                K.POLICE_INFORMATION,
                L4,
                "Intelligence: Adam told an online contact he wants to 'act before the end of "
                "the year'.",
            ),
            Entry(
                15,
                "karim",
                K.DECISION,
                L1,
                "Case conference: escalate at once to the police route and the mayor.",
            ),
        ),
        assessments=(Rating("karim", J.HIGH, "3333332000", level=L3),),
        actions=(Plan("karim", "Check the online contact's channel every day", 2),),
        escalations=(
            Raise(
                "karim",
                E.POLICE,
                "A 20-year-old states an intent to act and trains at a shooting range.",
                "Open a judicial file and consider an arrest.",
            ),
            Raise(
                "info",
                E.MAYOR,
                "A young man at critical risk in Havenstad; the police route is engaged.",
                "Administrative measures: a ban from the shooting range?",
                ES.UNDER_REVIEW,
                "mayor",
            ),
        ),
        path=_steps(S.INFORMATION_GATHERING, S.ON_AGENDA, S.ESCALATED),
    ),
    # --- On the agenda ---------------------------------------------------------------------
    DemoCase(
        first_name="Zeynep",
        last_name="Kaya",
        age=20,
        gender=Person.Gender.FEMALE,
        address="Lindenplein 18, Havenstad",
        school_or_employer="Shop assistant",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Islamist",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                200,
                "social",
                K.CONTACT,
                L2,
                "Referred by her sister: Zeynep married online a man who lives in a conflict "
                "zone and was planning to travel to him.",
            ),
            Entry(
                170,
                "social",
                K.NOTE,
                L2,
                "Travel plan given up; Zeynep works again and sees a counsellor.",
            ),
            Entry(
                9,
                "social",
                K.CONTACT,
                L2,
                "Her sister called again: Zeynep is back in touch with the same man, who asks "
                "her for money.",
            ),
        ),
        assessments=(
            Rating("social", J.HIGH, "3322100110"),
            Rating(
                "social",
                J.LOW,
                "2210000222",
                "Travel plan given up; she works and sees a counsellor.",
            ),
            Rating(
                "social",
                J.MODERATE,
                "3321100221",
                "Back in touch with the same man, who asks for money; case reopened.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Counselling with an Islamic counsellor the family trusts",
                -180,
                A.DONE,
                consent=AC.GIVEN,
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(S.ACTIVE_SUPPORT, review_in_days=14),
            Step(
                S.CLOSED,
                "Travel plan given up; work and counselling in place.",
                None,
                C.RISK_REDUCED,
            ),
            Step(S.INFORMATION_GATHERING, "Reopened: back in touch with the same man abroad."),
            S.ON_AGENDA,
        ),
    ),
    DemoCase(
        first_name="Thomas",
        last_name="Mertens",
        age=34,
        gender=Person.Gender.MALE,
        address="Dijkweg 204, Havenstad",
        school_or_employer="Unemployed",
        lead=POLICE_ZONE,
        opened_by="coordinator",
        owner="police",
        categories=("Right-wing extremist",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="He is under police investigation; the police decide when he is told.",
        entries=(
            Entry(
                35,
                "police",
                K.POLICE_INFORMATION,
                L4,
                "Judicial police: a search in a related file found a draft manifesto on his "
                "laptop that praises attacks on mosques. Investigation ongoing.",
            ),
            Entry(
                30,
                "coordinator",
                K.NOTE,
                L2,
                "The public social welfare centre knows Thomas: he lost his flat in the spring "
                "and lives in a caravan.",
            ),
            Entry(
                21,
                "karim",
                K.POLICE_INFORMATION,
                L3,
                "Patrol report: Thomas filmed the entrance of a mosque on two Fridays.",
            ),
        ),
        assessments=(Rating("police", J.HIGH, "3333121000"),),
        path=_steps(S.INFORMATION_GATHERING, S.ON_AGENDA),
    ),
    DemoCase(
        first_name="Mehmet",
        last_name="Yıldız",
        age=18,
        gender=Person.Gender.MALE,
        address="Havenlaan 112, Havenstad",
        school_or_employer="Havenstad Technical Institute (final year)",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Islamist",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="The police asked for a delay while they check their information.",
        team=("police",),
        entries=(
            Entry(
                40,
                "social",
                K.CONTACT,
                L2,
                "Referred by the technical institute: Mehmet refuses to work with girls in the "
                "workshop and told a teacher that 'apostates get what they deserve'.",
            ),
            Entry(
                32,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "Community officer: Mehmet hangs around a phone shop where a known recruiter "
                "used to work.",
            ),
            Entry(
                28,
                "police",
                K.POLICE_INFORMATION,
                L4,
                "Intelligence: Mehmet's number is in the contacts of a person under "
                "investigation for financing terrorism. Unconfirmed.",
                correction=(
                    "police",
                    "Intelligence: the number in the contacts of the person under investigation "
                    "for financing terrorism is his older cousin's, not Mehmet's. Mehmet does "
                    "not appear in them.",
                ),
            ),
            Entry(
                15,
                "social",
                K.OBSERVATION,
                L2,
                "Home visit with his father. The family is worried and works with us; Mehmet "
                "wants to become a car mechanic.",
            ),
        ),
        assessments=(
            Rating("social", J.MODERATE, "3321000221"),
            Rating(
                "social",
                J.HIGH,
                "3332100221",
                "A second incident at school; he avoids his old friends.",
            ),
        ),
        actions=(
            Plan(
                "social",
                "Find Mehmet an apprenticeship at a garage",
                10,
                consent=AC.GIVEN,
            ),
        ),
        path=_steps(S.INFORMATION_GATHERING, S.ON_AGENDA),
    ),
    DemoCase(
        first_name="Nora",
        last_name="Haddouchi",
        age=22,
        gender=Person.Gender.FEMALE,
        address="Tulpenlaan 5, Havenstad",
        school_or_employer="Sociology student",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Left-wing",),
        risk=R.LOW,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                26,
                "coordinator",
                K.NOTE,
                L2,
                "Referral from the university's safety officer: Nora led a campus occupation in "
                "which a lecture hall was damaged. She speaks of 'direct action' against an arms "
                "company.",
            ),
            Entry(
                19,
                "coordinator",
                K.CONTACT,
                L2,
                "Meeting with Nora. Clear and non-violent in what she says, but close to a small "
                "group that damaged a supplier's lorries in another city.",
            ),
            Entry(10, "social", K.NOTE, L1, "Put on the agenda of the next case conference."),
        ),
        assessments=(Rating("coordinator", J.LOW, "2310010232"),),
        path=_steps(S.INFORMATION_GATHERING, S.ON_AGENDA),
    ),
    # --- Information gathering ---------------------------------------------------------------
    DemoCase(
        first_name="Bilal",
        last_name="Azzouzi",
        age=21,
        gender=Person.Gender.MALE,
        address="Zuidpark 15, Havenstad",
        school_or_employer="Warehouse worker (temporary agency)",
        lead=POLICE_ZONE,
        opened_by="info",
        owner="karim",
        categories=("Islamist",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Police enquiries are under way; telling him could compromise them.",
        entries=(
            Entry(
                30,
                "karim",
                K.POLICE_INFORMATION,
                L3,
                "Stopped twice in a car with a man known as a contact of foreign terrorist "
                "fighters. No offence found.",
            ),
            Entry(
                25,
                "info",
                K.POLICE_INFORMATION,
                L4,
                "State security reports online contact with a recruiter abroad. A release for "
                "the social side will follow if the conference needs it.",
            ),
            Entry(
                14,
                "karim",
                K.DECISION,
                L1,
                "Case conference: more information needed (his brother's release date) before "
                "deciding on outreach.",
            ),
        ),
        path=_steps(
            S.INFORMATION_GATHERING,
            S.ON_AGENDA,
            Step(
                S.INFORMATION_GATHERING,
                "The case conference asked for the prison's information before deciding.",
            ),
        ),
    ),
    DemoCase(
        first_name="Jonas",
        last_name="Verhaegen",
        age=28,
        gender=Person.Gender.MALE,
        address="Brouwersstraat 60, Havenstad",
        school_or_employer="Electrician, self-employed",
        lead=MENTAL_HEALTH,
        opened_by="lotte",
        owner="lotte",
        categories=("Right-wing extremist",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                20,
                "lotte",
                K.CONTACT,
                L2,
                "Referred by his GP after a burn-out. In therapy Jonas speaks with growing anger "
                "about 'invaders' and has joined a hiking club run like a militia.",
            ),
            Entry(
                9,
                "lotte",
                K.NOTE,
                L2,
                "Jonas agrees that his case goes to the case conference; he wants help with his "
                "debts first.",
            ),
        ),
        assessments=(Rating("lotte", J.MODERATE, "3331001211"),),
        path=_steps(S.INFORMATION_GATHERING),
    ),
    DemoCase(
        first_name="Elif",
        last_name="Aydın",
        age=17,
        gender=Person.Gender.FEMALE,
        address="Oude Vest 9, Havenstad",
        school_or_employer="Sint-Jozef Secondary School",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Mixed or unclear",),
        risk=R.MODERATE,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Her parents have not been reached yet; the school asked us to wait "
        "until after the exams.",
        team=("police",),
        entries=(
            Entry(
                18,
                "coordinator",
                K.NOTE,
                L2,
                "Referral from the school: in an essay Elif wrote that 'the system deserves to "
                "burn' and drew symbols of several movements. Her teacher cannot tell ideology "
                "from distress.",
            ),
            Entry(
                11,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "No police record on Elif. An older brother is known for petty theft (2024); "
                "nothing ideological.",
            ),
            Entry(
                6,
                "coordinator",
                K.CONTACT,
                L2,
                "Talk with the school psychologist: Elif had a panic attack last month and is on "
                "a waiting list for counselling.",
            ),
        ),
        assessments=(Rating("coordinator", J.LOW, "2210000222"),),
        path=_steps(S.INFORMATION_GATHERING),
    ),
    DemoCase(
        first_name="Lisa",
        last_name="Van Acker",
        age=19,
        gender=Person.Gender.FEMALE,
        address="Kasteeldreef 22, Havenstad",
        school_or_employer="Nursing student, Havenstad University College",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Conspiracy or anti-vaccination",),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        entries=(
            Entry(
                21,
                "social",
                K.CONTACT,
                L2,
                "Lisa came because her mother insisted. She follows a group that says hospitals "
                "'poison' children and has stopped going to her placement. She calls herself "
                "'awake', not extreme.",
            ),
            Entry(
                12,
                "social",
                K.OBSERVATION,
                L2,
                "Second talk. Lisa showed a message from the group's leader calling members to "
                "'visit' a vaccination centre. It made her uneasy.",
            ),
            Entry(
                7,
                "social",
                K.NOTE,
                L1,
                "The college's student counsellor is invited to the case conference, with "
                "Lisa's consent.",
            ),
        ),
        assessments=(Rating("social", J.MODERATE, "3220000221"),),
        path=_steps(S.INFORMATION_GATHERING),
    ),
    # --- Intake ------------------------------------------------------------------------------
    DemoCase(
        first_name="Manon",
        last_name="Renard",
        age=15,
        gender=Person.Gender.FEMALE,
        address="Vlasmarkt 3, Havenstad",
        school_or_employer="Atheneum Havenstad",
        lead=YOUTH_WORK,
        opened_by="coordinator",
        owner="coordinator",
        categories=("Anti-LGBTQ+ hostility",),
        risk=R.LOW,
        legal_basis=B.PARENTAL_CONSENT,
        opening_reason="Opened at the request of Havenstad Youth Work, who will lead.",
        entries=(
            Entry(
                8,
                "coordinator",
                K.NOTE,
                L2,
                "Referral from Havenstad Youth Work: Manon and two friends posted hostile "
                "messages about a transgender classmate and joined a chat that mocks LGBTQ+ "
                "people. The youth worker knows her well and asks for advice, not a full case.",
            ),
        ),
    ),
    DemoCase(
        first_name="Kevin",
        last_name="Dewulf",
        age=27,
        gender=Person.Gender.MALE,
        address="Molenstraat 88, Havenstad",
        school_or_employer="Unemployed (formerly a bus driver)",
        lead=SOCIAL_PREVENTION,
        opened_by="social",
        owner="social",
        categories=("Conspiracy or anti-vaccination", "Right-wing extremist"),
        risk=R.MODERATE,
        legal_basis=B.CONSENT,
        opening_reason="Repeat referral by his mother.",
        entries=(
            Entry(
                5,
                "social",
                K.CONTACT,
                L2,
                "Kevin's mother called: since the summer he again spends his nights on channels "
                "about a 'great replacement' and a coming civil war, and he stopped looking for "
                "work.",
            ),
        ),
    ),
    DemoCase(
        first_name="Sven",
        last_name="Bakker",
        age=24,
        gender=Person.Gender.MALE,
        address="Ringlaan 7 bus 3, Havenstad",
        school_or_employer="Forklift driver, port logistics",
        lead=POLICE_ZONE,
        opened_by="info",
        owner="police",
        categories=("Right-wing extremist",),
        risk=R.HIGH,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Police information is still being assessed; telling him could "
        "compromise it.",
        entries=(
            Entry(
                10,
                "info",
                K.NOTE,
                L1,
                "Case opened after deconfliction: no earlier case or referral.",
            ),
            Entry(
                9,
                "police",
                K.POLICE_INFORMATION,
                L4,
                "Federal police: active in a closed chat group that shares instructions for "
                "3D-printed weapons. Source protected.",
            ),
            Entry(
                4,
                "police",
                K.POLICE_INFORMATION,
                L3,
                "Community officer: lives alone above a garage; two earlier reports of threats "
                "against a neighbour (2025, settled by mediation).",
            ),
        ),
    ),
    DemoCase(
        first_name="Rayan",
        last_name="El Idrissi",
        age=16,
        gender=Person.Gender.MALE,
        address="Scheldekaai 41, Havenstad",
        school_or_employer="Sint-Jozef Secondary School",
        lead=SOCIAL_PREVENTION,
        opened_by="coordinator",
        owner="social",
        categories=("Islamist",),
        risk=R.MODERATE,
        legal_basis=B.LIVC_LAW,
        not_informed_reason="Screening is still under way; the school asked us not to contact "
        "the family before its pupil-support meeting.",
        entries=(
            Entry(
                6,
                "coordinator",
                K.NOTE,
                L2,
                "Referral from the pupil-support coordinator of Sint-Jozef: since the autumn "
                "break Rayan shares videos of a foreign preacher in the class chat and told a "
                "classmate that music is forbidden. Marks dropping; no threats.",
            ),
            Entry(
                3,
                "social",
                K.CONTACT,
                L2,
                "Call with the pupil-support coordinator. Rayan is polite with teachers but has "
                "left his football team. The school invites the parents next week.",
            ),
        ),
    ),
]

DEFAULT_REASONS = {
    S.INFORMATION_GATHERING: "Screening: accepted; the partners are asked for what they know.",
    S.ON_AGENDA: "Put on the agenda of the next case conference.",
    S.ACTIVE_SUPPORT: "The case conference adopted a support plan.",
    S.UNDER_REVIEW: "The review date has come; the team reviews the plan.",
    S.ESCALATED: "The case conference decided to escalate.",
    S.AFTERCARE: "Closed; aftercare reviews at 6 and 12 months.",
}


def _occurred(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 15)))


def _birth_date(demo: DemoCase, today: date) -> date:
    # Relative to today, so a minor in the demo stays a minor; the day is fixed by the name.
    spread = sum(map(ord, demo.first_name + demo.last_name)) % 300
    return services.add_months(today, -12 * demo.age) - timedelta(days=10 + spread)


def _extra_users(city: DemoCity) -> dict:
    User = get_user_model()
    users = {}
    for username, first, last, agency_name, role in EXTRA_USERS:
        user = User.objects.filter(username=username).first()
        users[username] = user or account_services.account_create(
            username=username,
            password=None,
            agency=city.agencies[agency_name],
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@havenstad.example",
        )
    return users


def _build(demo: DemoCase, *, person: Person, users: dict, agencies: dict, lookups: dict) -> None:
    opened_by = users[demo.opened_by]
    case = services.case_open(
        opened_by=opened_by,
        person=person,
        lead_agency=agencies[demo.lead],
        owner=users[demo.owner],
        legal_basis=demo.legal_basis,
        categories=[
            lookups["categories"][n] for n in demo.categories if n in lookups["categories"]
        ],
        risk_level=demo.risk,
        person_informed=not demo.not_informed_reason,
        not_informed_reason=demo.not_informed_reason,
        reason=demo.opening_reason,
    )

    def on_team(username: str):
        # The services refuse an outsider anyway; failing here names the demo's mistake.
        user = users[username]
        if not selectors.visible_cases(user=user).filter(pk=case.pk).exists():
            raise RuntimeError(f"{username} is not on the team of {demo.last_name}'s case")
        return user

    for username in demo.team:
        services.team_add_user(
            case=case,
            user=users[username],
            granted_by=users[demo.owner],  # the owner puts the team together (may_manage_team)
            reason="Contributes to the case conference",
        )
    for number, spec in enumerate(demo.entries):
        entry = services.entry_add(
            case=case,
            author=on_team(spec.author),
            kind=spec.kind,
            occurred_at=_occurred(spec.days_ago, 9 + (number * 3) % 8),
            level=spec.level,
            text=spec.text,
        )
        if spec.correction:
            author, text = spec.correction
            services.entry_correct(entry=entry, author=on_team(author), text=text)
    indicators = lookups["indicators"]
    for spec in demo.assessments:
        ratings = {
            indicators[name].pk: (int(digit), "")
            for name, digit in zip(INDICATOR_NAMES, spec.ratings, strict=True)
            if name in indicators
        }
        services.assessment_record(
            case=case,
            author=on_team(spec.author),
            overall_judgement=spec.judgement,
            ratings=ratings,
            what_changed=spec.what_changed,
            level=spec.level,
        )
    today = timezone.localdate()
    for spec in demo.actions:
        action = services.action_add(
            case=case,
            created_by=on_team(demo.owner),
            description=spec.description,
            owner=on_team(spec.owner),
            due_date=today + timedelta(days=spec.due_in_days),
            consent=spec.consent,
        )
        if spec.status != A.OPEN:
            services.action_update(
                action=action, user=users[spec.owner], status=spec.status, status_note=spec.note
            )
    for spec in demo.escalations:
        escalation = services.escalation_raise(
            case=case,
            raised_by=on_team(spec.raised_by),
            audience=spec.audience,
            summary=spec.summary,
            decision_requested=spec.decision_requested,
        )
        if spec.status != ES.RAISED:
            services.escalation_decide(
                escalation=escalation,
                user=users[spec.decided_by],
                status=spec.status,
                decision=spec.decision,
            )
    owner = on_team(demo.owner)
    for step in demo.path:
        case = services.case_change_status(
            case=case,
            user=owner,
            to_status=step.to,
            reason=step.reason or DEFAULT_REASONS[step.to],
            expected_version=case.version,
            next_review_date=(
                today + timedelta(days=step.review_in_days)
                if step.review_in_days is not None
                else None
            ),
            closure_reason=step.closure,
        )


@transaction.atomic
def seed(*, city: DemoCity) -> None:
    users = {**city.users, **_extra_users(city)}
    lookups = {
        "categories": {c.name: c for c in ConcernCategory.objects.all()},
        "indicators": {i.name: i for i in Indicator.objects.filter(is_active=True)},
    }
    # A person who had a case before this run is done; one person may have several cases.
    done = set(Person.objects.filter(cases__isnull=False).values_list("first_name", "last_name"))
    persons: dict[tuple[str, str], Person] = {}
    today = timezone.localdate()
    for demo in CASES:
        key = (demo.first_name, demo.last_name)
        if key in done:
            continue
        if key not in persons:
            persons[key] = Person.objects.filter(
                first_name=demo.first_name, last_name=demo.last_name
            ).first() or services.person_create(
                first_name=demo.first_name,
                last_name=demo.last_name,
                date_of_birth=_birth_date(demo, today),
                gender=demo.gender,
                address=demo.address,
                school_or_employer=demo.school_or_employer,
                is_minor=demo.age < 18,
            )
        _build(demo, person=persons[key], users=users, agencies=city.agencies, lookups=lookups)
