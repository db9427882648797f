from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.permissions import registered_scopes


def _scope_choices() -> list[tuple[str, str]]:
    return [(s.code, f"{s.label} ({s.code})") for s in registered_scopes()]


class TokenForm(forms.Form):
    """Shape only: the rules (known scopes, future expiry, unique name) are in ``create_token``."""

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour le reconnaître : le script ou l'outil qui l'utilisera."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Portées"),
        choices=_scope_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ce que le jeton permet de faire. Choisissez le strict nécessaire."),
    )
    expires_at = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Le jeton cesse de fonctionner à la fin de ce jour. Laissez vide pour un jeton sans expiration."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].widget.attrs["min"] = (timezone.localdate() + timedelta(days=1)).isoformat()
        if not self.is_bound:
            self.initial.setdefault("scopes", [code for code, _label in _scope_choices()][:1])

    def clean_expires_at(self) -> datetime | None:
        day: date | None = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        # the end of that day, local time (Europe/Paris)
        return timezone.make_aware(datetime.combine(day, time.max))
