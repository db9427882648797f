"""Forms of the conflicts page: the table's filters and the override reason. The rules (who may
override, a reason is required, state) are in ``evaluation.services.conflicts``."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from evaluation.models import Campaign, Conflict
from evaluation.selectors.conflicts import STATE_ACTIVE, STATE_OVERRIDDEN, ConflictFilters, filter_choices


class ConflictFilterForm(forms.Form):
    """Filters of the table (GET; an unknown value is dropped, not an error)."""

    kind = forms.ChoiceField(label=_("Nature"), required=False)
    member = forms.TypedChoiceField(label=_("Expert·e"), required=False, coerce=int, empty_value=None)
    application = forms.TypedChoiceField(label=_("Dossier"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Actifs et levés")), (STATE_ACTIVE, _("Actifs")), (STATE_OVERRIDDEN, _("Levés"))],
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices(campaign)
        self.fields["kind"].choices = [("", _("Toutes natures")), *Conflict.Kind.choices]  # type: ignore[attr-defined]
        self.fields["member"].choices = [("", _("Tous les expert·es")), *choices["member"]]  # type: ignore[attr-defined]
        self.fields["application"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous les dossiers")),
            *choices["application"],
        ]

    def filters(self) -> ConflictFilters:
        """The valid filters (an invalid one is dropped)."""
        if not self.is_bound:
            return ConflictFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name) for name in self.fields if name not in self.errors}
        return ConflictFilters(
            kind=values.get("kind") or "",
            member=values.get("member"),
            application=values.get("application"),
            state=values.get("state") or "",
        )


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la levée"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pourquoi ce lien n'empêche pas une évaluation impartiale. Ce motif est conservé au journal."
        ),
        error_messages={"required": _("Indiquez pourquoi ce conflit est levé.")},
    )

    def add_domain_error(self, exc: DomainError) -> None:
        self.add_error(exc.field if exc.field in self.fields else None, exc.message)
