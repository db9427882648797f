"""Reading the secretariat's files: separators, encodings, header aliases, sheet names, and the
clear refusal of anything that is not a usable spreadsheet."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import InvalidInput
from directory.importing import Kind, store_import
from directory.importing import jobs as import_jobs
from directory.importing.reading import detect_kind, read_workbook
from directory.models import ImportJob
from directory.tests.test_import import csv_file, fixture_file, xlsx_file

# --- reading files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "bom"), [(";", True), (";", False), (",", True), (",", False), ("\t", False)]
)
def test_csv_separator_and_bom_are_detected(sep, bom):
    upload = csv_file(
        [["Nom", "Prénom", "E-mail"], ["Curie", "Marie", "marie@example.org"]], sep=sep, bom=bom
    )
    book = read_workbook(upload.read(), "personnes.csv")
    [sheet] = book.sheets
    assert sheet.kind == Kind.PEOPLE
    assert sheet.rows[0].number == 2
    assert sheet.rows[0].values == {"last_name": "Curie", "first_name": "Marie", "email": "marie@example.org"}


def test_csv_saved_by_old_excel_in_windows_1252_is_read():
    data = "Nom;Prénom\r\nLefèvre;Hélène\r\n".encode("cp1252")
    [sheet] = read_workbook(data, "personnes.csv").sheets
    assert sheet.rows[0].values == {"last_name": "Lefèvre", "first_name": "Hélène"}


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["Nom", "Prénom", "Courriel", "Situation"], Kind.PEOPLE),
        (["Last name", "First name", "Email", "Career stage"], Kind.PEOPLE),
        (["Nom", "Sigle", "Type", "Catégorie", "ROR", "Ville"], Kind.INSTITUTIONS),
        (["Nom", "Sigle", "Code", "RNSR", "Tutelles"], Kind.UNITS),
        (["Nom", "Unité", "Responsable(s)", "Mots-clés"], Kind.TEAMS),
        (["Nom", "Établissement hébergeur", "Technologies", "Services", "Label"], Kind.PLATFORMS),
        (["Nom", "Ville"], ""),
    ],
)
def test_kind_is_detected_from_headers(headers, kind):
    assert detect_kind(headers) == kind


def test_xlsx_sheets_are_found_by_name_whatever_the_case_and_accents():
    upload = xlsx_file(
        {
            "Notes": [["À lire"], ["Ce classeur vient du secrétariat."]],
            "EQUIPES": [["Nom", "Unité"], ["Équipe A", "U1"]],
            "unités": [["Nom", "Code"], ["Unité un", "U1"]],
        }
    )
    book = read_workbook(upload.read(), "annuaire.xlsx")
    assert [(s.name, s.kind) for s in book.sheets] == [("unités", Kind.UNITS), ("EQUIPES", Kind.TEAMS)]
    assert book.ignored_sheets == ["Notes"]


def test_numbers_from_excel_are_read_as_text():
    upload = xlsx_file({"Institutions": [["Nom", "Code postal", "Latitude"], ["Institut", 1000, 48.85]]})
    [sheet] = read_workbook(upload.read(), "a.xlsx").sheets
    assert sheet.rows[0].values == {"name": "Institut", "postcode": "1000", "latitude": "48.85"}


# --- broken files ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("annuaire.xlsx", b"Nom;Prenom\nCurie;Marie\n", "n'est pas un vrai classeur Excel"),
        ("annuaire.xlsx", b"PK\x03\x04 not really a zip", "n'est pas un vrai classeur Excel"),
        ("personnes.csv", b"", "Le fichier est vide"),
        ("personnes.csv", b"   \r\n", "Le fichier est vide"),
        ("personnes.csv", bytes(range(256)) * 20, "n'est pas un fichier texte lisible"),
        ("personnes.csv", "Nom;Prénom\r\n".encode(), "aucune ligne de données"),
        ("personnes.csv", b"Colonne;Autre\r\na;b\r\n", "Impossible de reconnaître le contenu"),
        ("annuaire.pdf", b"%PDF-1.7", "tableur Excel (.xlsx) ou un fichier CSV"),
    ],
)
def test_broken_files_are_refused_with_a_clear_message(staff, name, data, message):
    with pytest.raises(InvalidInput) as error:
        store_import(uploaded_file=SimpleUploadedFile(name, data), actor=staff)
    assert message in error.value.message
    assert error.value.field == "file"
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_oversized_files_are_refused(staff):
    data = b"Nom;Pr\xc3\xa9nom\r\n" + b"Curie;Marie\r\n" * 1_000_000
    with pytest.raises(InvalidInput, match="taille maximale de 10 Mo"):
        store_import(uploaded_file=SimpleUploadedFile("gros.csv", data), actor=staff)


@pytest.mark.django_db
def test_xlsx_with_a_missing_required_column_is_refused(staff):
    upload = xlsx_file({"Équipes": [["Nom", "Mots-clés"], ["Équipe A", "x"]]})
    with pytest.raises(InvalidInput, match="Il manque la ou les colonnes « Unite »"):
        store_import(uploaded_file=upload, actor=staff)


@pytest.mark.django_db
def test_files_are_stored_outside_the_web_root(staff, settings):
    job = store_import(uploaded_file=fixture_file("personnes-exemple.csv"), actor=staff)
    path = import_jobs.job_file_path(job)
    assert path.is_file()
    assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert not (Path(settings.MEDIA_ROOT) / job.file.name).exists()
