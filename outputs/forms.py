"""Forms of the publications pages: they check the shape of the input; services check the rules."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directory.models import Unit
from outputs.importing import MAX_FILE_BYTES
from outputs.models import PublicationImport

ACCEPT = ".xml,.nbib,.txt,.medline,.bib,.bibtex,.ris,.json,.csv"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier de références"),
        help_text=format_lazy(
            _(
                "PubMed (XML ou format MEDLINE .nbib), BibTeX, RIS, HAL (JSON), ORCID (JSON) ou CSV ; {mb} Mo au plus."
            ),
            mb=MAX_FILE_BYTES // (1024 * 1024),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Reconnaître automatiquement"))] + list(PublicationImport.Format.choices),
        required=False,
        help_text=_(
            "Le format est reconnu d'après le contenu du fichier ; choisissez-le si ce n'est pas le cas."
        ),
    )


class UnitImportForm(ImportForm):
    unit = forms.ModelChoiceField(
        label=_("Unité"),
        queryset=Unit.objects.order_by("name"),
        help_text=_("Les auteurs sont reconnus d'abord parmi les membres de cette unité."),
    )
    field_order = ["unit", "file", "format"]


class ReviewDecisionForm(forms.Form):
    """The choice for one ambiguous author: one of its candidates, or nobody of the directory."""

    NOBODY = "none"
    choice = forms.CharField()

    def __init__(self, *args: object, candidates: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.candidates = candidates

    def clean_choice(self) -> str:
        choice = self.cleaned_data["choice"]
        if choice != self.NOBODY and not (choice.isdigit() and int(choice) in self.candidates):
            raise forms.ValidationError(_("Choisissez une des personnes proposées, ou « aucune »."))
        return choice
