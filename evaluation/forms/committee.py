"""Forms of the committee pages (input only: the rules are checked by the services)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.services.committee import TIE_RULES


class OrderForm(forms.Form):
    """A full order (drag and drop) or one move up/down (buttons), with the campaign's version."""

    order = forms.CharField(required=False, widget=forms.HiddenInput)
    move = forms.IntegerField(required=False, widget=forms.HiddenInput)
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_order(self) -> list[int]:
        raw = self.cleaned_data.get("order") or ""
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Ordre illisible.")) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("order") and not (data.get("move") and data.get("direction")):
            raise forms.ValidationError(_("Aucun changement de classement reçu."))
        return data


class ScoreRankingForm(forms.Form):
    ties = forms.ChoiceField(
        label=_("Ex æquo départagés par"),
        choices=list(TIE_RULES.items()),
        initial="requested_amount",
        widget=forms.RadioSelect,
    )


class FundingForm(forms.Form):
    waiting_list_size = forms.IntegerField(
        label=_("Dossiers en liste d'attente"), min_value=0, max_value=50, initial=3, required=False
    )
    invite_count = forms.IntegerField(
        label=_("Lettres d'intention à inviter au dossier complet"), min_value=0, required=False
    )

    def __init__(self, *args: Any, letter_of_intent: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if letter_of_intent:
            del self.fields["waiting_list_size"]
            self.fields["invite_count"].required = True
        else:
            del self.fields["invite_count"]


class OutcomeForm(forms.Form):
    committee_score = forms.DecimalField(
        label=_("Note du comité (sur 20)"),
        required=False,
        min_value=0,
        max_value=20,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=_("Vide : la moyenne des évaluations."),
    )
    proposed_amount = forms.DecimalField(
        label=_("Montant proposé (€)"),
        required=False,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("Vide : le montant demandé."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Nouvelle note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible du secrétariat et des rapporteur·es sans conflit sur ce dossier."),
    )
