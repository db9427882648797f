"""Forms of the secretariat's follow-up of a call: the table's filters, the eligibility decision,
the message to applicants, the selection of letters of intent. Forms check shapes; the rules are
in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import Application, Call, Stage
from calls.selectors_followup import Audience, Automatic, lead_institution_choices
from calls.services.followup import BODY_MAX, SUBJECT_MAX

AUTOMATIC_CHOICES = [
    ("", _("Tous les résultats")),
    (Automatic.PASSED, _("Règles respectées")),
    (Automatic.FAILED, _("Au moins une règle non respectée")),
    (Automatic.NOT_APPLICABLE, _("Sans objet")),
    (Automatic.NONE, _("Pas encore vérifiée (brouillon)")),
]

AUDIENCE_CHOICES = [
    (Audience.SUBMITTED, _("Toutes les candidatures déposées")),
    (Audience.ELIGIBLE, _("Les candidatures déclarées éligibles")),
    (Audience.INELIGIBLE, _("Les candidatures déclarées non recevables ou non éligibles")),
    (Audience.DRAFTS, _("Les brouillons (candidatures pas encore déposées)")),
]


class ApplicationFilterForm(forms.Form):
    """The filters of the dashboard's table (GET; an unknown value is ignored, not an error)."""

    status = forms.ChoiceField(label=_("Statut"), required=False)
    institution = forms.ChoiceField(label=_("Institution coordinatrice"), required=False)
    automatic = forms.ChoiceField(
        label=_("Vérification automatique"), required=False, choices=AUTOMATIC_CHOICES
    )
    stage = forms.ChoiceField(label=_("Étape"), required=False)

    def __init__(self, *args: object, call: Call, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["status"].choices = [("", _("Tous les statuts")), *Application.Status.choices]
        self.fields["institution"].choices = [
            ("", _("Toutes les institutions")),
            *lead_institution_choices(call),
        ]
        if call.is_two_stage:
            self.fields["stage"].choices = [("", _("Les deux étapes")), *Stage.choices]
        else:
            del self.fields["stage"]

    def cleaned_or_empty(self) -> dict[str, str]:
        """The valid filters (an invalid one is dropped)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields if name not in self.errors}


YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


class DecisionForm(forms.Form):
    admissible = forms.TypedChoiceField(
        label=_("Recevable"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        help_text=_("Dossier complet, déposé dans les délais, dans le périmètre de l'appel."),
    )
    eligible = forms.TypedChoiceField(
        label=_("Éligible"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        help_text=_("Les règles d'éligibilité de l'appel sont respectées."),
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Obligatoire. Pour confirmer la vérification automatique, un motif court suffit ; "
            "pour s'en écarter, expliquez pourquoi."
        ),
    )


class MailingForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Destinataires"),
        choices=AUDIENCE_CHOICES,
        widget=forms.RadioSelect,
        initial=Audience.SUBMITTED,
    )
    subject = forms.CharField(label=_("Objet"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Texte brut. Chaque destinataire reçoit son propre e-mail (aucune adresse n'est visible des autres), "
            "avec la formule d'appel et la signature du secrétariat dans sa langue."
        ),
    )


class LetterSelectionForm(forms.Form):
    applications = forms.TypedMultipleChoiceField(
        label=_("Lettres d'intention"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Motif (pour les lettres non retenues, facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, letters: list[Application], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["applications"].choices = [(a.pk, a.display_title) for a in letters]
