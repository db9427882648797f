"""The directory import: parsing, matching, dry run, all-or-nothing real run, reports."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core.errors import InvalidInput
from core.models import AuditEntry
from directory import services
from directory.importing import create_import_job, read_progress, report_rows, run_import, store_import
from directory.importing import jobs as import_jobs
from directory.models import (
    Affiliation,
    CareerStage,
    ImportJob,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    Unit,
    UnitParent,
)
from directory.tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    make_orcid,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
PEOPLE_HEADERS = ["Nom", "Prénom", "E-mail", "ORCID", "Statut", "Unité", "Établissement"]


def csv_file(
    rows: list[list[str]], *, name: str = "import.csv", sep: str = ";", bom: bool = True
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig" if bom else "utf-8"))


def xlsx_file(sheets: dict[str, list[list[object]]], *, name: str = "annuaire.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def fixture_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def run(upload: SimpleUploadedFile, actor, **options) -> ImportJob:  # type: ignore[no-untyped-def]
    return run_import(job=store_import(uploaded_file=upload, actor=actor, **options))


def snapshot() -> dict[str, list[dict]]:
    models = (Institution, Unit, UnitParent, Team, Person, Affiliation, Keyword, Platform, AuditEntry)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def actions(job: ImportJob) -> list[str]:
    return [row["action"] for row in job.report["rows"]]


# --- the sample workbook: every kind ---------------------------------------------------------------


@pytest.mark.django_db
def test_sample_workbook_imports_every_kind(staff):
    job = run(fixture_file("annuaire-exemple.xlsx"), staff, dry_run=False)
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.report["counts"] == {"created": 34, "updated": 0, "unchanged": 0, "rejected": 0}
    assert (Institution.objects.count(), Unit.objects.count(), Team.objects.count()) == (8, 5, 6)
    assert (Person.objects.count(), Platform.objects.count()) == (12, 3)

    inserm = Institution.objects.get(ror="02vjkv261")
    assert (inserm.acronym, inserm.kind, inserm.category) == ("Inserm", "member", "research_org")
    assert Institution.objects.get(acronym="UPSaclay").kind == Institution.Kind.PARTNER
    assert str(Institution.objects.get(acronym="GR").latitude) == "48.794300"

    umr144 = Unit.objects.get(code="UMR 144")
    assert {i.acronym for i in umr144.parents.all()} == {"Curie", "CNRS", "SU"}

    # The leader comes further down the file (Personnes sheet): set at the end of the import.
    team = Team.objects.get(name="Immunosurveillance des tumeurs")
    assert {p.last_name for p in team.leaders.all()} == {"Girard", "Lambert"}
    assert {k.label for k in team.keywords.all()} == {"immunothérapie", "cellules NK", "microbiote"}

    moreau = Person.objects.get(email="julien.moreau@example.org")
    assert moreau.career_stage == CareerStage.CLINICIAN_RESEARCHER  # « PU-PH »
    [affiliation] = moreau.affiliations.all()
    assert (affiliation.team.name, affiliation.institution.acronym) == (
        "Génomique des cancers pédiatriques",
        "Curie",
    )
    assert Person.objects.get(last_name="Nguyen").career_stage == CareerStage.PHD_STUDENT
    assert Person.objects.get(last_name="Diallo").affiliations.get().unit is None

    genomics = Platform.objects.get(acronym="ICGex")
    assert (genomics.label, genomics.host_institution.acronym, genomics.host_unit.code) == (
        "ibisa",
        "Curie",
        "UMR 144",
    )
    assert Platform.objects.get(acronym="IMAG'IC").contact_email == "imagerie.cochin@example.org"
    assert Platform.objects.get(acronym="PFIC").label == Platform.Label.CANCEROPOLE

    completed = AuditEntry.objects.get(action="directory.import.completed")
    assert completed.data["counts"]["created"] == 34
    assert AuditEntry.objects.filter(action="directory.person.created").count() == 12


@pytest.mark.django_db
def test_sample_csv_adds_people_to_the_teams_of_the_workbook(staff):
    run(fixture_file("annuaire-exemple.xlsx"), staff, dry_run=False)
    job = run(fixture_file("personnes-exemple.csv"), staff, dry_run=False)
    assert job.report["counts"]["created"] == 6, job.report["rows"]
    faure = Person.objects.get(last_name="Faure")
    assert faure.career_stage == CareerStage.CLINICIAN_RESEARCHER  # « MCU-PH »
    assert faure.affiliations.get().team.name == "Métabolisme et cancer"


# --- idempotency, dry run, updates --------------------------------------------------------------------


@pytest.mark.django_db
def test_running_the_same_file_twice_changes_nothing(staff):
    run(fixture_file("annuaire-exemple.xlsx"), staff, dry_run=False)
    run(fixture_file("personnes-exemple.csv"), staff, dry_run=False)
    before = snapshot()

    again = run(fixture_file("annuaire-exemple.xlsx"), staff, dry_run=False)
    again_csv = run(fixture_file("personnes-exemple.csv"), staff, dry_run=False)

    assert set(actions(again)) == {"unchanged"} and set(actions(again_csv)) == {"unchanged"}
    after = snapshot()
    new_audit = after.pop("AuditEntry")[len(before["AuditEntry"]) :]
    before.pop("AuditEntry")
    assert after == before  # not even a version number moved
    assert [entry["action"] for entry in new_audit] == ["directory.import.completed"] * 2


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_predicts_the_real_run(staff):
    before = snapshot()
    dry = run(fixture_file("annuaire-exemple.xlsx"), staff, dry_run=True)
    assert dry.status == ImportJob.Status.DONE
    assert dry.report["counts"]["created"] == 34
    assert snapshot() == before

    real = run(fixture_file("annuaire-exemple.xlsx"), staff, dry_run=False)
    assert [(r["key"], r["action"], r["changes"]) for r in real.report["rows"]] == [
        (r["key"], r["action"], r["changes"]) for r in dry.report["rows"]
    ]


@pytest.mark.django_db
def test_changed_cells_update_the_record_and_are_reported(staff):
    unit = UnitFactory(code="U1016", parents=[InstitutionFactory(acronym="Inserm")])
    person = PersonFactory(first_name="Nadia", last_name="Benali", email="nadia.benali@example.org", orcid="")
    upload = csv_file(
        [
            ["Nom", "Prénom", "E-mail", "Statut", "Fonction", "Unité"],
            [
                "BENALI",
                "nadia",
                "Nadia.Benali@example.org",
                "Post-doctorante",
                "Chargée de recherche",
                "U 1016",
            ],
        ]
    )
    job = run(upload, staff, dry_run=False)
    [row] = job.report["rows"]
    assert row["action"] == "updated"
    changed = {label: (before, after) for label, before, after in row["changes"]}
    assert changed["Situation"] == ("Chercheur·se", "Post-doctorant·e")
    assert changed["Fonction"] == ("", "Chargée de recherche")
    assert "Nom" not in changed and "Prénom" not in changed  # same name, other case: kept as it was
    person.refresh_from_db()
    assert (person.last_name, person.career_stage, person.version) == ("Benali", "postdoc", 2)
    assert person.affiliations.get().unit == unit
    assert AuditEntry.objects.filter(action="directory.person.updated", target_id=str(person.pk)).exists()
    assert AuditEntry.objects.filter(
        action="directory.affiliation.created", target_id=str(person.pk)
    ).exists()


@pytest.mark.django_db
def test_people_are_matched_by_orcid_then_email_then_name_at_the_institution(staff):
    institution = InstitutionFactory(name="Institut Curie", acronym="Curie")
    by_orcid = PersonFactory(
        first_name="Ada", last_name="Lovelace", orcid=make_orcid(1), email="ada@example.org"
    )
    by_email = PersonFactory(first_name="Alan", last_name="Turing", orcid="", email="alan@example.org")
    by_name = AffiliationFactory(
        person__first_name="Hélène",
        person__last_name="Lefèvre",
        person__orcid="",
        person__email="",
        institution=institution,
        team=None,
        unit=None,
    ).person
    namesake = PersonFactory(first_name="Hélène", last_name="Lefèvre", orcid="", email="")  # elsewhere
    upload = csv_file(
        [
            ["Nom", "Prénom", "E-mail", "ORCID", "Établissement", "Fonction"],
            ["Lovelace", "Ada", "new-ada@example.org", make_orcid(1), "", "Mathématicienne"],
            ["Turing", "Alan", "ALAN@example.org", make_orcid(2), "", "Logicien"],
            ["Lefevre", "Helene", "", "", "Curie", "Chimiste"],
        ]
    )
    job = run(upload, staff, dry_run=False)
    assert actions(job) == ["updated", "updated", "updated"], job.report["rows"]
    assert Person.objects.count() == 4
    by_orcid.refresh_from_db()
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    namesake.refresh_from_db()
    assert (by_orcid.email, by_orcid.title) == ("new-ada@example.org", "Mathématicienne")
    assert (by_email.orcid, by_email.title) == (make_orcid(2), "Logicien")
    assert (by_name.title, namesake.title) == ("Chimiste", "")


@pytest.mark.django_db
def test_institutions_and_units_match_without_case_accents_or_spaces(staff):
    paris = InstitutionFactory(name="Université Paris Cité", acronym="UPCité", ror="")
    unit = UnitFactory(name="Biologie cellulaire et cancer", code="UMR 144", rnsr="", parents=[paris])
    upload = xlsx_file(
        {
            "Institutions": [["Nom", "Sigle"], ["UNIVERSITE PARIS CITE", "upcite"]],
            "Unités": [
                ["Nom", "Code", "Tutelles"],
                ["biologie cellulaire et cancer", "UMR144", "Université Paris Cité"],
            ],
        }
    )
    job = run(upload, staff, dry_run=False)
    assert actions(job) == ["unchanged", "unchanged"]
    paris.refresh_from_db()
    unit.refresh_from_db()
    assert (paris.name, paris.version, unit.version) == ("Université Paris Cité", 1, 1)


# --- rejected rows ---------------------------------------------------------------------------------------


def _rows_with_two_errors() -> SimpleUploadedFile:
    InstitutionFactory(acronym="Inserm")
    UnitFactory(code="U1016", parents=[Institution.objects.get(acronym="Inserm")])
    return csv_file(
        [
            PEOPLE_HEADERS,
            ["Curie", "Marie", "marie@example.org", "0000-0002-1825-0098", "Chercheuse", "U1016", ""],
            ["Pasteur", "Louis", "louis@example.org", "", "Chercheur", "U9999", ""],
            ["Jacob", "François", "francois@example.org", make_orcid(3), "Doctorant", "U1016", ""],
            ["Monod", "Jacques", "jacques@example.org", "", "Astronaute", "U1016", "Inserm"],
        ]
    )


@pytest.mark.django_db
def test_rejected_rows_say_why_in_french(staff):
    job = run(_rows_with_two_errors(), staff, dry_run=True)
    rejected = report_rows(job, "rejected")
    assert [(r["row"], r["reason"]) for r in rejected] == [
        (2, "ORCID invalide : clé de contrôle incorrecte (« 0000-0002-1825-0098 »)."),
        (3, "Unité introuvable : U9999"),
        (5, rejected[2]["reason"]),
    ]
    assert rejected[2]["reason"].startswith("Statut inconnu : « Astronaute »")
    assert report_rows(job, "created")[0]["key"] == f"François Jacob · {make_orcid(3)}"


@pytest.mark.django_db
def test_real_run_with_rejected_rows_imports_nothing_unless_asked_to_skip_them(staff):
    upload = _rows_with_two_errors()
    before = snapshot()
    refused = run(upload, staff, dry_run=False)
    assert refused.status == ImportJob.Status.FAILED
    assert "3 ligne(s) rejetée(s) : rien n'a été importé" in refused.error
    assert snapshot() == before

    upload.seek(0)
    skipped = run(upload, staff, dry_run=False, skip_rejected=True)
    assert skipped.status == ImportJob.Status.DONE
    assert skipped.report["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 3}
    assert list(Person.objects.values_list("last_name", flat=True)) == ["Jacob"]
    assert AuditEntry.objects.get(action="directory.import.completed").data["skipped_rows"] == 3


@pytest.mark.django_db
def test_a_row_rejected_after_writing_leaves_no_trace_for_the_next_rows(staff, monkeypatch):
    """The person is created, then the service refuses the affiliation: the row is undone, and the
    next row with the same e-mail creates the person again instead of matching a ghost."""
    InstitutionFactory(acronym="Inserm")
    upload = csv_file(
        [
            ["Nom", "Prénom", "E-mail", "Établissement", "Mots-clés"],
            ["Curie", "Marie", "marie@example.org", "Inserm", "chimie"],
            ["Curie", "Marie", "marie@example.org", "Inserm", "radioactivité"],
        ]
    )
    original, calls = services.add_affiliation, []

    def refuse_first(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["person"].pk)
        if len(calls) == 1:
            raise InvalidInput("Affiliation refusée pour le test.")
        return original(**kwargs)

    monkeypatch.setattr(services, "add_affiliation", refuse_first)
    job = run(upload, staff, dry_run=False, skip_rejected=True)
    assert actions(job) == ["rejected", "created"]
    person = Person.objects.get()
    assert person.affiliations.count() == 1
    assert [k.label for k in person.keywords.all()] == ["radioactivité"]


# --- all or nothing --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unexpected_error_at_row_50_rolls_everything_back(staff, monkeypatch):
    InstitutionFactory(acronym="Inserm")
    PersonFactory(first_name="Déjà", last_name="Là", email="deja@example.org")
    rows = [["Nom", "Prénom", "E-mail", "Établissement", "Mots-clés"]]
    rows += [[f"Nom{i}", f"Prénom{i}", f"p{i}@example.org", "Inserm", f"thème {i}"] for i in range(60)]
    original, calls = services.save_person, []

    def failing(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 50:
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(services, "save_person", failing)
    before = snapshot()
    job = run(csv_file(rows), staff, dry_run=False)
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith(
        "Erreur inattendue à la ligne 51 de « import.csv » : rien n'a été enregistré."
    )
    assert job.report["rows"] == []
    assert snapshot() == before
    assert not import_jobs.progress_path(job).exists()


# --- jobs, task, progress, command ---------------------------------------------------------------------


@pytest.mark.django_db
def test_create_import_job_runs_the_task_after_commit(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = create_import_job(
            uploaded_file=fixture_file("annuaire-exemple.xlsx"), actor=staff, dry_run=True
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.total_rows) == (34, 34)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_progress_is_written_to_a_file_while_the_import_runs(staff, monkeypatch):
    rows = [["Nom", "Prénom"]] + [[f"Nom{i}", f"Prénom{i}"] for i in range(25)]
    job = store_import(uploaded_file=csv_file(rows), actor=staff, dry_run=True)
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 10)
    seen, original = [], services.save_person

    def spy(**kwargs):  # type: ignore[no-untyped-def]
        seen.append(json.loads(import_jobs.progress_path(job).read_text()))
        return original(**kwargs)

    monkeypatch.setattr(services, "save_person", spy)
    run_import(job=job)
    assert seen[0] == {"processed": 0, "total": 25}
    assert seen[11] == {"processed": 10, "total": 25} and seen[24] == {"processed": 20, "total": 25}
    assert not import_jobs.progress_path(job).exists()
    assert read_progress(job) == (25, 25)


@pytest.mark.django_db
def test_read_progress_uses_the_file_while_running(staff):
    job = store_import(uploaded_file=fixture_file("personnes-exemple.csv"), actor=staff)
    job.status = ImportJob.Status.RUNNING
    path = import_jobs.progress_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"processed": 3, "total": 6}))
    assert read_progress(job) == (3, 6)


@pytest.mark.django_db
def test_command_prints_the_report_and_fails_on_a_broken_file(staff, tmp_path):
    out = io.StringIO()
    call_command(
        "import_directory",
        str(FIXTURES / "annuaire-exemple.xlsx"),
        "--dry-run",
        "--actor",
        staff.email,
        stdout=out,
    )
    assert "34 créations" in out.getvalue()
    assert not Person.objects.exists()

    broken = tmp_path / "faux.xlsx"
    broken.write_text("pas un classeur")
    with pytest.raises(CommandError, match="n'est pas un vrai classeur Excel"):
        call_command("import_directory", str(broken), stdout=io.StringIO())


@pytest.mark.django_db
def test_command_fails_when_rows_are_rejected(staff):
    upload = _rows_with_two_errors()
    target = import_jobs.job_file_path(store_import(uploaded_file=upload, actor=staff))
    out = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_directory", str(target), "--kind", "people", stdout=out)
    assert "Unité introuvable : U9999" in out.getvalue()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_unit_with_several_tutelles_needs_the_institution_unless_the_person_already_works_there(staff):
    inserm, cnrs = InstitutionFactory(acronym="Inserm"), InstitutionFactory(acronym="CNRS")
    unit = UnitFactory(code="U1016", parents=[inserm, cnrs])
    AffiliationFactory(
        person__email="known@example.org", person__orcid="", institution=cnrs, unit=unit, team=None
    )
    upload = csv_file(
        [
            ["Nom", "Prénom", "E-mail", "Unité", "Établissement"],
            ["Connu", "Déjà", "known@example.org", "U1016", ""],
            ["Nouveau", "Arrivé", "new@example.org", "U1016", ""],
            ["Nouvelle", "Arrivée", "new2@example.org", "U1016", "Inserm"],
        ]
    )
    job = run(upload, staff, dry_run=True)
    assert [(r["action"], r["reason"]) for r in job.report["rows"]] == [
        ("updated", ""),
        ("rejected", f"L'unité {unit} a plusieurs tutelles : indiquez l'établissement."),
        ("created", ""),
    ]
    assert [c[0] for c in job.report["rows"][0]["changes"]] == ["Prénom", "Nom"]  # no new affiliation
