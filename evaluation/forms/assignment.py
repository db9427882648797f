"""Forms of the staff assignment page: a pair constraint (pin / forbid / clear) and a manual
assignment. Both choose among the campaign's applications and pool members only."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Campaign, PoolMember, ReviewerRole
from evaluation.permissions import campaign_applications


class _PairForm(forms.Form):
    application = forms.ModelChoiceField(queryset=None, label=_("Dossier"))  # type: ignore[arg-type]
    member = forms.ModelChoiceField(queryset=None, label=_("Évaluateur·rice"))  # type: ignore[arg-type]

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["application"].queryset = campaign_applications(campaign)  # type: ignore[attr-defined]
        self.fields["member"].queryset = PoolMember.objects.filter(campaign=campaign)  # type: ignore[attr-defined]


class PairConstraintForm(_PairForm):
    ACTIONS = [("pin", _("Imposer")), ("forbid", _("Interdire")), ("clear", _("Lever la contrainte"))]

    action = forms.ChoiceField(choices=ACTIONS, label=_("Contrainte"))
    reason = forms.CharField(label=_("Motif"), max_length=500, required=False)

    @property
    def kind(self) -> str | None:
        action = self.cleaned_data["action"]
        return None if action == "clear" else action


class AddAssignmentForm(_PairForm):
    role = forms.ChoiceField(choices=ReviewerRole.choices, label=_("Rôle"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        member = data.get("member")
        if member is not None and not data.get("role"):
            data["role"] = member.role
        return data
