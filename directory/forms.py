"""Forms of the directory back office and of a person's own profile.

Forms only validate what people type: fields come from the models (labels, choices, lengths),
but a form never saves. Views hand ``service_kwargs()`` to the services of
``directory.services``, which normalise identifiers, check the version the editor started from,
write and record the audit entry; their ``InvalidInput`` errors come back onto the named field.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory.models import (
    Affiliation,
    Institution,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
    Visibility,
)
from directory.selectors import (
    PersonFilters,
    current_affiliations,
    search_institutions,
    search_people,
    search_teams,
    search_units,
)
from directory.services import fold

# --- choosing among many rows: a search box that lists matches (HTMX) ----------------------


def _person_label(person: Person) -> str:
    places = getattr(person, "current_affiliations", None) or []
    where = ", ".join(dict.fromkeys(str(a.unit or a.institution.short_name) for a in places[:2]))
    return f"{person.last_name.upper()} {person.first_name}" + (f" — {where}" if where else "")


def _unit_label(unit: Unit) -> str:
    parents = ", ".join(p.short_name for p in unit.parents.all())
    name = unit.name if unit.acronym and unit.acronym != unit.name else ""
    return " — ".join(part for part in (str(unit), name, parents) if part)


def _team_label(team: Team) -> str:
    return f"{team.name} — {team.unit}"


@dataclass(frozen=True)
class ChoiceSource:
    """Where a searchable chooser takes its rows from, and how it names them."""

    rows: Callable[[], QuerySet[Any]]  # rows looked up by id, with what the label needs
    search: Callable[[str, Any], QuerySet[Any]]  # (query, viewer) -> matching rows
    label: Callable[[Any], str]


CHOICE_SOURCES: dict[str, ChoiceSource] = {
    "people": ChoiceSource(
        rows=lambda: Person.objects.prefetch_related(
            Prefetch("affiliations", queryset=current_affiliations(), to_attr="current_affiliations")
        ),
        search=lambda q, viewer: search_people(PersonFilters(q=q), viewer=viewer),
        label=_person_label,
    ),
    "units": ChoiceSource(
        rows=lambda: Unit.objects.prefetch_related("parents"),
        search=lambda q, viewer: search_units(q),
        label=_unit_label,
    ),
    "teams": ChoiceSource(
        rows=lambda: Team.objects.select_related("unit"),
        search=lambda q, viewer: search_teams(q),
        label=_team_label,
    ),
    "institutions": ChoiceSource(
        rows=lambda: Institution.objects.all(),
        search=lambda q, viewer: search_institutions(q),
        label=str,
    ),
}


def choice_items(source: str, ids: Iterable[str]) -> list[tuple[str, str]]:
    """(id, label) of the rows ``ids`` of ``source``, in the given order (one query)."""
    wanted = [str(i) for i in ids if str(i).isdigit()]
    if not wanted:
        return []
    spec = CHOICE_SOURCES[source]
    found = {str(obj.pk): spec.label(obj) for obj in spec.rows().filter(pk__in=wanted)}
    return [(pk, found[pk]) for pk in wanted if pk in found]


class SearchSelect(forms.Widget):
    """A chooser for long lists (3,000+ people): the chosen rows as checkboxes (or radio buttons
    for a single choice) and a search box that asks the server for matching rows.

    Works without JavaScript for what is already chosen; HTMX adds the search.
    """

    template_name = "directory/backoffice/widget_search_select.html"

    def __init__(self, source: str, *, multiple: bool = False, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.multiple = multiple
        self.choices: Any = []

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an empty list of checkboxes sends nothing: that means "none chosen"

    def format_value(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            source=self.source,
            multiple=self.multiple,
            optional=not self.is_required,
            selected=choice_items(self.source, context["widget"]["value"]),
            url=reverse("directory:bo_choices", args=[self.source]),
        )
        return context


_SOURCE_MODELS: dict[str, type[Model]] = {
    "people": Person,
    "units": Unit,
    "teams": Team,
    "institutions": Institution,
}


def chooser(
    source: str, label: Promise, *, multiple: bool = False, required: bool = True, **kwargs: Any
) -> Any:
    """A model choice field over ``source``, shown as a ``SearchSelect``."""
    field_class = forms.ModelMultipleChoiceField if multiple else forms.ModelChoiceField
    queryset = _SOURCE_MODELS[source]._default_manager.all()
    widget = SearchSelect(source, multiple=multiple)
    return field_class(queryset=queryset, label=label, required=required, widget=widget, **kwargs)


# --- keywords typed as text --------------------------------------------------------------


class KeywordsInput(forms.TextInput):
    """A text box for comma-separated keywords, with clickable suggestions."""

    template_name = "directory/backoffice/widget_keywords.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suggestions: list[str] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions"] = self.suggestions
        return context


class KeywordsField(forms.CharField):
    widget = KeywordsInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Séparés par des virgules, par exemple : immunothérapie, lymphomes, radiobiologie."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple | QuerySet):
            return ", ".join(getattr(k, "label", str(k)) for k in value)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = {fold(k) for k in self.to_python(self.prepare_value(initial) or "")}
        return before != {fold(k) for k in self.to_python(data)}

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        labels = [" ".join(part.split()) for part in re.split(r"[,;\n]", text)]
        return list(dict.fromkeys(label for label in labels if label))

    def validate(self, value: Any) -> None:
        super().validate(value)
        too_long = [label for label in value if len(label) > 120]
        if too_long:
            raise forms.ValidationError(
                _("Un mot-clé ne peut dépasser 120 caractères : « %(k)s ».") % {"k": too_long[0][:40]}
            )
        if len(value) > 40:
            raise forms.ValidationError(_("Indiquez au plus 40 mots-clés."))


def identifier_field(label: Promise, help_text: Promise) -> forms.CharField:
    """Identifiers are checked by the service (check digits): the form accepts pasted URLs."""
    return forms.CharField(label=label, help_text=help_text, required=False, max_length=100)


ORCID_HELP = _("16 caractères, par exemple 0000-0002-1825-0097. Vous pouvez coller l'adresse orcid.org.")
IDREF_HELP = _("Huit chiffres suivis d'un chiffre ou de X, par exemple 02682216X.")
RNSR_HELP = _("Neuf chiffres suivis d'une lettre, par exemple 200717524X.")
ROR_HELP = _("Neuf caractères commençant par 0, par exemple 02vjkv261. Vous pouvez coller l'adresse ror.org.")

# --- the base of every back-office form -----------------------------------------------------


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ServiceMeta:
    """Base of every back-office form's ``Meta``."""

    formfield_callback = staticmethod(_formfield)


class ServiceForm(forms.ModelForm):
    """Fields from the model, validation in the form, the write in a service (never ``save``).

    An edit form carries the version the editor started from, so that the service refuses to
    overwrite a change saved in the meantime.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Form fields that the service takes as their own keyword argument (many-to-many, keywords).
    relations: tuple[str, ...] = ()
    fieldsets: tuple[tuple[Promise, tuple[str, ...]], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 4)

    def _post_clean(self) -> None:
        """No ``construct_instance`` and no model validation: the service does both."""

    def save(self, commit: bool = True) -> Model:
        raise NotImplementedError("Back-office forms never save: call the directory service.")

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def model_data(self) -> dict[str, Any]:
        skip = {"version", *self.relations, *self.extra_names()}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def extra_names(self) -> list[str]:
        return []

    def service_kwargs(self) -> dict[str, Any]:
        """``data`` for the model's own fields, then each relation (``None`` when left unchanged,
        which the services read as "keep as is", so the audit lists only real changes)."""
        is_new = self.instance.pk is None
        relations = {
            name: self.cleaned_data[name] if is_new or name in self.changed_data else None
            for name in self.relations
        }
        return {"data": self.model_data(), **relations}

    def grouped_fields(self) -> list[tuple[Promise | str, list[forms.BoundField]]]:
        """The visible fields by fieldset, then those no fieldset names."""
        used: set[str] = {"version", *self.extra_names()}
        groups: list[tuple[Promise | str, list[forms.BoundField]]] = []
        for legend, names in self.fieldsets:
            groups.append((legend, [self[name] for name in names if name in self.fields]))
            used.update(names)
        rest = [bf for bf in self.visible_fields() if bf.name not in used]
        if rest:
            groups.append((_("Autres informations"), rest))
        return groups


VISIBILITY_LABELS: dict[str, Promise] = {
    "email": _("E-mail"),
    "phone": _("Téléphone"),
    "orcid": _("ORCID"),
    "idref": _("IdRef"),
    "bio": _("Présentation"),
    "keywords": _("Mots-clés d'expertise"),
    "affiliations": _("Affiliations"),
}


class VisibilityFieldsMixin:
    """One radio group per field a person may show or hide (public / network / staff)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    instance: Person

    def add_visibility_fields(self) -> None:
        for name in Person.VISIBILITY_DEFAULTS:
            self.fields[f"visibility_{name}"] = forms.ChoiceField(
                label=VISIBILITY_LABELS[name],
                choices=Visibility.choices,
                initial=self.instance.visibility_of(name),
                widget=forms.RadioSelect,
            )

    def visibility_names(self) -> list[str]:
        return [f"visibility_{name}" for name in Person.VISIBILITY_DEFAULTS]

    def visibility_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.visibility_names()]  # type: ignore[index]

    def visibility(self) -> dict[str, str]:
        """The levels the person changed (the others keep their current value)."""
        chosen = {name: self.cleaned_data[f"visibility_{name}"] for name in Person.VISIBILITY_DEFAULTS}
        return {name: level for name, level in chosen.items() if level != self.instance.visibility_of(name)}


# --- one form per kind of record ---------------------------------------------------------------

Fieldsets = tuple[tuple[Promise, tuple[str, ...]], ...]


def names_of(fieldsets: Fieldsets) -> list[str]:
    return [name for _legend, names in fieldsets for name in names]


INSTITUTION_FIELDSETS: Fieldsets = (
    (_("Identité"), ("name", "acronym", "kind", "category", "is_research_body", "ror", "website", "logo")),
    (_("Présentation"), ("description",)),
    (_("Adresse et position sur la carte"), ("street", "postcode", "city", "latitude", "longitude")),
)


class InstitutionForm(ServiceForm):
    ror = identifier_field(_("Identifiant ROR"), ROR_HELP)
    fieldsets = INSTITUTION_FIELDSETS

    class Meta(ServiceMeta):
        model = Institution
        fields = names_of(INSTITUTION_FIELDSETS)
        help_texts = {
            "kind": _("Les institutions membres paient une cotisation et siègent à l'assemblée générale."),
            "latitude": _("En degrés décimaux, par exemple 48.8422 : place l'institution sur la carte."),
            "longitude": _("En degrés décimaux, par exemple 2.3441."),
        }

    def model_data(self) -> dict[str, Any]:
        data = super().model_data()
        if "logo" not in self.changed_data:
            data.pop("logo", None)
        elif data.get("logo") is False:  # "effacer" ticked
            data["logo"] = ""
        return data


UNIT_FIELDSETS: Fieldsets = (
    (_("Identité"), ("name", "acronym", "code", "rnsr", "city", "website")),
    (_("Tutelles et direction"), ("parents", "director")),
    (_("Présentation"), ("description",)),
)


class UnitForm(ServiceForm):
    rnsr = identifier_field(_("Numéro RNSR"), RNSR_HELP)
    parents = chooser(
        "institutions",
        _("Tutelles"),
        multiple=True,
        help_text=_("Les institutions de rattachement de l'unité (une ou plusieurs)."),
    )
    director = chooser("people", _("Directeur·rice"), required=False)
    relations = ("parents",)
    fieldsets = UNIT_FIELDSETS

    class Meta(ServiceMeta):
        model = Unit
        fields = names_of(UNIT_FIELDSETS)


TEAM_FIELDSETS: Fieldsets = (
    (_("Identité"), ("name", "unit", "rnsr", "website")),
    (_("Responsables et thématique"), ("leaders", "keywords", "description")),
)


class TeamForm(ServiceForm):
    rnsr = identifier_field(_("Numéro RNSR"), RNSR_HELP)
    unit = chooser("units", _("Unité"))
    leaders = chooser(
        "people",
        _("Responsables"),
        multiple=True,
        required=False,
        help_text=_("Cherchez par nom ; une équipe peut avoir deux responsables ou plus."),
    )
    keywords = KeywordsField(label=_("Mots-clés"))
    relations = ("leaders", "keywords")
    fieldsets = TEAM_FIELDSETS

    class Meta(ServiceMeta):
        model = Team
        fields = names_of(TEAM_FIELDSETS)


PERSON_FIELDSETS: Fieldsets = (
    (_("Identité"), ("first_name", "last_name", "gender", "career_stage", "title")),
    (_("Coordonnées et identifiants"), ("email", "phone", "orcid", "idref")),
    (_("Expertise"), ("keywords", "bio")),
)


class PersonForm(VisibilityFieldsMixin, ServiceForm):
    orcid = identifier_field(_("ORCID"), ORCID_HELP)
    idref = identifier_field(_("IdRef"), IDREF_HELP)
    keywords = KeywordsField(label=_("Expertise"))
    relations = ("keywords",)
    fieldsets = PERSON_FIELDSETS

    class Meta(ServiceMeta):
        model = Person
        fields = names_of(PERSON_FIELDSETS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_visibility_fields()

    def extra_names(self) -> list[str]:
        return self.visibility_names()

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "visibility": self.visibility()}


PROFILE_FIELDSETS: Fieldsets = (
    (_("Situation"), ("career_stage", "title")),
    (_("Coordonnées et identifiants"), ("phone", "orcid", "idref")),
    (_("Expertise"), ("keywords", "bio")),
)


class OwnProfileForm(PersonForm):
    """What a person may change on their own record (not their name, e-mail or affiliations)."""

    keywords = KeywordsField(
        label=_("Mots-clés d'expertise"),
        help_text=_(
            "Séparés par des virgules. Ils aident vos collègues et le secrétariat à vous trouver, "
            "par exemple pour une expertise."
        ),
    )
    fieldsets = PROFILE_FIELDSETS

    class Meta(ServiceMeta):
        model = Person
        fields = names_of(PROFILE_FIELDSETS)
        help_texts = {"bio": _("Quelques lignes sur vos travaux (4 000 caractères au plus).")}


PLATFORM_FIELDSETS: Fieldsets = (
    (_("Identité et hébergement"), ("name", "acronym", "host_institution", "host_unit", "site")),
    (_("Offre"), ("technologies", "description", "services", "equipment")),
    (_("Label"), ("label", "label_start", "label_end")),
    (_("Accès et tarifs"), ("access_conditions", "pricing")),
    (_("Contacts"), ("managers", "contact_email", "website")),
)


class PlatformForm(ServiceForm):
    host_unit = chooser("units", _("Unité hébergeuse"), required=False)
    managers = chooser(
        "people",
        _("Responsables"),
        multiple=True,
        required=False,
        help_text=_("Responsable scientifique, responsable technique…"),
    )
    technologies = KeywordsField(
        label=_("Technologies"),
        help_text=_("Séparées par des virgules, par exemple : protéomique, cytométrie en flux."),
    )
    relations = ("technologies", "managers")
    fieldsets = PLATFORM_FIELDSETS

    class Meta(ServiceMeta):
        model = Platform
        fields = names_of(PLATFORM_FIELDSETS)
        help_texts = {
            "site": _("Adresse ou campus où se trouve la plateforme."),
            "pricing": _("Grille tarifaire ou lien vers elle, pour les académiques et les industriels."),
        }


OFFICE_FIELDSETS: Fieldsets = (
    (_("Identité"), ("name", "acronym", "city", "institutions")),
    (_("Présentation et contact"), ("description", "contact_email", "website")),
)


class TechTransferOfficeForm(ServiceForm):
    institutions = chooser("institutions", _("Institutions servies"), multiple=True, required=False)
    relations = ("institutions",)
    fieldsets = OFFICE_FIELDSETS

    class Meta(ServiceMeta):
        model = TechTransferOffice
        fields = names_of(OFFICE_FIELDSETS)


# --- affiliations -----------------------------------------------------------------------------

AFFILIATION_FIELDSETS: Fieldsets = (
    (_("Où"), ("institution", "unit", "team")),
    (_("Poste et période"), ("position", "start", "end", "is_primary")),
)


class AffiliationForm(ServiceForm):
    unit = chooser(
        "units",
        _("Unité"),
        required=False,
        help_text=_("L'institution doit être une tutelle de cette unité."),
    )
    team = chooser(
        "teams",
        _("Équipe"),
        required=False,
        help_text=_("Si vous choisissez une équipe, son unité est reprise automatiquement."),
    )
    fieldsets = AFFILIATION_FIELDSETS

    class Meta(ServiceMeta):
        model = Affiliation
        fields = names_of(AFFILIATION_FIELDSETS)
        help_texts = {
            "position": _("Par exemple : chargée de recherche Inserm, PU-PH, post-doctorant."),
            "end": _("Laissez vide pour une affiliation en cours."),
            "is_primary": _("L'affiliation affichée en premier sur la fiche."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin doit être postérieure au début."))
        return data


class EndAffiliationForm(forms.Form):
    end = forms.DateField(
        label=_("Date de fin"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
