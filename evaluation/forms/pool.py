"""Forms of the reviewer pool and of the invitation page. Forms check shapes; the rules (roles of
the campaign, duplicates, loads, passwords) are in ``evaluation.services.pool``."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from directory.models import Person
from evaluation.models import Campaign, ReviewerRole

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error on its field when the form has it, else on the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class _RoleLoadsForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"))
    min_load = forms.IntegerField(label=_("Charge minimale"), min_value=0, max_value=100)
    max_load = forms.IntegerField(label=_("Charge maximale"), min_value=0, max_value=100)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = campaign.roles or [ReviewerRole.RAPPORTEUR.value]
        self.fields["role"].choices = [(r, ReviewerRole(r).label) for r in roles]
        self.fields["role"].initial = roles[-1]
        self.fields["min_load"].initial = campaign.default_min_load
        self.fields["max_load"].initial = campaign.default_max_load
        self.fields["min_load"].help_text = _("Nombre de dossiers au moins.")
        self.fields["max_load"].help_text = _("Nombre de dossiers au plus.")


class DirectoryMemberForm(_RoleLoadsForm):
    """Invite someone from the directory (chosen in the search results)."""

    person = forms.ModelChoiceField(
        label=_("Personne"),
        queryset=Person.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choisissez une personne dans les résultats de la recherche.")},
    )
    language = forms.ChoiceField(label=_("Langue des messages"), choices=LANGUAGE_CHOICES, initial="fr")

    field_order = ["person", "role", "min_load", "max_load", "language"]


class ExternalMemberForm(_RoleLoadsForm):
    """Invite an outside expert by e-mail (their account is created when they accept)."""

    name = forms.CharField(label=_("Nom complet"), max_length=200)
    email = forms.EmailField(label=_("Adresse e-mail"))
    institution_name = forms.CharField(
        label=_("Établissement"),
        max_length=255,
        required=False,
        help_text=_("Ville et pays s'il est à l'étranger."),
    )
    language = forms.ChoiceField(label=_("Langue des messages"), choices=LANGUAGE_CHOICES, initial="fr")

    field_order = ["name", "email", "institution_name", "language", "role", "min_load", "max_load"]


class ReplacementExternalForm(forms.Form):
    """The replacement as an outside expert (role and loads come from the replaced member)."""

    name = forms.CharField(label=_("Nom complet"), max_length=200)
    email = forms.EmailField(label=_("Adresse e-mail"))
    institution_name = forms.CharField(label=_("Établissement"), max_length=255, required=False)
    language = forms.ChoiceField(label=_("Langue des messages"), choices=LANGUAGE_CHOICES, initial="fr")


class ReplacementDirectoryForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Personne"),
        queryset=Person.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choisissez une personne dans les résultats de la recherche.")},
    )
    language = forms.ChoiceField(label=_("Langue des messages"), choices=LANGUAGE_CHOICES, initial="fr")


class MemberForm(_RoleLoadsForm):
    """Edit a member's role and loads (optimistic version check)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggestion = forms.CharField(
        label=_("Suggérer quelqu'un d'autre (facultatif)"),
        required=False,
        max_length=1000,
        help_text=_("Nom et adresse e-mail, par exemple : « Jeanne Martin, jeanne.martin@exemple.fr »."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AccountForm(forms.Form):
    """Create the account of an outside expert while accepting (the address is the invited one)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 10 caractères, pas uniquement des chiffres."),
    )
    password2 = forms.CharField(
        label=_("Confirmez le mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return data
