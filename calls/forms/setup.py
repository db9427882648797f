"""Forms of the secretariat's call configuration. They validate what was typed and hand a ``data``
dict to a service of ``calls.services``; they never save (``_post_clean`` builds no instance, so
the service sees exactly what changed).

Dates are typed in Europe/Paris as a day and a time (noon by default); the rule form is drawn
from the rule class's parameter schema (``calls.eligibility.base.Param``).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.eligibility.base import Param, Rule
from calls.models import (
    PARIS,
    BudgetCategory,
    Call,
    DocumentRequirement,
    EligibilityRule,
    EvaluationCriterion,
    FormField,
    FormSection,
    Programme,
    StageScope,
    paris_datetime,
)

NOON = dt.time(12, 0)


class ServiceModelForm(forms.ModelForm):
    """A model form that never touches its instance: the service applies ``data()``."""

    wide = ("description_fr", "description_en", "summary_fr", "summary_en", "text_fr", "text_en")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 8 if name.startswith("text_") else 3

    def _post_clean(self) -> None:
        """No ``construct_instance`` and no model validation: the service does both."""

    def save(self, commit: bool = True) -> Any:
        raise NotImplementedError("Call-configuration forms never save: call a calls service.")

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class VersionedForm(ServiceModelForm):
    """An edit form that carries the version the editor started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def rebase(self, version: int) -> None:
        """After a refused stale edit: the form keeps what was typed but now starts from the
        saved ``version``, so that saving again (having seen that version) is a deliberate choice."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("version")] = str(version)
        self.data = data


class ProgrammeForm(VersionedForm):
    class Meta:
        model = Programme
        fields = ("name_fr", "name_en", "kind", "description_fr", "description_en", "is_active")


# --- the call ------------------------------------------------------------------------------


def _split(moment: dt.datetime | None) -> tuple[dt.date | None, dt.time]:
    if moment is None:
        return None, NOON
    local = moment.astimezone(PARIS)
    return local.date(), local.time().replace(microsecond=0)


class CallForm(VersionedForm):
    """The call's own fields. Each instant is typed as a day and a time, Paris time."""

    DATES = (
        ("opens_at", gettext_lazy("Ouverture")),
        ("closes_at", gettext_lazy("Date limite (ou des lettres d'intention)")),
        ("full_stage_closes_at", gettext_lazy("Date limite des dossiers complets")),
    )

    opens_at_day = forms.DateField(label=gettext_lazy("Ouverture — jour"), required=False)
    opens_at_time = forms.TimeField(label=gettext_lazy("Ouverture — heure"), required=False)
    closes_at_day = forms.DateField(label=gettext_lazy("Date limite — jour"), required=False)
    closes_at_time = forms.TimeField(label=gettext_lazy("Date limite — heure"), required=False)
    full_stage_closes_at_day = forms.DateField(label=gettext_lazy("Dossiers complets — jour"), required=False)
    full_stage_closes_at_time = forms.TimeField(
        label=gettext_lazy("Dossiers complets — heure"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Explication de la modification (montrée aux candidats)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Call
        fields = (
            "programme",
            "year",
            "title_fr",
            "title_en",
            "summary_fr",
            "summary_en",
            "text_fr",
            "text_en",
            "contact_email",
            "budget_envelope",
            "ceiling_per_project",
            "duration_min_months",
            "duration_max_months",
            "stages",
            "salaries_allowed",
        )
        widgets = {"stages": forms.RadioSelect}

    fieldsets: tuple[tuple[Promise, tuple[str, ...]], ...] = (
        (gettext_lazy("Programme et titre"), ("programme", "year", "title_fr", "title_en", "contact_email")),
        (gettext_lazy("Textes"), ("summary_fr", "summary_en", "text_fr", "text_en")),
        (
            gettext_lazy("Financement et durée"),
            (
                "budget_envelope",
                "ceiling_per_project",
                "duration_min_months",
                "duration_max_months",
                "salaries_allowed",
            ),
        ),
        (gettext_lazy("Étapes"), ("stages",)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("-is_active", "name_fr")
        self.fields["programme"].empty_label = _("— choisir un programme —")
        if self.instance.pk is None and not self.initial.get("year"):
            self.initial["year"] = timezone.localdate().year + 1
        for name, _label in self.DATES:
            day, time = _split(getattr(self.instance, name))
            self.fields[f"{name}_day"].initial = day
            self.fields[f"{name}_day"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields[f"{name}_time"].initial = time
            self.fields[f"{name}_time"].widget = forms.TimeInput(
                attrs={"type": "time", "step": 60}, format="%H:%M"
            )
            self.fields[f"{name}_time"].help_text = _("Heure de Paris ; midi par défaut.")
        if self.instance.pk and self.instance.is_published:
            self.fields["programme"].disabled = True
            self.fields["stages"].disabled = True
            self.fields["programme"].help_text = _("Ne change plus une fois l'appel publié.")
            self.fields["stages"].help_text = _("Ne change plus une fois l'appel publié.")
        else:
            del self.fields["note"]

    def date_rows(self) -> list[tuple[Promise, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"{name}_day"], self[f"{name}_time"]) for name, label in self.DATES]

    def grouped_fields(self) -> list[tuple[Promise, list[forms.BoundField]]]:
        return [(legend, [self[n] for n in names if n in self.fields]) for legend, names in self.fieldsets]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, _label in self.DATES:
            day, time = cleaned.get(f"{name}_day"), cleaned.get(f"{name}_time")
            cleaned[name] = paris_datetime(day, time or NOON) if day else None
        return cleaned

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        for name, _label in self.DATES:
            data[name] = self.cleaned_data.get(name)
        if self.instance.pk and self.instance.is_published:
            data.pop("programme", None)
            data.pop("stages", None)
        return data

    @property
    def change_note(self) -> str:
        return str(self.cleaned_data.get("note") or "")


class CopyCallForm(forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("Appel à copier"), queryset=Call.objects.none(), empty_label=None
    )
    years = forms.IntegerField(
        label=gettext_lazy("Décaler les dates de (années)"),
        min_value=0,
        max_value=10,
        initial=1,
        help_text=gettext_lazy(
            "Les dates gardent leur heure de Paris ; l'année est remplacée dans les titres."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Call.objects.select_related("programme").order_by(
            "-year", "title_fr"
        )
        self.fields["source"].label_from_instance = lambda c: f"{c.year} — {c.title_fr} ({c.programme})"


# --- what is configured on a call ----------------------------------------------------------


class ItemForm(VersionedForm):
    """A section, field, document, category, criterion or rule of ``call``. The stage is asked
    only of a two-stage call; an edit carries the item's version (see ``VersionedForm``)."""

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        self.call = call
        super().__init__(*args, **kwargs)
        if "stage" in self.fields and not call.is_two_stage:
            del self.fields["stage"]
        if call.is_published:
            self.fields["note"] = forms.CharField(
                label=_("Explication de la modification (montrée aux candidats)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def change_note(self) -> str:
        return str(self.cleaned_data.get("note") or "")

    def compare_with(self, saved: "ItemForm") -> list[tuple[str, str, str, bool]]:
        """(label, saved value, typed value, differ?) for each visible field, ``saved`` being an
        unbound form of the item as it is now stored: what a refused stale edit shows side by side."""
        rows = []
        for name, field in self.fields.items():
            if name == "note" or field.widget.is_hidden:
                continue
            stored = _display(field, saved[name].initial)
            raw = isinstance(field, forms.CharField) or name not in self.cleaned_data
            typed = _display(field, self[name].value() if raw else self.cleaned_data[name])
            rows.append((str(field.label or name), stored, typed, stored != typed))
        return rows


def _display(field: forms.Field, value: Any) -> str:
    """A field's value as a person reads it: choice labels, the object's name, Oui/Non."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.BooleanField):
        return _("Oui") if value else _("Non")
    if isinstance(field, forms.ModelChoiceField):
        if not isinstance(value, Model) and field.queryset is not None:
            value = field.queryset.filter(pk=value).first()
        return str(value) if value is not None else "—"
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): str(label) for key, label in getattr(field, "choices", [])}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value).replace("\r\n", "\n").strip() or "—"


class SectionForm(ItemForm):
    class Meta:
        model = FormSection
        fields = ("title_fr", "title_en", "intro_fr", "intro_en")


class FieldForm(ItemForm):
    choices_text = forms.CharField(
        label=gettext_lazy("Choix proposés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Pour un champ à choix : un choix par ligne, « valeur | libellé français | libellé anglais »."
        ),
    )

    class Meta:
        model = FormField
        fields = (
            "section",
            "label_fr",
            "label_en",
            "key",
            "type",
            "required",
            "max_length",
            "min_value",
            "max_value",
            "document",
            "help_fr",
            "help_en",
            "stage",
        )

    field_order = (
        "section",
        "label_fr",
        "label_en",
        "key",
        "type",
        "required",
        "choices_text",
        "max_length",
        "min_value",
        "max_value",
        "document",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = FormSection.objects.filter(call=self.call)
        self.fields["section"].empty_label = _("— sans section —")
        self.fields["document"].queryset = DocumentRequirement.objects.filter(call=self.call)
        self.fields["document"].label = _("Pièce demandée (champ « document joint »)")
        self.fields["key"].help_text = _("Nom de la réponse dans les exports, ex. « resume_projet ».")
        self.fields["max_length"].help_text = _("Pour un texte ; vide pour ne pas limiter.")
        self.fields["min_value"].help_text = _("Pour un nombre.")
        lines = [
            " | ".join(
                [str(c.get("value", "")), str(c.get("label_fr", "")), str(c.get("label_en", ""))]
            ).rstrip(" |")
            for c in self.instance.choices or []
            if isinstance(c, dict)
        ]
        self.fields["choices_text"].initial = "\n".join(lines)

    def clean_choices_text(self) -> list[dict[str, str]]:
        choices = []
        for number, line in enumerate(str(self.cleaned_data.get("choices_text") or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            value = parts[0]
            label_fr = parts[1] if len(parts) > 1 and parts[1] else value
            label_en = parts[2] if len(parts) > 2 else ""
            if not value:
                raise forms.ValidationError(_("Ligne %(n)s : la valeur manque.") % {"n": number})
            choices.append({"value": value, "label_fr": label_fr, "label_en": label_en})
        return choices

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        data["choices"] = self.cleaned_data.get("choices_text") or []
        if data.get("type") not in (FormField.Type.CHOICE, FormField.Type.MULTIPLE_CHOICE):
            data["choices"] = []
        return data


class DocumentForm(ItemForm):
    allowed_types = forms.MultipleChoiceField(
        label=gettext_lazy("Formats acceptés"),
        choices=DocumentRequirement.FileType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["pdf"],
    )

    class Meta:
        model = DocumentRequirement
        fields = (
            "label_fr",
            "label_en",
            "allowed_types",
            "max_size_mb",
            "required",
            "help_fr",
            "help_en",
            "stage",
        )


class BudgetCategoryForm(ItemForm):
    class Meta:
        model = BudgetCategory
        fields = ("label_fr", "label_en", "kind", "max_share", "max_per_item", "is_salary")


class CriterionForm(ItemForm):
    class Meta:
        model = EvaluationCriterion
        fields = ("label_fr", "label_en", "weight", "scale_max", "description_fr", "description_en")


# --- eligibility rules: a form drawn from the rule's parameter schema ----------------------


def _param_field(param: Param, call: Call) -> forms.Field:
    common: dict[str, Any] = {"label": param.label, "required": param.required, "help_text": param.help}
    if param.kind == "int":
        return forms.IntegerField(min_value=param.minimum, max_value=param.maximum, **common)
    if param.kind == "decimal":
        return forms.DecimalField(min_value=param.minimum, max_value=param.maximum, **common)
    if param.kind == "choice":
        options = [(str(v), str(label)) for v, label in (param.choices() if param.choices else [])]
        return forms.ChoiceField(choices=[("", "—"), *options], **common)
    if param.kind == "choices":
        options = [(str(v), str(label)) for v, label in (param.choices() if param.choices else [])]
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    keys = [(f.key, f"{f.label_fr} ({f.key})") for f in call.fields.all()]
    if not common["help_text"]:
        common["help_text"] = _("Un champ du formulaire de candidature de l'appel.")
    return forms.ChoiceField(choices=[("", "—"), *keys], **common)


class RuleForm(ItemForm):
    """``param_<name>`` fields from the rule's schema, then the stage and the public wording."""

    class Meta:
        model = EligibilityRule
        fields = ("stage", "message")
        widgets = {"message": forms.TextInput}

    def __init__(self, *args: Any, definition: Rule, **kwargs: Any) -> None:
        self.definition = definition
        super().__init__(*args, **kwargs)
        params = dict(self.instance.params or {})
        fields: dict[str, forms.Field] = {}
        for param in definition.params_schema:
            field = _param_field(param, self.call)
            if param.name in params:
                field.initial = params[param.name]
            fields[f"param_{param.name}"] = field
        self.fields = {**fields, **self.fields}
        self.fields["message"].help_text = _(
            "Laisser vide pour montrer la phrase générée ci-dessous (aperçu)."
        )

    def param_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("param_")]

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for param in self.definition.params_schema:
            value = self.cleaned_data.get(f"param_{param.name}")
            if value in (None, "", []):
                continue
            out[param.name] = str(value) if param.kind == "decimal" else value
        return out

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        data["code"] = self.definition.code
        data["params"] = self.params()
        data.setdefault("stage", self.instance.stage or StageScope.ALL)
        return data
