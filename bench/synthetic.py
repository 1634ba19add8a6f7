"""A large synthetic city for load tests (`manage.py seed_scale`, bench/README.md).

Everything is invented and nothing here is a demo: the rows are written straight into the
tables (PostgreSQL COPY, or executemany elsewhere), without the services, so no audit rows,
no e-mails, no tasks. Sizes scale from SIZES (scale 1.0); the same code builds the small city
of the CI smoke test (tests/test_scale_smoke.py).

The shape follows the design: every case has its owner and lead agency on the team (as
`case_open` does), some a police officer or a second worker too; chronology at every level;
releases to youth workers, partners and social workers; conference series whose agendas hold
the cases of their members' agencies; referrals in every state.
"""

import csv
import io
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as time_of_day

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import ROLE_CLEARANCE, Agency, Level, Profile
from accounts.models import Role as R
from accounts.services import AGENCY_GROUP_PREFIX
from cases.models import (
    Action,
    Assessment,
    AssessmentRating,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ChronologyEntry,
    ConcernCategory,
    Escalation,
    Indicator,
    Person,
    StatusChange,
)
from conferences.models import (
    AgendaItem,
    Attendance,
    ConferenceSeries,
    DeclarationSignature,
    Meeting,
)
from referrals.models import PrisonRelease, Referral, Screening
from releases.models import Release, ReleaseAcknowledgement

# Row counts at scale 1.0 (the "default size").
SIZES = {
    "agencies": 150,
    "users": 2_000,
    "cases": 100_000,
    "entries": 1_000_000,
    "grants": 300_000,
    "releases": 20_000,
    "meetings": 500,
    "agenda_items": 10_000,
    "referrals": 50_000,
}

# One known account per role, for the load driver; the password comes from the caller.
BENCH_USERNAMES = {
    R.SOCIAL_WORKER: "bench-social",
    R.YOUTH_WORKER: "bench-youth",
    R.POLICE: "bench-police",
    R.INFORMATION_OFFICER: "bench-info",
    R.COORDINATOR: "bench-coordinator",
    R.MAYOR_OFFICE: "bench-mayor",
    R.PARTNER: "bench-partner",
    R.ADMIN: "bench-admin",
}

ROLE_SHARE = {
    R.SOCIAL_WORKER: 0.35,
    R.POLICE: 0.20,
    R.YOUTH_WORKER: 0.15,
    R.PARTNER: 0.20,
    R.COORDINATOR: 0.02,
    R.INFORMATION_OFFICER: 0.01,
    R.MAYOR_OFFICE: 0.02,
    R.ADMIN: 0.005,
}
ROLE_AGENCY_KINDS = {
    R.SOCIAL_WORKER: [Agency.Kind.SOCIAL_SERVICES],
    R.COORDINATOR: [Agency.Kind.SOCIAL_SERVICES],
    R.POLICE: [Agency.Kind.POLICE],
    R.INFORMATION_OFFICER: [Agency.Kind.POLICE],
    R.YOUTH_WORKER: [Agency.Kind.YOUTH_WORK],
    R.PARTNER: [
        Agency.Kind.SCHOOL,
        Agency.Kind.PRISON,
        Agency.Kind.SPORT_CLUB,
        Agency.Kind.GRASSROOTS,
        Agency.Kind.HEALTH,
    ],
    R.MAYOR_OFFICE: [Agency.Kind.MUNICIPALITY],
    R.ADMIN: [Agency.Kind.MUNICIPALITY],
}
AGENCY_SHARE = {
    Agency.Kind.SOCIAL_SERVICES: 0.30,
    Agency.Kind.POLICE: 0.10,
    Agency.Kind.YOUTH_WORK: 0.15,
    Agency.Kind.SCHOOL: 0.20,
    Agency.Kind.PRISON: 0.03,
    Agency.Kind.SPORT_CLUB: 0.07,
    Agency.Kind.GRASSROOTS: 0.07,
    Agency.Kind.HEALTH: 0.05,
    Agency.Kind.MUNICIPALITY: 0.03,
}

FIRST_NAMES = (
    "Adam",
    "Amina",
    "Anouk",
    "Bilal",
    "Bram",
    "Chloé",
    "Daan",
    "Dries",
    "Elif",
    "Emma",
    "Fatima",
    "Finn",
    "Hamza",
    "Hanne",
    "Ibrahim",
    "Ilias",
    "Jana",
    "Jonas",
    "Julie",
    "Kaat",
    "Karim",
    "Lars",
    "Laura",
    "Lina",
    "Louis",
    "Lucas",
    "Marie",
    "Mehdi",
    "Mila",
    "Mohamed",
    "Nina",
    "Noah",
    "Noor",
    "Olivier",
    "Omar",
    "Rania",
    "Robbe",
    "Ruben",
    "Sara",
    "Seppe",
    "Sofia",
    "Stan",
    "Tess",
    "Thomas",
    "Vince",
    "Warre",
    "Yasmine",
    "Youssef",
    "Zakaria",
    "Zoë",
)
LAST_NAMES = (
    "Aerts",
    "Ahmadi",
    "Bakker",
    "Benali",
    "Claes",
    "Cools",
    "De Backer",
    "De Smet",
    "Dubois",
    "El Idrissi",
    "Goossens",
    "Hermans",
    "Jacobs",
    "Janssens",
    "Lambert",
    "Leroy",
    "Maes",
    "Martens",
    "Mertens",
    "Michiels",
    "Moreau",
    "Nijs",
    "Özdemir",
    "Peeters",
    "Pauwels",
    "Renard",
    "Simons",
    "Stevens",
    "Tahiri",
    "Van Damme",
    "Van den Bossche",
    "Vermeulen",
    "Verstraete",
    "Wauters",
    "Willems",
    "Wouters",
    "Yilmaz",
)
DISTRICTS = (
    "North",
    "South",
    "East",
    "West",
    "Harbour",
    "Centre",
    "Riverside",
    "Hill",
    "Old-Town",
    "Station",
)
FRAGMENTS = (
    "Home visit with the mother; the young person was present for part of it.",
    "School reports absences on Mondays and a change of friends since the spring.",
    "He talks about a coming conflict between groups and shares videos that glorify violence.",
    "Attended the football training twice this month; the coach notices he is calmer.",
    "Contact with an online group that circulates extremist material; screenshots kept.",
    "Agreed to meet the mentor every week; the first meeting went well.",
    "The family asks for support with debts and housing; referred to the social office.",
    "No contact this week; a letter was sent and the youth worker will try the street.",
    "Police information summarised for the team: no new facts that change the risk.",
    "Started a training course at the employment service; attendance is regular.",
    "Conflict with the father escalated; the mother wants family support.",
    "He distanced himself from the group after the death of a friend.",
    "The psychologist sees improvement in mood and sleep; continue the sessions.",
    "The school counsellor will organise a meeting with the class mentor.",
)
TITLES = (
    "Outreach after release from prison",
    "Risk summary for the youth worker",
    "Context for the school mentor",
    "What the street-corner team needs to know",
    "Summary for the family support worker",
)


def scaled(n: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(n * scale))


# --- Writing rows fast ---------------------------------------------------------------------------


class TableWriter:
    """Append rows to a table: PostgreSQL COPY in chunks, else executemany."""

    CHUNK = 50_000

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}
        self.models: list[type[models.Model]] = []
        self.postgres = connection.vendor == "postgresql"

    def insert(
        self, model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence]
    ) -> int:
        table = model._meta.db_table
        columns = ["id" if name == "id" else model._meta.get_field(name).column for name in names]
        # Raw inserts get no Python defaults: add every other column with its default.
        omitted = [
            f for f in model._meta.concrete_fields if f.column not in columns and not f.primary_key
        ]
        columns += [f.column for f in omitted]
        defaults = tuple(_default(f) for f in omitted)
        t0 = time.monotonic()
        written = 0
        chunk: list[Sequence] = []
        for row in rows:
            chunk.append((*row, *defaults) if defaults else row)
            if len(chunk) >= self.CHUNK:
                written += self._write(table, columns, chunk)
                chunk = []
        if chunk:
            written += self._write(table, columns, chunk)
        if "id" in names:
            self.models.append(model)
        self.counts[table] = self.counts.get(table, 0) + written
        self.log(
            f"  {table:<42} {written:>10,} rows {time.monotonic() - t0:6.1f}s"
            f"   (elapsed {time.monotonic() - self.started:6.1f}s)"
        )
        return written

    def _write(self, table: str, columns: list[str], rows: list[Sequence]) -> int:
        column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
        with transaction.atomic(), connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                writer.writerows([_pg_value(v) for v in row] for row in rows)
                buffer.seek(0)
                cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(table)} ({column_list}) "
                    "FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    # Table and column names come from the models, never from input.
                    f"INSERT INTO {connection.ops.quote_name(table)} ({column_list}) "  # noqa: S608
                    f"VALUES ({marks})",
                    [[_other_value(v) for v in row] for row in rows],
                )
        return len(rows)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _default(field: models.Field):
    value = field.get_default()
    if value is None and not field.null:
        raise ValueError(f"{field.model.__name__}.{field.name} needs a value")
    return value


def _pg_value(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _other_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- Wiping ------------------------------------------------------------------------------------

# The apps whose rows wipe() removes, their reference data aside.
PROJECT_APPS = (
    "core",
    "accounts",
    "access",
    "cases",
    "conferences",
    "referrals",
    "releases",
    "privacy",
    "audit",
)


def wipe() -> None:
    """Remove every account, agency, case, conference, referral, release and audit row; keep
    the reference data (roles, concern categories, indicators, permissions). On PostgreSQL this
    is TRUNCATE (the audit tables' append-only triggers are row triggers: they do not fire)."""
    keep = {"ConcernCategory", "Indicator"}
    wiped: set[type[models.Model]] = set()
    for label in (*PROJECT_APPS, "auditlog", "guardian", "axes"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model.__name__ not in keep:
                wiped.add(model)
    for label in ("sessions", "admin", "otp_totp", "otp_static"):
        try:
            wiped.update(apps.get_app_config(label).get_models(include_auto_created=True))
        except LookupError:
            continue
    User = get_user_model()
    wiped.update({User, User.groups.through, User.user_permissions.through})
    tables = sorted(
        {m._meta.db_table for m in wiped if m._meta.managed}
        & set(connection.introspection.table_names())
    )
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    if connection.in_atomic_block:
        # Rows written earlier in this transaction (a test) have deferred foreign-key checks
        # pending, which TRUNCATE refuses: run them now.
        connection.check_constraints()
    connection.ops.execute_sql_flush(statements)
    Group.objects.filter(name__startswith=AGENCY_GROUP_PREFIX).delete()


# --- The city ----------------------------------------------------------------------------------


@dataclass
class City:
    """What later tables need of earlier ones (lists indexed from 0; ids are base + index)."""

    agency_ids: list[int] = field(default_factory=list)
    agency_kind: dict[int, str] = field(default_factory=dict)
    agency_group: dict[int, int] = field(default_factory=dict)
    users_by_role: dict[str, list[int]] = field(default_factory=dict)
    user_agency: dict[int, int] = field(default_factory=dict)
    bench_users: dict[str, int] = field(default_factory=dict)
    case_ids: list[int] = field(default_factory=list)
    case_owner: list[int] = field(default_factory=list)
    case_agency: list[int] = field(default_factory=list)
    case_person: list[int] = field(default_factory=list)
    case_opened: list[datetime] = field(default_factory=list)
    case_closed: list[datetime | None] = field(default_factory=list)
    case_status: list[str] = field(default_factory=list)
    case_team: list[list[int]] = field(default_factory=list)
    cases_by_agency: dict[int, list[int]] = field(default_factory=dict)
    escalation_ids: list[int] = field(default_factory=list)
    escalation_audience: list[str] = field(default_factory=list)


OPEN_STATUSES = (
    "intake",
    "information_gathering",
    "on_agenda",
    "active_support",
    "under_review",
    "escalated",
)
OLD_CASE_STATUS = (
    ["closed"] * 78
    + ["aftercare"] * 7
    + ["active_support"] * 10
    + ["under_review"] * 3
    + ["escalated"] * 2
)
NEW_CASE_STATUS = (
    ["intake"] * 12
    + ["information_gathering"] * 18
    + ["on_agenda"] * 10
    + ["active_support"] * 35
    + ["under_review"] * 10
    + ["escalated"] * 5
    + ["closed"] * 8
    + ["aftercare"] * 2
)
CLOSURE_REASONS = list(settings.CLOSURE_REASONS)


class Seeder:
    def __init__(
        self,
        *,
        scale: float = 1.0,
        password: str = "",
        seed: int = 2026,
        log: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.scale = scale
        self.password = password
        self.rng = random.Random(seed)  # noqa: S311 (invented data, not secrets)
        self.log = log
        self.writer = TableWriter(log)
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.city = City()
        self.sizes = {name: scaled(n, scale) for name, n in SIZES.items()}
        self.sizes["agencies"] = max(self.sizes["agencies"], len(AGENCY_SHARE))
        self.sizes["users"] = max(self.sizes["users"], 3 * len(ROLE_SHARE))
        self.sizes["meetings"] = max(self.sizes["meetings"], 6)

    # -- helpers

    def _pick(self, items: Sequence):
        return items[self.rng.randrange(len(items))]

    def _text(self, sentences: int = 2) -> str:
        return " ".join(self.rng.choice(FRAGMENTS) for _ in range(sentences))

    def _between(self, start: datetime, end: datetime) -> datetime:
        seconds = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, seconds))

    def run(self) -> dict[str, int]:
        self.log(f"Seeding the synthetic city at scale {self.scale} ({connection.vendor}):")
        self.agencies()
        self.users()
        self.cases()
        self.grants()
        self.entries()
        self.case_work()
        self.releases()
        self.conferences()
        self.referrals()
        self.writer.reset_sequences()
        return self.writer.counts

    # -- agencies and accounts

    def agencies(self) -> None:
        n = self.sizes["agencies"]
        kinds: list[str] = list(AGENCY_SHARE)  # at least one of each
        for kind, share in AGENCY_SHARE.items():
            kinds += [kind] * max(0, round(n * share) - 1)
        kinds = kinds[:n] + [Agency.Kind.SOCIAL_SERVICES] * max(0, n - len(kinds))
        group_base, agency_base = _next_id(Group), _next_id(Agency)
        rows_g, rows_a = [], []
        for i, kind in enumerate(kinds):
            agency_id, group_id = agency_base + i, group_base + i
            name = f"{Agency.Kind(kind).label} {self.rng.choice(DISTRICTS)} {agency_id:03d}"
            rows_g.append((group_id, f"{AGENCY_GROUP_PREFIX}{name}"))
            rows_a.append((agency_id, name, kind, group_id, True))
            self.city.agency_ids.append(agency_id)
            self.city.agency_kind[agency_id] = kind
            self.city.agency_group[agency_id] = group_id
        self.writer.insert(Group, ["id", "name"], rows_g)
        self.writer.insert(Agency, ["id", "name", "kind", "group", "is_active"], rows_a)

    def users(self) -> None:
        n = self.sizes["users"]
        User = get_user_model()
        roles: list[str] = []
        for role, share in ROLE_SHARE.items():
            roles += [role] * max(2, round(n * share))
        roles += [R.SOCIAL_WORKER] * (n - len(roles))
        self.rng.shuffle(roles)
        by_kind: dict[str, list[int]] = {}
        for agency_id, kind in self.city.agency_kind.items():
            by_kind.setdefault(kind, []).append(agency_id)
        bench_hash = make_password(self.password) if self.password else make_password(None)
        unusable = make_password(None)
        role_groups = dict(Group.objects.filter(name__in=R.values).values_list("name", "pk"))
        base = _next_id(User)
        rows_u, rows_p, rows_g = [], [], []
        for i, role in enumerate(roles):
            user_id = base + i
            agencies = [a for k in ROLE_AGENCY_KINDS[role] for a in by_kind.get(k, [])]
            agency_id = self._pick(agencies)
            bench = role not in self.city.bench_users
            username = BENCH_USERNAMES[role] if bench else f"{role.replace('_', '-')}-{user_id}"
            if bench:
                self.city.bench_users[role] = user_id
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            rows_u.append(
                (
                    user_id,
                    bench_hash if bench else unusable,
                    False,
                    username,
                    first,
                    last,
                    f"{username}@example.org",
                    role == R.ADMIN,
                    True,
                    self.now - timedelta(days=self.rng.randint(30, 2000)),
                )
            )
            rows_p.append((user_id, agency_id, role, ROLE_CLEARANCE[role]))
            rows_g += [(user_id, role_groups[role]), (user_id, self.city.agency_group[agency_id])]
            self.city.users_by_role.setdefault(role, []).append(user_id)
            self.city.user_agency[user_id] = agency_id
        self.writer.insert(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            rows_u,
        )
        self.writer.insert(Profile, ["user", "agency", "role", "clearance"], rows_p)
        self.writer.insert(User.groups.through, ["user", "group"], rows_g)

    # -- persons and cases

    def cases(self) -> None:
        c = self.city
        n = self.sizes["cases"]
        persons = max(1, round(n * 0.92))
        person_base, case_base = _next_id(Person), _next_id(Case)
        adults_since = self.today.year - 18

        def person_rows():
            for i in range(persons):
                pk = person_base + i
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                born = date(self.rng.randint(1965, 2012), self.rng.randint(1, 12), 1) + timedelta(
                    days=self.rng.randint(0, 27)
                )
                yield (
                    pk,
                    f"{first[0]}{last[0]}-{pk:04d}".upper(),
                    first,
                    last,
                    born,
                    self.rng.choice(["female", "male", "male", "other", "unknown"]),
                    f"{self.rng.choice(LAST_NAMES)}straat {self.rng.randint(1, 200)}",
                    "",
                    born.year > adults_since,
                    self.now,
                )

        self.writer.insert(
            Person,
            [
                "id",
                "code",
                "first_name",
                "last_name",
                "date_of_birth",
                "gender",
                "address",
                "school_or_employer",
                "is_minor",
                "created_at",
            ],
            person_rows(),
        )
        owners = c.users_by_role[R.SOCIAL_WORKER] * 9 + c.users_by_role[R.COORDINATOR]
        span = timedelta(days=6 * 365)
        start = self.now - span
        counters: dict[int, int] = {}
        last_case_of: dict[int, int] = {}
        rows = []
        for i in range(n):
            pk = case_base + i
            opened = start + span * (i / n) + timedelta(minutes=self.rng.randint(0, 600))
            opened = min(opened, self.now)
            age_years = (self.now - opened).days / 365
            status = self.rng.choice(OLD_CASE_STATUS if age_years > 1.5 else NEW_CASE_STATUS)
            closed = None
            reason = ""
            if status in ("closed", "aftercare"):
                closed = min(self.now, opened + timedelta(days=self.rng.randint(60, 700)))
                reason = self.rng.choice(CLOSURE_REASONS)
            person = person_base + (i if i < persons else self.rng.randrange(persons))
            repeat_of = last_case_of.get(person)
            last_case_of[person] = pk
            owner = self._pick(owners)
            agency = c.user_agency[owner]
            counters[opened.year] = counters.get(opened.year, 0) + 1
            review = None
            if status in OPEN_STATUSES:
                review = self.today + timedelta(days=self.rng.randint(-30, 90))
            rows.append(
                (
                    pk,
                    f"MSC-{opened.year}-{counters[opened.year]:04d}",
                    person,
                    status,
                    self.rng.choice(["low", "moderate", "moderate", "high", "critical"]),
                    agency,
                    owner,
                    review,
                    False,
                    "Informing would put the person at risk.",
                    "livc_law",
                    reason,
                    closed,
                    repeat_of,
                    opened,
                    owner,
                    1,
                )
            )
            c.case_ids.append(pk)
            c.case_owner.append(owner)
            c.case_agency.append(agency)
            c.case_person.append(person)
            c.case_opened.append(opened)
            c.case_closed.append(closed)
            c.case_status.append(status)
            c.case_team.append([owner])
            c.cases_by_agency.setdefault(agency, []).append(i)
        self.writer.insert(
            Case,
            [
                "id",
                "reference",
                "person",
                "status",
                "risk_level",
                "lead_agency",
                "owner",
                "next_review_date",
                "person_informed",
                "not_informed_reason",
                "legal_basis",
                "closure_reason",
                "closed_at",
                "repeat_of",
                "opened_at",
                "opened_by",
                "version",
            ],
            rows,
        )
        categories = list(ConcernCategory.objects.order_by("pk").values_list("pk", flat=True))

        def category_rows():
            for pk in c.case_ids:
                chosen = {self._pick(categories)}
                if self.rng.random() < 0.3:
                    chosen.add(self._pick(categories))
                for category in chosen:
                    yield (pk, category)

        if categories:
            self.writer.insert(
                Case.categories.through, ["case", "concerncategory"], category_rows()
            )

    def grants(self) -> None:
        """Owner and lead agency on every case (as case_open does), then police officers,
        second workers and coordinators on some, and police agencies on a fifth."""
        c = self.city
        n = len(c.case_ids)
        total = self.sizes["grants"]
        view = Permission.objects.get(codename="view_case", content_type__app_label="cases").pk
        police_agencies = [a for a, k in c.agency_kind.items() if k == Agency.Kind.POLICE]
        extra_users = max(0, total - 2 * n - n // 5)
        pools = (
            [c.users_by_role[R.POLICE]] * 5
            + [c.users_by_role[R.SOCIAL_WORKER]] * 3
            + [c.users_by_role[R.COORDINATOR]] * 2
        )
        for _ in range(extra_users):
            i = self.rng.randrange(n)
            user = self._pick(self._pick(pools))
            if user not in c.case_team[i]:
                c.case_team[i].append(user)
        today = self.today

        def user_rows():
            for i, pk in enumerate(c.case_ids):
                for k, user in enumerate(c.case_team[i]):
                    expires = None
                    if k and self.rng.random() < 0.05:
                        expires = today + timedelta(days=self.rng.randint(-60, 120))
                    granted = c.case_opened[i] if not k else c.case_opened[i] + timedelta(days=3)
                    yield (pk, user, view, c.case_owner[i], "", "{}", "Case team", granted, expires)

        self.writer.insert(
            CaseUserObjectPermission,
            ["content_object", "user", "permission", "granted_by", "event", "params", "reason"]
            + ["granted_at", "expires_on"],
            user_rows(),
        )

        def group_rows():
            for i, pk in enumerate(c.case_ids):
                group = c.agency_group[c.case_agency[i]]
                owner, opened = c.case_owner[i], c.case_opened[i]
                yield (pk, group, view, owner, "lead_agency", "{}", "", opened)
                if police_agencies and self.rng.random() < 0.2:
                    police = c.agency_group[self._pick(police_agencies)]
                    yield (pk, police, view, owner, "", "{}", "Police", opened)

        self.writer.insert(
            CaseGroupObjectPermission,
            ["content_object", "group", "permission", "granted_by", "event", "params", "reason"]
            + ["granted_at"],
            group_rows(),
        )

    def entries(self) -> None:
        c = self.city
        n = len(c.case_ids)
        total = self.sizes["entries"]
        mean = max(1, total // n)
        counts = [self.rng.randint(1, 2 * mean - 1) for _ in range(n)]
        diff = total - sum(counts)
        while diff:
            i = self.rng.randrange(n)
            if diff > 0:
                counts[i] += 1
                diff -= 1
            elif counts[i] > 1:
                counts[i] -= 1
                diff += 1
        police = c.users_by_role[R.POLICE]
        kinds = ["note", "contact", "observation", "decision"]
        planned = []
        for i in range(n):
            end = c.case_closed[i] or self.now
            for _ in range(counts[i]):
                planned.append((self._between(c.case_opened[i], end), i))
        planned.sort()
        base = _next_id(ChronologyEntry)
        police_set = set(police)

        def rows():
            for k, (when, i) in enumerate(planned):
                roll = self.rng.random()
                team = c.case_team[i]
                if roll < 0.15:
                    author = next((u for u in team if u in police_set), None) or self._pick(police)
                    level, kind = Level.L4, "police_information"
                else:
                    author = self._pick(team)
                    level = Level.L1 if roll < 0.30 else Level.L2 if roll < 0.85 else Level.L3
                    kind = self._pick(kinds)
                yield (
                    base + k,
                    c.case_ids[i],
                    kind,
                    when,
                    author,
                    c.user_agency[author],
                    level,
                    self._text(self.rng.randint(1, 3)),
                    when,
                )

        self.writer.insert(
            ChronologyEntry,
            ["id", "case", "kind", "occurred_at", "author", "agency", "level", "text"]
            + ["created_at"],
            rows(),
        )

    def case_work(self) -> None:
        """Actions, status history, assessments, escalations, prison releases."""
        c = self.city
        n = len(c.case_ids)
        today = self.today

        def action_rows():
            for i, pk in enumerate(c.case_ids):
                open_case = c.case_status[i] in OPEN_STATUSES
                for _ in range(self.rng.randint(2, 4) if open_case else self.rng.randint(0, 3)):
                    owner = self._pick(c.case_team[i])
                    if open_case:
                        status = "open" if self.rng.random() < 0.7 else "done"
                        due = today + timedelta(days=self.rng.randint(-40, 60))
                    else:
                        status = self.rng.choice(
                            ["done", "done", "done", "not_possible", "not_done"]
                        )
                        due = (c.case_closed[i] or self.now).date() - timedelta(
                            days=self.rng.randint(0, 60)
                        )
                    yield (
                        pk,
                        "Meet the young person and agree the next step.",
                        owner,
                        c.user_agency[owner],
                        due,
                        "not_needed",
                        status,
                        "",
                        c.case_owner[i],
                        c.case_opened[i],
                        c.case_opened[i],
                    )

        self.writer.insert(
            Action,
            ["case", "description", "owner", "owner_agency", "due_date", "consent", "status"]
            + ["status_note", "created_by", "created_at", "updated_at"],
            action_rows(),
        )

        def history_rows():
            for i, pk in enumerate(c.case_ids):
                owner, opened = c.case_owner[i], c.case_opened[i]
                yield (pk, "", "intake", "opened", "{}", "", owner, opened)
                if c.case_status[i] != "intake":
                    yield (
                        pk,
                        "intake",
                        c.case_status[i],
                        "changed",
                        "{}",
                        "Decided at the conference.",
                        owner,
                        c.case_closed[i] or opened + timedelta(days=20),
                    )

        self.writer.insert(
            StatusChange,
            ["case", "from_status", "to_status", "event", "params", "reason", "changed_by"]
            + ["changed_at"],
            history_rows(),
        )

        indicators = list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
        assessed = self.rng.sample(range(n), round(n * 0.3))
        base = _next_id(Assessment)
        rows_a, rows_r = [], []
        for k, i in enumerate(assessed):
            for version in (1, 2) if self.rng.random() < 0.2 else (1,):
                pk = base + len(rows_a)
                author = c.case_owner[i]
                rows_a.append(
                    (
                        pk,
                        c.case_ids[i],
                        version,
                        self.rng.choice(["low", "moderate", "high"]),
                        "" if version == 1 else "Less contact with the group.",
                        Level.L2,
                        author,
                        c.user_agency[author],
                        c.case_opened[i] + timedelta(days=10 * version + k % 7),
                    )
                )
                for indicator in self.rng.sample(indicators, min(4, len(indicators))):
                    rows_r.append((pk, indicator, self.rng.randint(0, 3), ""))
        self.writer.insert(
            Assessment,
            ["id", "case", "version", "overall_judgement", "what_changed", "level", "author"]
            + ["agency", "created_at"],
            rows_a,
        )
        self.writer.insert(AssessmentRating, ["assessment", "indicator", "rating", "note"], rows_r)

        base = _next_id(Escalation)
        coordinators = c.users_by_role[R.COORDINATOR]
        rows = []
        audiences = (
            ["coordinator"] * 8 + ["mayor"] * 4 + ["mac"] * 3 + ["police"] * 4 + ["mayor_meeting"]
        )
        for k, i in enumerate(self.rng.sample(range(n), max(2, round(n * 0.05)))):
            audience = self._pick(audiences)
            escalated = c.case_status[i] == "escalated"
            status = (
                "raised" if escalated else self.rng.choice(["decided", "decided", "under_review"])
            )
            raised_at = c.case_opened[i] + timedelta(days=30)
            decided = status == "decided"
            rows.append(
                (
                    base + k,
                    c.case_ids[i],
                    audience,
                    "Short text for the audience.",
                    "Please decide on the next step.",
                    status,
                    "Agreed." if decided else "",
                    self._pick(coordinators) if decided else None,
                    raised_at + timedelta(days=7) if decided else None,
                    c.case_owner[i],
                    raised_at,
                )
            )
            c.escalation_ids.append(base + k)
            c.escalation_audience.append(audience)
        self.writer.insert(
            Escalation,
            ["id", "case", "audience", "summary", "decision_requested", "status", "decision"]
            + ["decided_by", "decided_at", "raised_by", "raised_at"],
            rows,
        )

        outreach = c.users_by_role[R.YOUTH_WORKER]
        open_cases = [i for i in range(n) if c.case_status[i] in OPEN_STATUSES]
        chosen = self.rng.sample(open_cases, min(len(open_cases), max(1, round(n * 0.005))))
        self.writer.insert(
            PrisonRelease,
            ["case", "institution", "expected_release_date", "conditions", "outreach_worker"]
            + ["created_by", "created_at", "updated_at"],
            (
                (
                    c.case_ids[i],
                    "Havenstad Prison",
                    today + timedelta(days=self.rng.randint(-30, 200)),
                    "",
                    self._pick(outreach),
                    c.case_owner[i],
                    self.now,
                    self.now,
                )
                for i in chosen
            ),
        )

    # -- releases

    def releases(self) -> None:
        c = self.city
        n = self.sizes["releases"]
        base = _next_id(Release)
        officers = c.users_by_role[R.INFORMATION_OFFICER]
        pool = (
            [c.users_by_role[R.YOUTH_WORKER]] * 2
            + [c.users_by_role[R.PARTNER]]
            + [c.users_by_role[R.SOCIAL_WORKER]]
        )
        recipient_agencies = [
            a
            for a, k in c.agency_kind.items()
            if k in (Agency.Kind.YOUTH_WORK, Agency.Kind.SCHOOL, Agency.Kind.PRISON)
        ]
        rows, to_users, to_agencies, acks = [], [], [], []
        addressed: set[tuple[int, int]] = set()
        previous_case = None
        for k in range(n):
            pk = base + k
            revision = k % 20 == 19 and previous_case is not None
            i = previous_case if revision else self.rng.randrange(len(c.case_ids))
            created = self.now - timedelta(days=self.rng.randint(0, 3 * 365))
            if k < n // 10:  # a tenth of them fresh, so every recipient has some live ones
                created = self.now - timedelta(days=self.rng.randint(0, 60))
            expires = created.date() + timedelta(days=self.rng.randint(30, 720))
            revoked = created + timedelta(days=5) if self.rng.random() < 0.04 else None
            officer = self._pick(officers)
            rows.append(
                (
                    pk,
                    c.case_ids[i],
                    self._pick(TITLES),
                    self._text(3),
                    "To plan outreach and support.",
                    "Law of 30 July 2018, article 5",
                    expires,
                    2 if revision else 1,
                    pk - 1 if revision else None,
                    officer,
                    created,
                    revoked,
                    officer if revoked else None,
                    "Purpose met." if revoked else "",
                )
            )
            users = {self._pick(self._pick(pool)) for _ in range(self.rng.randint(1, 2))}
            for user in users:
                to_users.append((pk, user))
                addressed.add((pk, user))
                if self.rng.random() < 0.5:
                    acks.append((pk, user, created + timedelta(days=1)))
            if recipient_agencies and self.rng.random() < 0.25:
                to_agencies.append((pk, self._pick(recipient_agencies)))
            previous_case = i
        # Every bench recipient has live releases addressed to them by name.
        for role in (R.YOUTH_WORKER, R.PARTNER, R.SOCIAL_WORKER):
            user = c.bench_users[role]
            for k in range(min(n, 30)):
                pk = base + n - 1 - 3 * k
                if pk >= base and (pk, user) not in addressed:
                    to_users.append((pk, user))
                    addressed.add((pk, user))
        self.writer.insert(
            Release,
            ["id", "case", "title", "summary", "purpose", "legal_basis", "expires_on", "version"]
            + ["previous", "created_by", "created_at", "revoked_at", "revoked_by"]
            + ["revoke_reason"],
            rows,
        )
        self.writer.insert(Release.recipient_users.through, ["release", "user"], to_users)
        self.writer.insert(Release.recipient_agencies.through, ["release", "agency"], to_agencies)
        self.writer.insert(ReleaseAcknowledgement, ["release", "user", "acknowledged_at"], acks)

    # -- conferences

    def conferences(self) -> None:
        c = self.city
        meetings = self.sizes["meetings"]
        items_per_meeting = max(1, round(self.sizes["agenda_items"] / meetings))
        series_count = max(2, round(12 * min(1.0, self.scale * 4)))
        bench = c.bench_users
        bench_ids = set(bench.values())
        team_roles = (R.SOCIAL_WORKER, R.POLICE, R.INFORMATION_OFFICER, R.COORDINATOR)
        version = settings.CONFIDENTIALITY_DECLARATION_VERSION
        series_base, meeting_base, item_base = (
            _next_id(ConferenceSeries),
            _next_id(Meeting),
            _next_id(AgendaItem),
        )
        rows_s, rows_core, rows_m, rows_i, rows_att, rows_sig = [], [], [], [], [], []
        mac = [
            e
            for e, a in zip(c.escalation_ids, c.escalation_audience, strict=True)
            if a in ("mayor", "mac", "mayor_meeting")
        ]
        meeting_id = meeting_base
        item_id = item_base
        for s in range(series_count):
            series_id = series_base + s
            is_mac = s == series_count - 1
            chair = bench[R.COORDINATOR] if s == 0 else self._pick(c.users_by_role[R.COORDINATOR])
            if is_mac:
                core = {chair, *c.users_by_role[R.MAYOR_OFFICE][:4], bench[R.INFORMATION_OFFICER]}
            else:
                core = {chair}
                if s == 0:
                    core |= {bench[r] for r in team_roles}
                while len(core) < 10:
                    core.add(self._pick(c.users_by_role[self._pick(team_roles)]))
            rows_s.append(
                (
                    series_id,
                    "MAC" if is_mac else f"Case conference {series_id}",
                    "mac" if is_mac else "case_conference",
                    chair,
                    14,
                    1,
                    "09:30",
                    "Town hall, room 2",
                    2,
                    True,
                )
            )
            rows_core += [(series_id, u) for u in sorted(core)]
            agencies = {c.user_agency[u] for u in core}
            pool = [i for a in agencies for i in c.cases_by_agency.get(a, [])] or list(
                range(len(c.case_ids))
            )
            per_series = max(3, meetings // series_count + (s < meetings % series_count))
            # The published meeting is tomorrow morning whatever the hour of seeding, so that
            # the city always has an agenda to read; the others every 14 days around it.
            published = per_series - 2
            for m in range(per_series):
                day = self.today + timedelta(days=1 + 14 * (m - published))
                starts = timezone.make_aware(datetime.combine(day, time_of_day(9, 30)))
                past = m < published
                status = "final" if past else ("published" if m == published else "planned")
                rows_m.append(
                    (
                        meeting_id,
                        series_id,
                        starts,
                        "Town hall, room 2",
                        status,
                        starts - timedelta(days=2),
                        starts - timedelta(days=3) if status != "planned" else None,
                        starts if past else None,
                        starts + timedelta(hours=3) if past else None,
                        chair if past else None,
                        False,
                        "[]",
                    )
                )
                if is_mac:
                    chosen = [
                        ("esc", e) for e in self.rng.sample(mac, min(len(mac), items_per_meeting))
                    ]
                else:
                    chosen = [
                        ("case", i)
                        for i in self.rng.sample(pool, min(len(pool), items_per_meeting))
                    ]
                for order, (what, ref) in enumerate(chosen):
                    minute_level = self.rng.choice([Level.L2] * 7 + [Level.L3] * 2 + [Level.L4])
                    # The chair minutes at L2 and L3; police information comes from the police.
                    minuted_for = chair if minute_level != Level.L4 else bench[R.POLICE]
                    rows_i.append(
                        (
                            item_id,
                            meeting_id,
                            c.case_ids[ref] if what == "case" else None,
                            ref if what == "esc" else None,
                            "",
                            order,
                            self.rng.choice(
                                ["review_due", "new_case", "carried_over", "overdue_actions"]
                            )
                            if what == "case"
                            else "escalation",
                            "",
                            Level.L4 if self.rng.random() < 0.08 else None,
                            self._text(3) if past else "",
                            minute_level,
                            c.user_agency[minuted_for],
                            self.rng.choice(["continue", "continue", "adopt", "close"])
                            if past
                            else "",
                            chair if past else None,
                            starts if past else None,
                            "",
                        )
                    )
                    item_id += 1
                for user in sorted(core):
                    # The bench users attend and have signed every meeting of their series, so
                    # that the load driver reads agendas; the others, most past meetings.
                    roll = None if user in bench_ids else self.rng.random()
                    signed = roll is None or (past and roll < 0.8)
                    status = ("present" if signed else "apologies") if past else "invited"
                    rows_att.append((meeting_id, user, status, False))
                    if signed:
                        rows_sig.append((meeting_id, user, version, starts))
                meeting_id += 1
        self.writer.insert(
            ConferenceSeries,
            ["id", "name", "kind", "chair", "cadence_days", "weekday", "start_time"]
            + ["default_location", "cutoff_days", "is_active"],
            rows_s,
        )
        self.writer.insert(
            ConferenceSeries.core_members.through, ["conferenceseries", "user"], rows_core
        )
        self.writer.insert(
            Meeting,
            ["id", "series", "starts_at", "location", "status", "agenda_cutoff", "published_at"]
            + ["opened_at", "finalised_at", "finalised_by", "is_ad_hoc", "reminders_sent"],
            rows_m,
        )
        self.writer.insert(
            AgendaItem,
            ["id", "meeting", "case", "escalation", "title", "order", "reason", "reason_detail"]
            + ["restricted_to_level", "discussion", "minute_level", "minute_agency"]
            + ["decision", "minuted_by", "minuted_at", "status_before"],
            rows_i,
        )
        self.writer.insert(Attendance, ["meeting", "user", "status", "information_sent"], rows_att)
        self.writer.insert(
            DeclarationSignature, ["meeting", "user", "version", "signed_at"], rows_sig
        )

    # -- referrals

    def referrals(self) -> None:
        c = self.city
        n = self.sizes["referrals"]
        base = _next_id(Referral)
        referrers = (
            [c.users_by_role[R.PARTNER]] * 4
            + [c.users_by_role[R.YOUTH_WORKER]] * 3
            + [c.users_by_role[R.SOCIAL_WORKER]] * 2
            + [c.users_by_role[R.POLICE]]
        )
        statuses = (
            ["draft"] * 20
            + ["submitted"] * 5
            + ["information_requested"] * 1
            + ["no_further_action"] * 300
            + ["signposted"] * 200
            + ["police_route"] * 100
            + ["accepted"] * 374
        )
        outcome = {
            "no_further_action": "no_further_action",
            "signposted": "signposted",
            "police_route": "police_route",
            "accepted": "accepted",
            "information_requested": "more_information",
        }
        deciders = c.users_by_role[R.COORDINATOR]
        span = 6 * 365 * 24 * 3600
        rows, screenings = [], []
        for k in range(n):
            pk = base + k
            referrer = self._pick(self._pick(referrers))
            status = self._pick(statuses)
            if k >= n - max(3, n // 200):  # the newest are still waiting
                status = self.rng.choice(["submitted"] * 5 + ["information_requested"])
            submitted = self.now - timedelta(seconds=round(span * (1 - k / n)) + 60)
            decided = None
            if status in outcome and status != "information_requested":
                decided = submitted + timedelta(days=self.rng.randint(1, 20))
            case_i = self.rng.randrange(len(c.case_ids)) if status == "accepted" else None
            born = date(self.rng.randint(1970, 2012), self.rng.randint(1, 12), 1)
            rows.append(
                (
                    pk,
                    uuid.UUID(int=self.rng.getrandbits(128), version=4),
                    referrer,
                    c.user_agency[referrer],
                    status,
                    self.rng.choice(FIRST_NAMES),
                    self.rng.choice(LAST_NAMES),
                    born,
                    self.rng.choice(["female", "male", "unknown"]),
                    born.year > self.today.year - 18,
                    "",
                    "",
                    self._text(2),
                    self.rng.choice(["routine"] * 6 + ["priority"] * 3 + ["urgent"]),
                    "Please assess whether support is needed.",
                    "",
                    True,
                    "given",
                    "",
                    "",
                    False,
                    c.case_person[case_i] if case_i is not None else None,
                    c.case_ids[case_i] if case_i is not None else None,
                    submitted - timedelta(minutes=20),
                    decided or submitted,
                    None if status == "draft" else submitted,
                    decided,
                )
            )
            if status in outcome:
                screenings.append(
                    (
                        pk,
                        outcome[status],
                        "Discussed at screening.",
                        self._pick(deciders),
                        decided or submitted + timedelta(days=2),
                        "Is the family aware?" if status == "information_requested" else "",
                        "new_person" if status == "accepted" else "",
                        c.case_ids[case_i] if case_i is not None else None,
                    )
                )
        self.writer.insert(
            Referral,
            ["id", "form_token", "referrer", "referrer_agency", "status", "first_name"]
            + ["last_name", "date_of_birth", "gender", "is_minor", "address"]
            + ["school_or_employer", "concern", "urgency", "request", "other_agencies"]
            + ["person_aware", "consent", "no_consent_reason", "legal_basis", "is_repeat"]
            + ["person", "case", "created_at", "updated_at", "submitted_at", "decided_at"],
            rows,
        )
        self.writer.insert(
            Screening,
            ["referral", "outcome", "reasons", "decided_by", "decided_at", "question"]
            + ["acceptance", "case"],
            screenings,
        )


def analyze() -> None:
    """Fresh planner statistics (and the visibility map) after a bulk load. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")


def seed(
    *, scale: float = 1.0, password: str = "", seed: int = 2026, log=lambda _msg: None
) -> dict[str, int]:
    """Build the synthetic city on top of what is there (wipe() first for a clean one)."""
    return Seeder(scale=scale, password=password, seed=seed, log=log).run()
