"""Forms of evaluation campaigns: the settings of a campaign (creation and edit). They validate
what was typed and hand a ``data`` dict to ``evaluation.services.campaigns``; they never save.
The review deadline is typed as a day and a time in Europe/Paris (noon by default)."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import PARIS, Call, Stage, paris_datetime
from evaluation.models import Campaign
from evaluation.selectors.campaigns import LOCKED_AFTER_SETUP, SETTINGS_FIELDS

NOON = dt.time(12, 0)
SETTINGS_WITHOUT_DEADLINE = tuple(name for name in SETTINGS_FIELDS if name != "review_deadline")


class CampaignForm(forms.ModelForm):
    """The settings of a campaign. ``locked`` fields are shown but disabled (the campaign is past
    the setup), and letters of intent have no external reviewers."""

    deadline_day = forms.DateField(
        label=gettext_lazy("Date limite des évaluations — jour"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline_time = forms.TimeField(
        label=gettext_lazy("Heure"),
        required=False,
        initial=NOON,
        help_text=gettext_lazy("Heure de Paris ; midi par défaut."),
        widget=forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Campaign
        fields = SETTINGS_WITHOUT_DEADLINE

    fieldsets: tuple[tuple[Promise, tuple[str, ...]], ...] = (
        (
            gettext_lazy("Évaluateur·rices par dossier"),
            ("rapporteurs_per_application", "externals_per_application"),
        ),
        (
            gettext_lazy("Charge de chaque évaluateur·rice (par défaut)"),
            ("default_min_load", "default_max_load"),
        ),
        (
            gettext_lazy("Conflits d'intérêts et affectation"),
            (
                "coauthorship_years",
                "research_organisations_conflict",
                "one_per_institution",
                "fair_assignment",
            ),
        ),
        (gettext_lazy("Calendrier et relances"), ("deadline_day", "deadline_time", "reminder_days")),
        (
            gettext_lazy("Confidentialité et publication"),
            ("reviewers_see_other_reviews", "publish_committee"),
        ),
    )

    def __init__(self, *args: Any, campaign: Campaign | None = None, stage: str = "", **kwargs: Any) -> None:
        instance = campaign or Campaign(stage=stage or Stage.FULL)
        kwargs["instance"] = instance
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        deadline = instance.review_deadline
        if deadline is not None:
            local = deadline.astimezone(PARIS)
            self.fields["deadline_day"].initial = local.date()
            self.fields["deadline_time"].initial = local.time().replace(second=0, microsecond=0)
        for name in ("rapporteurs_per_application", "externals_per_application", "default_min_load"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 20})
        self.fields["default_max_load"].widget.attrs.update({"min": 0, "max": 50})
        self.fields["coauthorship_years"].widget.attrs.update({"min": 0, "max": 30})
        self.fields["reminder_days"].widget.attrs.update({"min": 0, "max": 60})
        if instance.is_letter_of_intent:
            self.fields["externals_per_application"].disabled = True
            self.fields["externals_per_application"].help_text = _(
                "Les lettres d'intention sont évaluées par les rapporteur·es du comité seulement."
            )
        if campaign is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = campaign.version
            self._lock(campaign)

    def _lock(self, campaign: Campaign) -> None:
        if campaign.status == Campaign.Status.SETUP:
            return
        locked = set(LOCKED_AFTER_SETUP)
        if campaign.status == Campaign.Status.DECIDED:
            locked = set(self.fields) - {"publish_committee", "version"}
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True
                if name not in ("deadline_time",):
                    self.fields[name].help_text = _("Ne change plus à ce stade de la campagne.")

    def _post_clean(self) -> None:
        """No model validation here: the service checks the settings."""

    def save(self, commit: bool = True) -> Any:
        raise NotImplementedError("Campaign forms never save: call evaluation.services.campaigns.")

    def grouped_fields(self) -> list[tuple[Promise, list[forms.BoundField]]]:
        return [(legend, [self[n] for n in names if n in self.fields]) for legend, names in self.fieldsets]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        day, time = cleaned.get("deadline_day"), cleaned.get("deadline_time")
        if time and not day and not self.errors.get("deadline_day"):
            self.add_error("deadline_day", _("Indiquez le jour de la date limite."))
        cleaned["review_deadline"] = paris_datetime(day, time or NOON) if day else None
        return cleaned

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def data_for_service(self) -> dict[str, Any]:
        """The settings that were editable (disabled fields are left out)."""
        data = {
            name: self.cleaned_data[name]
            for name in SETTINGS_WITHOUT_DEADLINE
            if name in self.cleaned_data and not self.fields[name].disabled
        }
        if not self.fields["deadline_day"].disabled:
            data["review_deadline"] = self.cleaned_data.get("review_deadline")
        return data


class NewCampaignForm(CampaignForm):
    """A new campaign: the call and stage (prefilled from ``?call=&stage=``), then the settings."""

    call = forms.ModelChoiceField(label=gettext_lazy("Appel"), queryset=Call.objects.none())
    stage = forms.ChoiceField(label=gettext_lazy("Étape évaluée"), choices=Stage.choices)

    fieldsets = ((gettext_lazy("Appel et étape"), ("call", "stage")), *CampaignForm.fieldsets)

    def __init__(self, *args: Any, calls: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        call_field = self.fields["call"]
        assert isinstance(call_field, forms.ModelChoiceField)  # noqa: S101 - declared above
        call_field.queryset = calls
        call_field.empty_label = _("— choisir un appel —")
        self.order_fields(["call", "stage"])
