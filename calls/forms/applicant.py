"""Forms of the applicant's pages: the application form built from the call's ``FormField``
definitions, partners, budget lines, uploads, submission and withdrawal.

Forms only check what people type and hand clean values to the services of ``calls.services``;
a draft keeps whatever was typed (lengths, formats and required answers are checked at
submission), so the draft form requires nothing but the version it was opened at.
"""

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from calls.models import Application, ApplicationTeam, BudgetCategory, FormField
from directory.models import Team

ANSWER_PREFIX = "f_"


def answer_name(field: FormField) -> str:
    return f"{ANSWER_PREFIX}{field.key}"


class NewApplicationForm(forms.Form):
    title = forms.CharField(
        label=_("Titre du projet"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Vous pourrez le modifier jusqu'au dépôt."),
    )
    acronym = forms.CharField(label=_("Acronyme"), max_length=40, required=False)


def _choices(field: FormField, *, blank: bool) -> list[tuple[str, str]]:
    english = (translation.get_language() or "fr").startswith("en")
    items = []
    for choice in field.choices or []:
        if isinstance(choice, dict):
            label = (english and choice.get("label_en")) or choice.get("label_fr") or choice.get("value")
            items.append((str(choice.get("value")), str(label)))
    return ([("", _("— choisir —"))] if blank else []) + items


def _answer_field(field: FormField) -> forms.Field:
    """The Django field for one question. Nothing is required and no length is enforced in a draft:
    the page shows the limits and the submission checks them."""
    common: dict[str, Any] = {"label": field.label, "required": False, "help_text": field.help}
    attrs: dict[str, Any] = {}
    if field.required:
        attrs["aria-required"] = "true"
    kind = field.type
    if kind in (FormField.Type.TEXT, FormField.Type.LONG_TEXT):
        if field.max_length:
            attrs["data-maxlength"] = field.max_length
        if kind == FormField.Type.LONG_TEXT:
            attrs["rows"] = 8
            return forms.CharField(strip=False, widget=forms.Textarea(attrs=attrs), **common)
        return forms.CharField(strip=False, widget=forms.TextInput(attrs=attrs), **common)
    if kind == FormField.Type.CHOICE:
        return forms.ChoiceField(
            choices=_choices(field, blank=True), widget=forms.Select(attrs=attrs), **common
        )
    if kind == FormField.Type.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=_choices(field, blank=False), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == FormField.Type.NUMBER:
        attrs["inputmode"] = "decimal"
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == FormField.Type.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={**attrs, "type": "date"}), **common)
    raise ValueError(kind)


def answerable(fields: list[FormField]) -> list[FormField]:
    """The questions answered in the form itself (documents are uploaded apart)."""
    return [f for f in fields if f.type != FormField.Type.FILE]


class DraftForm(forms.Form):
    """Title, acronym and one field per question of the call at the application's stage."""

    title = forms.CharField(label=_("Titre du projet"), required=False, strip=False)
    acronym = forms.CharField(label=_("Acronyme"), required=False, strip=False)
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "draft-version"}))

    def __init__(self, *args: Any, form_fields: list[FormField], application: Application, **kwargs: Any):
        if not args and "data" not in kwargs:
            answers = application.answers or {}
            initial = {
                "title": application.title,
                "acronym": application.acronym,
                "version": application.version,
            }
            for field in answerable(form_fields):
                initial[answer_name(field)] = answers.get(
                    field.key, [] if field.type == "multiple_choice" else ""
                )
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update({"data-maxlength": 300, "aria-required": "true"})
        self.fields["acronym"].widget.attrs.update({"data-maxlength": 40})
        self.form_fields = answerable(form_fields)
        for field in self.form_fields:
            name = answer_name(field)
            self.fields[name] = _answer_field(field)
            if field.max_length and field.type in (FormField.Type.TEXT, FormField.Type.LONG_TEXT):
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-count"

    def answers(self) -> dict[str, Any]:
        """What was typed, by question key (an emptied answer clears the stored one)."""
        out: dict[str, Any] = {}
        for field in self.form_fields:
            value = self.cleaned_data.get(answer_name(field))
            if field.type == FormField.Type.MULTIPLE_CHOICE:
                out[field.key] = list(value) if value else None
            else:
                out[field.key] = value if value not in (None, "") else None
        return out

    def bound_answer(self, field: FormField) -> forms.BoundField:
        return self[answer_name(field)]


class PartnerForm(forms.Form):
    """A partner team (from the directory, or a new one) and the e-mail of its contact."""

    team = forms.ModelChoiceField(
        label=_("Équipe de l'annuaire"), queryset=Team.objects.all(), required=False, widget=forms.RadioSelect
    )
    new_team_name = forms.CharField(
        label=_("ou nouvelle équipe (hors annuaire)"), max_length=255, required=False
    )
    institution_name = forms.CharField(
        label=_("Institution de la nouvelle équipe"), max_length=255, required=False
    )
    email = forms.EmailField(
        label=_("E-mail du ou de la responsable"),
        help_text=_("Un lien lui est envoyé pour rejoindre la candidature."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("team") and not (data.get("new_team_name") or "").strip():
            self.add_error("team", _("Choisissez une équipe de l'annuaire ou nommez la nouvelle équipe."))
        return data


class LeadTeamForm(forms.Form):
    """The lead team: a directory team (one of the applicant's, or found by a search; radio
    ``team``) or a new team outside the directory, named with its institution."""

    team = forms.ModelChoiceField(
        label=_("Équipe de l'annuaire"), queryset=Team.objects.all(), required=False, widget=forms.RadioSelect
    )
    new_team_name = forms.CharField(label=_("Nom de la nouvelle équipe"), max_length=255, required=False)
    institution_name = forms.CharField(
        label=_("Institution de la nouvelle équipe"),
        max_length=255,
        required=False,
        help_text=_(
            "Elle compte pour les règles d'éligibilité (institution membre, institutions distinctes)."
        ),
    )

    def __init__(self, *args: Any, current: ApplicationTeam | None = None, **kwargs: Any):
        self.current = current
        if current is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "team": current.team_id,
                "new_team_name": current.new_team_name,
                "institution_name": "" if current.team_id else current.institution_label,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name = (data.get("new_team_name") or "").strip()
        if data.get("team") and name:
            self.add_error(
                "new_team_name",
                _("Choisissez une équipe de l'annuaire ou nommez une nouvelle équipe, pas les deux."),
            )
        elif not data.get("team") and not name:
            self.add_error("team", _("Choisissez une équipe de l'annuaire ou nommez la nouvelle équipe."))
        # a new team keeps the directory institution it already had when its label is unchanged
        current = self.current
        kept = (
            name
            and current is not None
            and current.institution_id
            and not current.team_id
            and (data.get("institution_name") or "").strip() == current.institution_label
        )
        data["institution"] = current.institution if kept and current is not None else None
        return data


class BudgetLineForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Équipe"), queryset=ApplicationTeam.objects.none(), required=False)
    category = forms.ModelChoiceField(label=_("Poste"), queryset=BudgetCategory.objects.none())
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = forms.CharField(
        label=_("Montant (€)"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    is_single_item = forms.BooleanField(label=_("Article unique"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, application: Application, teams: list[ApplicationTeam], **kwargs: Any):
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        team_field.queryset = ApplicationTeam.objects.filter(application=application)
        team_field.choices = [("", _("— non affecté —"))] + [(t.pk, t.team_label) for t in teams]
        self.fields["category"].queryset = BudgetCategory.objects.filter(call_id=application.call_id)
        self.fields["category"].empty_label = _("— choisir —")


class UploadForm(forms.Form):
    # an empty file reaches the service, which says so with the file's name
    file = forms.FileField(label=_("Fichier"), allow_empty_file=True)


class SubmitForm(forms.Form):
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_(
            "Je certifie que les informations de cette candidature sont exactes et que les partenaires en ont connaissance."
        )
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
