"""Turning the text of a cell into a field value, or a French reason to reject the row."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from directory import identifiers
from directory.importing.reading import header_key
from directory.models import CareerStage, Institution, Person, Platform
from directory.services import fold


class RowRejected(InvalidInput):
    """A row the import cannot apply; the message says why, in French."""


@dataclass(frozen=True)
class Choices:
    table: dict[str, str]  # header_key(what people write) → stored value
    labels: tuple[str, ...]  # what the rejection message suggests


def _aliases(choices: list[tuple[str, Any]], extra: dict[str, tuple[str, ...]]) -> Choices:
    table = {header_key(str(label)): value for value, label in choices}
    table.update({header_key(value): value for value, _label in choices if value})
    for value, names in extra.items():
        table.update({name: value for name in names})
    return Choices(table, tuple(str(label) for value, label in choices if value))


CAREER_STAGES = _aliases(
    CareerStage.choices,
    {
        "phd_student": (
            "doctorant",
            "doctorante",
            "doctorant e",
            "phd",
            "phd student",
            "these",
            "thesard",
            "thesarde",
        ),
        "postdoc": (
            "post doctorant",
            "post doctorante",
            "post doctorant e",
            "postdoctorant",
            "postdoctorante",
            "postdoc",
            "post doc",
        ),
        "researcher": (
            "chercheur",
            "chercheuse",
            "chercheur se",
            "researcher",
            "scientist",
            "cr",
            "dr",
            "crcn",
            "crhc",
            "dr1",
            "dr2",
            "drce",
            "charge de recherche",
            "chargee de recherche",
            "directeur de recherche",
            "directrice de recherche",
        ),
        "teacher_researcher": (
            "enseignant chercheur",
            "enseignante chercheuse",
            "enseignant e chercheur se",
            "mcf",
            "maitre de conferences",
            "maitresse de conferences",
            "pu",
            "professeur",
            "professeure",
            "professeur des universites",
        ),
        "clinician": (
            "clinicien",
            "clinicienne",
            "clinicien ne",
            "ph",
            "praticien hospitalier",
            "praticienne hospitaliere",
            "medecin",
            "oncologue",
            "clinician",
        ),
        "clinician_researcher": (
            "pu ph",
            "mcu ph",
            "puph",
            "mcuph",
            "hospitalo universitaire",
            "cca",
            "ahu",
            "chef de clinique",
            "phu",
        ),
        "engineer": (
            "ingenieur",
            "ingenieure",
            "ingenieur e",
            "ir",
            "ie",
            "engineer",
            "ingenieur de recherche",
            "ingenieur d etudes",
            "bioinformaticien",
            "bioinformaticienne",
        ),
        "technician": (
            "technicien",
            "technicienne",
            "technicien ne",
            "technician",
            "tch",
            "ai",
            "assistant ingenieur",
        ),
        "other": ("autre", "other"),
    },
)
INSTITUTION_KINDS = _aliases(
    Institution.Kind.choices,
    {
        "member": ("membre", "member", "membre fondateur"),
        "partner": ("partenaire", "partner", "associe"),
        "other": ("autre", "other"),
    },
)
INSTITUTION_CATEGORIES = _aliases(
    Institution.Category.choices,
    {
        "university": ("universite", "university", "ecole", "grande ecole"),
        "research_org": ("organisme de recherche", "organisme", "epst", "epic", "research organisation"),
        "hospital": ("hopital", "chu", "hopital chu", "hospital", "groupe hospitalier"),
        "cancer_centre": ("centre de lutte contre le cancer", "clcc", "cancer centre", "cancer center"),
        "foundation": ("fondation", "institut", "foundation", "fondation institut"),
        "association": ("association", "reseau", "association reseau"),
        "company": ("entreprise", "societe", "start up", "company"),
        "public_body": ("organisme public", "agence", "public body", "collectivite"),
    },
)
GENDERS = _aliases(
    [c for c in Person.Gender.choices if c[0]],
    {
        "woman": ("femme", "f", "mme", "madame", "woman"),
        "man": ("homme", "h", "m", "mr", "monsieur", "man"),
        "other": ("autre", "other"),
    },
)
PLATFORM_LABELS = _aliases(
    Platform.Label.choices,
    {
        "": ("aucun", "none", "non", "sans"),
        "ibisa": ("ibisa", "label ibisa"),
        "ibisa_2y": ("ibisa 2 ans", "label 2 ans", "ibisa label 2 ans"),
        "ibisa_pre": ("pre label", "prelabel", "ibisa pre label", "pre labellisee"),
        "canceropole": (
            "canceropole",
            "label canceropole",
            "canceropole ile de france",
            "plateforme labellisee canceropole",
        ),
        "other": ("autre", "autre label", "other"),
    },
)


def choice(value: str, choices: Choices, label: str) -> str:
    key = header_key(value)
    if key in choices.table:
        return choices.table[key]
    raise RowRejected(
        _("%(label)s inconnu : « %(value)s » (valeurs possibles : %(known)s).")
        % {"label": label, "value": value, "known": ", ".join(choices.labels)}
    )


def text(value: str, model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    limit = getattr(field, "max_length", None)
    if limit and len(value) > limit:
        raise RowRejected(
            _("%(field)s : %(n)d caractères, %(max)d au plus.")
            % {"field": capfirst(str(getattr(field, "verbose_name", name))), "n": len(value), "max": limit}
        )
    return value


_FORMATS = {"orcid": r"\d{15}[\dX]", "ror": r"0[0-9a-hjkmnp-tv-z]{6}\d{2}"}
_NORMALISERS = {
    "orcid": identifiers.normalise_orcid,
    "ror": identifiers.normalise_ror,
    "rnsr": identifiers.normalise_rnsr,
    "idref": identifiers.normalise_idref,
}
_LABELS = {"orcid": "ORCID", "ror": "ROR", "rnsr": "RNSR", "idref": "IdRef"}


def identifier(kind: str, value: str) -> str:
    """The normalised identifier, or a rejection such as « ORCID invalide : clé de contrôle incorrecte »."""
    try:
        return _NORMALISERS[kind](value)
    except ValueError as exc:
        compact = (
            re.sub(r"^.*(orcid\.org|ror\.org)/", "", value.strip(), flags=re.IGNORECASE)
            .replace("-", "")
            .replace(" ", "")
        )
        pattern = _FORMATS.get(kind)
        checksum = pattern is not None and re.fullmatch(
            pattern, compact.upper() if kind == "orcid" else compact.lower()
        )
        reason = _("clé de contrôle incorrecte") if checksum else str(exc)
        raise RowRejected(
            _("%(label)s invalide : %(reason)s (« %(value)s »).")
            % {"label": _LABELS[kind], "reason": reason, "value": value}
        ) from exc


def looks_like(kind: str, value: str) -> bool:
    try:
        _NORMALISERS[kind](value)
    except ValueError:
        return False
    return True


def email(value: str, label: str | None = None) -> str:
    address = value.strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise RowRejected(
            _("%(label)s invalide : « %(value)s ».") % {"label": label or _("E-mail"), "value": value}
        ) from exc
    return address


def contact_email(value: str) -> str:
    """« Marie Martin <marie.martin@example.org> » → the address."""
    match = re.search(r"[^\s<>;,()]+@[^\s<>;,()]+", value)
    if not match:
        raise RowRejected(_("Contact : indiquez une adresse e-mail (« %(value)s »).") % {"value": value})
    return email(match.group(0), _("E-mail de contact"))


def url(value: str) -> str:
    address = value.strip()
    if not re.match(r"^https?://", address, flags=re.IGNORECASE):
        address = f"https://{address}"
    try:
        URLValidator()(address)
    except ValidationError as exc:
        raise RowRejected(_("Site web invalide : « %(value)s ».") % {"value": value}) from exc
    if len(address) > 200:
        raise RowRejected(_("Site web : adresse trop longue (200 caractères au plus)."))
    return address


def coordinate(value: str, label: str, bound: int) -> Decimal:
    try:
        number = Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation as exc:
        raise RowRejected(
            _("%(label)s invalide : « %(value)s ».") % {"label": label, "value": value}
        ) from exc
    if not number.is_finite() or abs(number) > bound:
        raise RowRejected(_("%(label)s hors limites : « %(value)s ».") % {"label": label, "value": value})
    return number.quantize(Decimal("0.000001"))


def postcode(value: str) -> str:
    code = value.replace(" ", "")
    return code.zfill(5) if code.isdigit() and len(code) == 4 else value  # Excel drops the 0 of 01000


def split(value: str, separators: str = ";,\n") -> list[str]:
    """Distinct items of a list cell, in order (case- and accent-insensitive)."""
    seen: dict[str, str] = {}
    for item in re.split(f"[{re.escape(separators)}]", value or ""):
        item = " ".join(item.split())
        if item:
            seen.setdefault(fold(item), item)
    return list(seen.values())


def code_key(code: str) -> str:
    """'UMR 144', 'umr-144' and 'UMR144' are the same unit code."""
    return re.sub(r"[^a-z0-9]", "", fold(code))
