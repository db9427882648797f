"""Forms of decisions and letters. They check shapes; the rules are in
``evaluation.services.decisions``."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Campaign, Decision

BODY_SUGGESTIONS = [
    _("Comité de pilotage (COPIL)"),
    _("Conseil d'administration du GIP"),
]


class RecordDecisionForm(forms.Form):
    """The body that validated the committee's proposal, with the date and reference."""

    body = forms.CharField(
        label=_("Instance"),
        max_length=200,
        help_text=_("L'instance qui valide la proposition du comité, par exemple le comité de pilotage."),
        widget=forms.TextInput(attrs={"list": "decision-bodies", "autocomplete": "off"}),
    )
    decided_on = forms.DateField(
        label=_("Date de la décision"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        label=_("Référence"),
        max_length=200,
        help_text=_("Procès-verbal, numéro de délibération…"),
    )
    notes = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", campaign.version)
        super().__init__(*args, **kwargs)


class LetterLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Langue du courrier"), choices=[("fr", "Français"), ("en", "English")]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PromoteForm(forms.Form):
    """Fund a waiting-list application under one of the campaign's decisions."""

    decision = forms.ModelChoiceField(label=_("Décision"), queryset=Decision.objects.none(), empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = campaign.decisions.order_by("-decided_on", "-pk")  # type: ignore[attr-defined]
