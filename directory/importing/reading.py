"""Reading the secretariat's spreadsheets: file checks, CSV and XLSX parsing, header aliases.

``read_workbook`` turns the bytes of an upload into ``Sheet`` objects whose rows map our field
names to the text of each cell. It raises ``InvalidInput(field="file")`` with a French sentence
for anything that is not a usable spreadsheet: wrong extension, fake content, empty file,
unrecognised headers.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidInput
from directory.services import fold

MAX_FILE_BYTES = 10 * 1024 * 1024  # what the secretariat may upload
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an .xlsx that inflates past this is refused (zip bomb)
EXTENSIONS = (".csv", ".xlsx")
XLSX_CONTENT_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


class Kind(models.TextChoices):
    """What the rows of a sheet describe, in the order an import applies them."""

    INSTITUTIONS = "institutions", gettext_lazy("Institutions")
    UNITS = "units", gettext_lazy("Unités")
    TEAMS = "teams", gettext_lazy("Équipes")
    PEOPLE = "people", gettext_lazy("Personnes")
    PLATFORMS = "platforms", gettext_lazy("Plateformes")


ORDER = list(Kind.values)


def header_key(text: str) -> str:
    """'Mots-clés' → 'mots cles', 'Responsable(s)' → 'responsable': how headers are compared."""
    text = re.sub(r"\((?:s|e|es)\)", "", fold(str(text)))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# Field → header aliases (already in ``header_key`` form), per kind.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    Kind.INSTITUTIONS: {
        "name": ("nom", "name", "nom de l institution", "institution", "etablissement", "intitule"),
        "acronym": ("sigle", "acronyme", "acronym", "abreviation"),
        "kind": ("type", "statut", "statut dans le reseau", "kind", "membre"),
        "category": ("categorie", "category", "nature"),
        "ror": ("ror", "identifiant ror", "ror id"),
        "street": ("adresse", "address", "rue", "street"),
        "postcode": ("code postal", "cp", "postcode", "postal code", "zip"),
        "city": ("ville", "city", "commune"),
        "latitude": ("latitude", "lat"),
        "longitude": ("longitude", "lon", "lng", "long"),
        "website": ("site web", "site internet", "site", "url", "website", "web"),
        "description": ("description", "presentation"),
    },
    Kind.UNITS: {
        "name": ("nom", "name", "intitule", "nom de l unite", "unite"),
        "acronym": ("sigle", "acronyme", "acronym"),
        "code": ("code", "code unite", "code de l unite", "numero", "label"),
        "rnsr": ("rnsr", "numero rnsr", "n rnsr", "identifiant rnsr"),
        "parents": ("tutelles", "tutelle", "etablissements de tutelle", "parents", "institutions"),
        "city": ("ville", "city"),
        "website": ("site web", "site internet", "site", "url", "website"),
        "description": ("description", "presentation"),
    },
    Kind.TEAMS: {
        "name": ("nom", "name", "nom de l equipe", "equipe", "team", "intitule"),
        "unit": ("unite", "unit", "unite de recherche", "laboratoire"),
        "leaders": (
            "responsable",
            "responsables",
            "chef d equipe",
            "chefs d equipe",
            "leader",
            "leaders",
            "team leader",
        ),
        "keywords": ("mots cles", "mot cle", "keywords"),
        "description": ("description", "thematique", "presentation"),
        "rnsr": ("rnsr", "numero rnsr"),
        "website": ("site web", "site internet", "site", "url", "website"),
    },
    Kind.PEOPLE: {
        "last_name": ("nom", "nom de famille", "last name", "surname", "family name"),
        "first_name": ("prenom", "first name", "given name"),
        "email": ("e mail", "email", "courriel", "adresse e mail", "mail", "adresse electronique"),
        "orcid": ("orcid", "orcid id", "identifiant orcid"),
        "idref": ("idref", "identifiant idref"),
        "phone": ("telephone", "tel", "phone"),
        "title": ("fonction", "titre", "title", "poste"),
        "career_stage": ("statut", "situation", "career stage", "corps", "categorie"),
        "gender": ("genre", "sexe", "gender", "civilite"),
        "bio": ("presentation", "bio", "biographie"),
        "team": ("equipe", "team"),
        "unit": ("unite", "unit", "unite de recherche", "laboratoire"),
        "institution": ("institution", "etablissement", "employeur", "organisme"),
        "keywords": ("mots cles", "mot cle", "expertise", "keywords"),
    },
    Kind.PLATFORMS: {
        "name": ("nom", "name", "plateforme", "nom de la plateforme"),
        "acronym": ("sigle", "acronyme", "acronym"),
        "host_institution": (
            "etablissement hebergeur",
            "hebergeur",
            "etablissement",
            "institution",
            "host institution",
        ),
        "host_unit": ("unite", "unite hebergeuse", "unit"),
        "technologies": ("technologies", "technologie", "domaines technologiques", "mots cles"),
        "services": ("services", "offre de services", "prestations"),
        "equipment": ("equipements", "equipement", "equipment", "parc instrumental"),
        "label": ("label", "labellisation"),
        "contact_email": ("contact", "e mail", "email", "e mail de contact", "courriel"),
        "managers": ("responsable", "responsables", "managers"),
        "website": ("site web", "site internet", "url", "website"),
        "site": ("site", "lieu", "localisation"),
        "description": ("description", "presentation"),
        "access_conditions": ("conditions d acces", "acces"),
        "pricing": ("tarifs", "tarification"),
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    Kind.INSTITUTIONS: ("name",),
    Kind.UNITS: ("name",),
    Kind.TEAMS: ("name", "unit"),
    Kind.PEOPLE: ("last_name", "first_name"),
    Kind.PLATFORMS: ("name",),
}

# Headers that say which kind a CSV holds, with their weight.
SIGNATURES: dict[str, dict[str, int]] = {
    Kind.INSTITUTIONS: {
        "ror": 2,
        "kind": 1,
        "category": 1,
        "latitude": 1,
        "longitude": 1,
        "postcode": 1,
        "street": 1,
    },
    Kind.UNITS: {"parents": 3, "code": 2, "rnsr": 1},
    Kind.TEAMS: {"leaders": 3, "unit": 1},
    Kind.PEOPLE: {"first_name": 5, "career_stage": 1, "orcid": 1, "idref": 1, "gender": 1},
    Kind.PLATFORMS: {"technologies": 2, "services": 2, "equipment": 2, "label": 2, "host_institution": 1},
}

SHEET_NAMES: dict[str, tuple[str, ...]] = {
    Kind.INSTITUTIONS: ("institutions", "institution", "etablissements", "organismes"),
    Kind.UNITS: ("unites", "unite", "unites de recherche", "units", "laboratoires"),
    Kind.TEAMS: ("equipes", "equipe", "teams"),
    Kind.PEOPLE: ("personnes", "people", "persons", "membres", "chercheurs"),
    Kind.PLATFORMS: ("plateformes", "plateforme", "platforms", "plateformes technologiques"),
}


@dataclass
class Row:
    number: int  # the row number the secretariat sees in the spreadsheet
    values: dict[str, str]  # our field name → the cell's text ('' when empty)


@dataclass
class Sheet:
    name: str
    kind: str
    rows: list[Row] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class Workbook:
    sheets: list[Sheet]
    ignored_sheets: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


# --- the file itself -------------------------------------------------------------------------


def extension_of(name: str) -> str:
    match = re.search(r"\.[A-Za-z0-9]+$", name or "")
    return match.group(0).lower() if match else ""


def read_upload(uploaded_file: Any) -> bytes:
    """The bytes of an upload, after checking its extension and size."""
    name = getattr(uploaded_file, "name", "") or ""
    if extension_of(name) not in EXTENSIONS:
        raise _refuse(_("Le fichier doit être un tableur Excel (.xlsx) ou un fichier CSV (.csv)."))
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise _refuse(
            _("Le fichier dépasse la taille maximale de %(mb)d Mo.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            _("Le fichier dépasse la taille maximale de %(mb)d Mo.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise _refuse(_("Le fichier est vide."))
    return bytes(data)


def read_workbook(data: bytes, filename: str, kind: str = "") -> Workbook:
    """Parse ``data`` (CSV or XLSX according to ``filename``); ``kind`` forces the kind of a CSV."""
    if not data.strip():
        raise _refuse(_("Le fichier est vide."))
    if extension_of(filename) == ".xlsx":
        tables = _xlsx_tables(data)
    elif extension_of(filename) == ".csv":
        tables = [(filename, _csv_rows(data))]
    else:
        raise _refuse(_("Le fichier doit être un tableur Excel (.xlsx) ou un fichier CSV (.csv)."))
    workbook = _build_workbook(tables, kind)
    if not workbook.total_rows:
        raise _refuse(_("Le fichier ne contient aucune ligne de données sous la ligne des en-têtes."))
    return workbook


# --- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    not_text = _(
        "Ce fichier CSV n'est pas un fichier texte lisible : enregistrez-le depuis votre tableur "
        "au format « CSV UTF-8 »."
    )
    if b"\x00" in data:
        raise _refuse(not_text)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # the older « CSV (séparateur : point-virgule) » of Excel
        except UnicodeDecodeError as exc:
            raise _refuse(not_text) from exc
    if any(ord(c) < 32 and c not in "\r\n\t" for c in text):
        raise _refuse(not_text)
    return text


def _separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))]
    except csv.Error as exc:
        raise _refuse(_("Ce fichier CSV est mal formé : %(error)s") % {"error": exc}) from exc


# --- XLSX --------------------------------------------------------------------------------------


def _xlsx_tables(data: bytes) -> list[tuple[str, list[list[Any]]]]:
    fake = _(
        "Ce fichier n'est pas un vrai classeur Excel (.xlsx) : ouvrez-le dans votre tableur "
        "et enregistrez-le au format « Classeur Excel »."
    )
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(fake)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content_types = archive.read("[Content_Types].xml")
            inflated = sum(info.file_size for info in archive.infolist())
    except (KeyError, zipfile.BadZipFile) as exc:
        raise _refuse(fake) from exc
    if XLSX_CONTENT_TYPE not in content_types:
        raise _refuse(fake)
    if inflated > MAX_UNZIPPED_BYTES:
        raise _refuse(_("Ce classeur est trop volumineux une fois décompressé."))

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise _refuse(_("Ce classeur Excel est illisible ou endommagé.")) from exc
    try:
        return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in book.worksheets]
    except Exception as exc:
        raise _refuse(_("Ce classeur Excel est illisible ou endommagé.")) from exc
    finally:
        book.close()


# --- from tables of cells to sheets ------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def kind_of_sheet(title: str) -> str:
    key = header_key(title)
    return next((kind for kind, names in SHEET_NAMES.items() if key in names), "")


def detect_kind(headers: list[str]) -> str:
    """The kind whose distinctive headers appear in ``headers``, or '' when unclear."""
    keys = {header_key(h) for h in headers}
    scores: dict[str, int] = {}
    for kind, weights in SIGNATURES.items():
        fields = {f for f, aliases in ALIASES[kind].items() if keys & set(aliases)}
        if all(f in fields for f in REQUIRED[kind][:1]):
            scores[kind] = sum(weight for f, weight in weights.items() if f in fields)
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return ""
    return ranked[0][0]


def _map_headers(kind: str, headers: list[str]) -> tuple[dict[int, str], list[str]]:
    lookup = {alias: f for f, aliases in ALIASES[kind].items() for alias in aliases}
    columns: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        name = lookup.get(header_key(header))
        if name and name not in columns.values():
            columns[index] = name
        else:
            ignored.append(header)
    return columns, ignored


def _sheet(title: str, kind: str, table: list[list[Any]]) -> Sheet:
    start = next((i for i, r in enumerate(table) if any(cell_text(c) for c in r)), None)
    if start is None:
        return Sheet(name=title, kind=kind)
    headers = [cell_text(c) for c in table[start]]
    columns, ignored = _map_headers(kind, headers)
    if not columns:
        raise _refuse(
            _(
                "Aucune colonne reconnue dans « %(sheet)s » : vérifiez la ligne des en-têtes "
                "(par exemple %(example)s)."
            )
            % {
                "sheet": title,
                "example": ", ".join(f"« {a[0].capitalize()} »" for a in list(ALIASES[kind].values())[:3]),
            }
        )
    missing = [f for f in REQUIRED[kind] if f not in columns.values()]
    if missing:
        labels = ", ".join(f"« {ALIASES[kind][f][0].capitalize()} »" for f in missing)
        raise _refuse(
            _("Il manque la ou les colonnes %(columns)s dans « %(sheet)s ».")
            % {"columns": labels, "sheet": title}
        )
    sheet = Sheet(name=title, kind=kind, ignored_columns=ignored)
    for offset, raw in enumerate(table[start + 1 :], start=start + 2):
        values = {name: cell_text(raw[i]) if i < len(raw) else "" for i, name in columns.items()}
        if any(values.values()):
            sheet.rows.append(Row(number=offset, values=values))
    return sheet


def _build_workbook(tables: list[tuple[str, list[list[Any]]]], kind: str) -> Workbook:
    named = [(title, kind_of_sheet(title), table) for title, table in tables]
    if len(tables) == 1 and not named[0][1]:
        title, _unused, table = named[0]
        header_row = next((r for r in table if any(cell_text(c) for c in r)), None)
        if header_row is None:
            raise _refuse(_("Le fichier est vide."))
        chosen = kind or detect_kind([cell_text(c) for c in header_row])
        if not chosen:
            raise _refuse(
                _(
                    "Impossible de reconnaître le contenu du fichier d'après ses en-têtes : "
                    "choisissez-le dans le formulaire."
                )
            )
        named = [(title, chosen, table)]
    sheets = [_sheet(title, k, table) for title, k, table in named if k]
    ignored = [title for title, k, _table in named if not k]
    if not sheets:
        raise _refuse(
            _(
                "Aucune feuille reconnue : nommez les feuilles Institutions, Unités, Équipes, "
                "Personnes ou Plateformes."
            )
        )
    sheets.sort(key=lambda s: ORDER.index(s.kind))
    ignored += [s.name for s in sheets if not s.rows]
    return Workbook(sheets=[s for s in sheets if s.rows], ignored_sheets=ignored)
