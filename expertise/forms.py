"""Forms of the expertise pages: they parse and validate; the searches live in the selectors."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.identifiers import normalise_orcid
from directory.models import CareerStage, Institution, Person
from directory.services import fold

MAX_QUERY = 500
MAX_TEXT = 20_000  # characters of a text to match with reviewers (an abstract is ~2,000)
MAX_EXCLUDED = 50


class ExpertSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sujet recherché"),
        required=False,
        max_length=MAX_QUERY,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Ex. : transcriptomique spatiale des gliomes pédiatriques"),
            }
        ),
    )
    institution = forms.TypedChoiceField(
        label=_("Établissement"), required=False, coerce=int, empty_value=None
    )
    career_stage = forms.ChoiceField(
        label=_("Situation"), required=False, choices=[("", _("Toutes"))] + list(CareerStage.choices)
    )
    exclude_mine = forms.BooleanField(label=_("Hors de mon établissement"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Tous les établissements"))] + [
            (pk, f"{name} ({acronym})" if acronym else name)
            for pk, name, acronym in Institution.objects.order_by("name").values_list("pk", "name", "acronym")
        ]


class CollaboratorsForm(forms.Form):
    include_coauthors = forms.BooleanField(label=_("Inclure mes co-auteurs"), required=False)


class SuggestReviewersForm(forms.Form):
    text = forms.CharField(
        label=_("Texte à évaluer"),
        help_text=_("Titre et résumé du projet ou du manuscrit (français ou anglais)."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    exclude_people = forms.CharField(
        label=_("Personnes à exclure"),
        required=False,
        help_text=_("Une par ligne : « Prénom Nom », ORCID ou numéro de fiche (les porteurs du projet)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    exclude_institutions = forms.ModelMultipleChoiceField(
        label=_("Établissements à exclure"),
        required=False,
        queryset=Institution.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    coauthor_years = forms.IntegerField(
        label=_("Co-publications prises en compte (années)"), min_value=1, max_value=30, initial=5
    )
    hide_conflicts = forms.BooleanField(label=_("Masquer les personnes en conflit possible"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.truncated = False

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) > MAX_TEXT:
            self.truncated = True  # the view says so; the first part is what gets matched
            text = text[:MAX_TEXT]
        return text

    def clean_exclude_people(self) -> list[Person]:
        lines = [line.strip() for line in self.cleaned_data["exclude_people"].splitlines() if line.strip()]
        if len(lines) > MAX_EXCLUDED:
            raise forms.ValidationError(_("Au plus %(n)d personnes.") % {"n": MAX_EXCLUDED})
        found: list[Person] = []
        unknown: list[str] = []
        ambiguous: list[str] = []
        for line in lines:
            matches = _people_matching(line)
            if len(matches) == 1:
                found.append(matches[0])
            elif matches:
                ambiguous.append(line)
            else:
                unknown.append(line)
        errors = []
        if unknown:
            errors.append(_("Introuvable : %(names)s.") % {"names": ", ".join(unknown)})
        if ambiguous:
            errors.append(
                _("Plusieurs fiches pour : %(names)s (donnez l'ORCID ou le numéro de fiche).")
                % {"names": ", ".join(ambiguous)}
            )
        if errors:
            raise forms.ValidationError(errors)
        return found


def _people_matching(line: str) -> list[Person]:
    if line.isdigit():
        return list(Person.objects.filter(pk=int(line)))
    try:
        orcid = normalise_orcid(line)
    except ValueError:
        orcid = ""
    if orcid:
        return list(Person.objects.filter(orcid=orcid))
    words = fold(line).split()
    if len(words) < 2:
        return []
    people = Person.objects.all()
    for word in words:
        people = people.filter(search_text__contains=word)
    named = [p for p in people[:20] if set(fold(f"{p.first_name} {p.last_name}").split()) >= set(words)]
    return named[:5]
