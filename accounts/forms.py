from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class AccountForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Langue des e-mails et de l'interface"), choices=settings.LANGUAGES)


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Précisions (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    confirm = forms.BooleanField(
        label=_(
            "Je comprends que mon compte sera désactivé et mes données personnelles effacées ou anonymisées."
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    roles = forms.MultipleChoiceField(
        label=_("Rôles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Le rôle « chercheur·se » est toujours attribué."),
    )
    language = forms.ChoiceField(label=_("Langue de l'invitation"), choices=settings.LANGUAGES)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Rôles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class PrivacyDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("erase", _("Effacer")), ("refuse", _("Refuser"))], widget=forms.HiddenInput
    )
    response = forms.CharField(
        label=_("Réponse au demandeur"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
