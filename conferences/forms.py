from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from access import policy
from accounts.models import Level, Role
from cases.models import Action, Case
from conferences.models import AgencyCheck, AgendaItem, Attendance, ConferenceSeries, Meeting
from core.forms import (
    DATE,
    ListSearchForm,
    UserChoiceField,
    UsersChoiceField,
    WallClockDateTimeField,
)
from privacy import selectors as privacy_selectors
from privacy.models import SharingAgreement


def members_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__isnull=False)
        .exclude(profile__role=Role.ADMIN)
        .select_related("profile__agency")
        .order_by("last_name", "first_name")
    )


def _agreement_field() -> forms.ModelChoiceField:
    """Only agreements in force today (the queryset is set per form); none pre-selected, as a
    wrong guess would disclose under the wrong terms."""
    return forms.ModelChoiceField(
        label=_("Sharing agreement"),
        help_text=_(
            "The agreement the series shares under. It must cover the agency of every member."
        ),
        queryset=SharingAgreement.objects.none(),
        empty_label=_("Choose an agreement"),
        error_messages={
            "required": _("Choose the sharing agreement the series shares under."),
            "invalid_choice": _("That agreement is not in force today."),
        },
    )


class SeriesForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ConferenceSeries.Kind.choices)
    chair = UserChoiceField(label=_("Chair"), queryset=members_choices())
    core_members = UsersChoiceField(
        label=_("Core members"), queryset=members_choices(), widget=forms.CheckboxSelectMultiple
    )
    cadence_days = forms.IntegerField(
        label=_("Every how many days"), min_value=1, max_value=366, initial=14
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), coerce=int, choices=ConferenceSeries._meta.get_field("weekday").choices
    )
    start_time = forms.TimeField(
        label=_("Start time"), initial="09:30", widget=forms.TimeInput(attrs={"type": "time"})
    )
    default_location = forms.CharField(label=_("Default location"), max_length=200, required=False)
    cutoff_days = forms.IntegerField(
        label=_("Agenda cut-off (days before)"), min_value=0, max_value=30, initial=2
    )
    agreement = _agreement_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members_choices()
        self.fields["core_members"].queryset = members_choices()
        self.fields["agreement"].queryset = privacy_selectors.agreements_in_force()


class SeriesAgreementForm(forms.Form):
    agreement = _agreement_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = privacy_selectors.agreements_in_force()


class MeetingFilterForm(ListSearchForm):
    """The conference list's search (GET): a part of the series' name or the place (the list
    search box), and a status."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))]
        + [(v, label) for v, label in Meeting.Status.choices if v != Meeting.Status.CANCELLED],
    )


class AdHocMeetingForm(forms.Form):
    starts_at = WallClockDateTimeField(label=_("Starts at"))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class TimeBudgetForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes for this item"), min_value=1, max_value=120)


class AddCaseForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=20)


class AddGeneralItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class RestrictForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Restrict to"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Everyone at the meeting"))]
        + [(lvl, label) for lvl, label in Level.choices if lvl >= Level.L2],
    )


class GuestForm(forms.Form):
    guest = UserChoiceField(label=_("Guest for this item"), queryset=members_choices())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only those who can be on a case team at all (the policy's rule, not a list here).
        self.fields["guest"].queryset = members_choices().filter(
            profile__role__in=policy.CASE_TEAM_ROLES
        )


class CutoffForm(forms.Form):
    cutoff = WallClockDateTimeField(label=_("Agenda cut-off"))


class AttendanceForm(forms.Form):
    attendee = UserChoiceField(label=_("Person"), queryset=members_choices())
    status = forms.ChoiceField(label=_("Attendance"), choices=Attendance.Status.choices)
    information_sent = forms.BooleanField(
        label=_("Sent information in (with apologies)"), required=False
    )
    delegate_for = UserChoiceField(
        label=_("Delegate for"), queryset=members_choices(), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = members_choices()
        self.fields["delegate_for"].queryset = members_choices()


class ActionRowsForm(forms.Form):
    """A form with rows of actions agreed at an item (action_<n>_description, _owner,
    _due_date and, where the form has it, _consent); the form says which rows it has."""

    def action_numbers(self) -> range:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        for n in self.action_numbers():
            parts = [data.get(f"action_{n}_{f}") for f in ("description", "owner", "due_date")]
            if any(parts) and not all(parts):
                self.add_error(
                    f"action_{n}_description",
                    _("An action needs a description, an owner and a due date."),
                )
        return data

    def actions(self) -> list[dict]:
        """The rows filled in, as the services take them."""
        rows = []
        for n in self.action_numbers():
            if not self.cleaned_data.get(f"action_{n}_description"):
                continue
            row = {
                "description": self.cleaned_data[f"action_{n}_description"],
                "owner": self.cleaned_data[f"action_{n}_owner"],
                "due_date": self.cleaned_data[f"action_{n}_due_date"],
            }
            if f"action_{n}_consent" in self.fields:
                row["consent"] = (
                    self.cleaned_data.get(f"action_{n}_consent") or Action.Consent.NOT_NEEDED
                )
            rows.append(row)
        return rows


class MinuteForm(ActionRowsForm):
    # Optimistic locking (issue 17): the minute's version this form started from.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    discussion = forms.CharField(label=_("Discussion"), widget=forms.Textarea, required=False)
    level = forms.TypedChoiceField(label=_("Level of the minute"), coerce=int)
    decision = forms.ChoiceField(label=_("Decision"), choices=AgendaItem.Decision.choices)
    next_review_date = forms.DateField(
        label=_("Next review date"),
        required=False,
        widget=DATE,
        help_text=_("Required to adopt a case."),
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        required=False,
        choices=[("", "—")] + Case.ClosureReason.choices,
        help_text=_("Required to close or for no further action."),
    )

    def __init__(self, *args, levels: list[int], action_owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lvl, Level(lvl).label) for lvl in levels]
        for n in self.action_numbers():
            self.fields[f"action_{n}_description"] = forms.CharField(
                label=_("New action %(n)d") % {"n": n}, required=False, max_length=1000
            )
            # Each label names its action: three fields called "Owner" are one too many.
            self.fields[f"action_{n}_owner"] = UserChoiceField(
                label=_("Owner of action %(n)d") % {"n": n},
                queryset=action_owners,
                required=False,
            )
            self.fields[f"action_{n}_due_date"] = forms.DateField(
                label=_("Due date of action %(n)d") % {"n": n}, required=False, widget=DATE
            )

    def action_numbers(self) -> range:
        return range(1, 4)


class AmendmentForm(forms.Form):
    text = forms.CharField(label=_("Amendment"), widget=forms.Textarea)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.TypedChoiceField(label=_("Level"), coerce=int)

    def __init__(self, *args, levels: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lvl, Level(lvl).label) for lvl in levels]


# --- Live meeting (issue 17) -------------------------------------------------------------------

MAX_LIVE_ACTIONS = 10


class LiveOutcomeForm(ActionRowsForm):
    """The outcome of an item, typed in place on the chair's live screen. Actions come in rows;
    "Add another action" posts the form back with one row more (no script needed)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_LIVE_ACTIONS)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=AgendaItem.Decision.choices, widget=forms.RadioSelect
    )
    discussion = forms.CharField(
        label=_("Information shared and discussion"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    level = forms.TypedChoiceField(label=_("Level of the minute"), coerce=int)
    risk_level = forms.ChoiceField(
        label=_("Risk after this discussion"),
        required=False,
        choices=[("", _("Unchanged"))] + Case.RiskLevel.choices,
    )
    next_review_date = forms.DateField(
        label=_("Next review date"),
        required=False,
        widget=DATE,
        help_text=_("Required to adopt a case."),
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        required=False,
        choices=[("", "—")] + Case.ClosureReason.choices,
        help_text=_("Required to close or for no further action."),
    )

    def __init__(self, *args, levels: list[int], action_owners, rows: int = 1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lvl, Level(lvl).label) for lvl in levels]
        if self.is_bound:
            try:
                rows = int(self.data.get("rows", rows))
            except (TypeError, ValueError):
                rows = 1
            if "add_action" in self.data:
                rows += 1
        self.row_count = max(1, min(rows, MAX_LIVE_ACTIONS))
        self.initial["rows"] = self.row_count
        if self.is_bound:
            self.data = self.data.copy()
            self.data["rows"] = str(self.row_count)
        for n in self.action_numbers():
            self.fields[f"action_{n}_description"] = forms.CharField(
                label=_("Action %(n)d") % {"n": n}, required=False, max_length=1000
            )
            self.fields[f"action_{n}_owner"] = UserChoiceField(
                label=_("Owner of action %(n)d (their agency follows)") % {"n": n},
                queryset=action_owners,
                required=False,
            )
            self.fields[f"action_{n}_due_date"] = forms.DateField(
                label=_("Due date of action %(n)d") % {"n": n}, required=False, widget=DATE
            )
            self.fields[f"action_{n}_consent"] = forms.ChoiceField(
                label=_("Consent for action %(n)d") % {"n": n},
                choices=Action.Consent.choices,
                initial=Action.Consent.NOT_NEEDED,
                required=False,
            )

    def action_rows(self) -> list[list]:
        return [
            [self[f"action_{n}_{part}"] for part in ("description", "owner", "due_date", "consent")]
            for n in self.action_numbers()
        ]

    def action_numbers(self) -> range:
        return range(1, self.row_count + 1)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen the meeting?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reason is kept in the meeting's history."),
    )


class MoveItemForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Move this item to"),
        choices=[
            (AgendaItem.MovedTo.NEXT_MEETING, _("The next meeting of the series")),
            (AgendaItem.MovedTo.BACKLOG, _("The series backlog")),
        ],
        widget=forms.RadioSelect,
    )


# --- Attendance on one screen and recusals (issue 17, part 4) --------------------------------


class RecusalWithdrawForm(forms.Form):
    recusal = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why withdraw the recusal?"), max_length=300)


class AttendanceRowForm(forms.Form):
    """One invited person's attendance, a row of the attendance formset. The person is a
    hidden field checked against those invited; their name is the legend of the radios."""

    attendee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), widget=forms.HiddenInput
    )
    status = forms.ChoiceField(label=_("Attendance"), widget=forms.RadioSelect)
    information_sent = forms.BooleanField(label=_("Information sent in"), required=False)
    delegate_for = UserChoiceField(
        label=_("Delegate for"), queryset=get_user_model().objects.none(), required=False
    )
    conditional_fields = {
        "status": {
            Attendance.Status.APOLOGIES: ["information_sent"],
            Attendance.Status.DELEGATE: ["delegate_for"],
        }
    }

    def __init__(self, *args, row: Attendance | None, invited, core, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.row = row
        self.fields["attendee"].queryset = invited
        self.fields["delegate_for"].queryset = core
        guest = row is not None and row.status == Attendance.Status.GUEST
        self.fields["status"].choices = [
            (value, _("Not recorded yet") if value == Attendance.Status.INVITED else label)
            for value, label in Attendance.Status.choices
            if value != Attendance.Status.GUEST or guest
        ]
        if row is not None:
            name = row.user.get_full_name() or row.user.username
            agency = getattr(getattr(row.user, "profile", None), "agency", "")
            self.fields["status"].label = f"{name} ({agency})" if agency else name

    def clean(self):
        data = super().clean()
        if data.get("status") == Attendance.Status.DELEGATE and not data.get("delegate_for"):
            self.add_error("delegate_for", _("Say whom the delegate stands in for."))
        return data


class BaseAttendanceFormSet(forms.BaseFormSet):
    def __init__(self, *args, rows: list[Attendance], core, **kwargs) -> None:
        self.rows = rows
        self.invited = get_user_model().objects.filter(pk__in=[r.user_id for r in rows])
        self.core = core
        kwargs["initial"] = [
            {
                "attendee": r.user_id,
                "status": r.status,
                "information_sent": r.information_sent,
                "delegate_for": r.delegate_for_id,
            }
            for r in rows
        ]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        row = self.rows[index] if index is not None and index < len(self.rows) else None
        return {"row": row, "invited": self.invited, "core": self.core}

    def cleaned_rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]

    def apply_errors(self, error: ValidationError) -> None:
        """A service's refusal ({"<row>-<field>": message}) on the rows it names."""
        if not hasattr(error, "error_dict"):
            self._non_form_errors = self.error_class(error.messages)  # type: ignore[attr-defined]
            return
        for key, errors in error.error_dict.items():
            index, _sep, name = key.partition("-")
            form = (
                self.forms[int(index)] if index.isdigit() and int(index) < len(self.forms) else None
            )
            if form is None:
                continue
            form.add_error(name if name in form.fields else None, errors)


def attendance_formset(*, rows: list[Attendance], core, data=None):
    """Everyone invited in one form (selectors.invitees gives the rows)."""
    formset = forms.formset_factory(
        AttendanceRowForm,
        formset=BaseAttendanceFormSet,
        extra=0,
        max_num=len(rows),
        absolute_max=len(rows),
        validate_max=True,
        validate_min=True,
        min_num=len(rows),
    )
    return formset(data, rows=rows, core=core, prefix="attendance")


class RecusalForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Item"), coerce=int)
    attendee = UserChoiceField(label=_("Who declared the interest"), queryset=members_choices())
    interest = forms.CharField(
        label=_("Interest declared"),
        max_length=300,
        required=False,
        help_text=_("In a few words, without case details: it is listed in the minutes."),
    )

    def __init__(self, *args, items: list[tuple[int, str]], attendees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "")] + items
        self.fields["attendee"].queryset = attendees


# --- Agency checks before the meeting (issue 17, part 5) -------------------------------------


class AgencyCheckForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("What does your agency hold on this person?"),
        choices=AgencyCheck.Answer.choices,
        widget=forms.RadioSelect,
    )
    entry_text = forms.CharField(
        label=_("What your agency shares"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Added to the case's chronology at the level you choose below."),
    )
    reason = forms.CharField(
        label=_("Why it is not shared"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    level = forms.TypedChoiceField(
        label=_("Level of the answer"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_(
            "Who may read your answer: those who may read an item of your agency at this level."
        ),
    )
    conditional_fields = {
        "answer": {
            AgencyCheck.Answer.SHARED: ["entry_text"],
            AgencyCheck.Answer.HELD: ["reason"],
        }
    }

    def __init__(self, *args, levels: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lvl, Level(lvl).label) for lvl in levels]

    def clean(self):
        data = super().clean()
        answer = data.get("answer")
        if answer == AgencyCheck.Answer.HELD and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why what your agency holds is not shared."))
        if answer == AgencyCheck.Answer.SHARED and not (data.get("entry_text") or "").strip():
            self.add_error("entry_text", _("Write what your agency shares."))
        return data
