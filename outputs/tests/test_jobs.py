"""Import jobs: checks at upload, the background run, the report, the audit entry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import InvalidInput, NotAllowed
from core.models import AuditEntry
from outputs import importing
from outputs.models import Authorship, Publication, PublicationImport


def upload(samples, name):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, (samples / name).read_bytes())


def test_a_person_imports_their_own_list_in_the_background(
    network, samples, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = importing.create_publication_import(
            uploaded_file=upload(samples, "pubmed.xml"), actor=network.marie_user, for_person=network.marie
        )
    job.refresh_from_db()
    assert job.format == "pubmed_xml" and job.status == PublicationImport.Status.DONE
    assert (job.total_records, job.processed_records, job.percent) == (3, 3, 100)
    assert importing.report_counts(job) == {"created": 3, "merged": 0, "unchanged": 0, "rejected": 0}
    assert job.report["linked"] >= 3 and job.finished_at is not None
    assert not importing.job_file_path(job).exists()  # the upload is not kept once read
    # her own list: the author who bears her name is hers, confirmed (by ORCID or by name alike)
    assert Authorship.objects.filter(person=network.marie, match=Authorship.Match.CONFIRMED).count() == 2
    entry = AuditEntry.objects.get(action="outputs.import.completed")
    assert entry.actor == network.marie_user and entry.data["counts"]["created"] == 3
    assert entry.data["for_person"] == network.marie.pk


def test_a_broken_file_reports_each_record(network, samples, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = importing.create_publication_import(
            uploaded_file=upload(samples, "references_broken.ris"), actor=network.marie_user
        )
    job.refresh_from_db()
    assert job.status == PublicationImport.Status.DONE
    assert importing.report_counts(job)["rejected"] == 3
    rejected = importing.report_rows(job, "rejected")
    assert [r["position"] for r in rejected] == ["ligne 1", "ligne 4", "ligne 15"]
    assert Publication.objects.count() == 1


def test_an_unreadable_file_fails_the_job_and_stores_nothing(
    network, samples, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = importing.create_publication_import(
            uploaded_file=upload(samples, "hal_truncated.json"), actor=network.marie_user
        )
    job.refresh_from_db()
    assert job.status == PublicationImport.Status.FAILED and "pas du JSON lisible" in job.error
    assert not Publication.objects.exists()
    assert not AuditEntry.objects.filter(action="outputs.import.completed").exists()


def test_unknown_format_and_empty_and_huge_files_are_refused(network, samples, monkeypatch):
    with pytest.raises(InvalidInput, match="Format non reconnu"):
        importing.create_publication_import(
            uploaded_file=upload(samples, "not_a_bibliography.txt"), actor=network.marie_user
        )
    with pytest.raises(InvalidInput, match="vide"):
        importing.create_publication_import(
            uploaded_file=SimpleUploadedFile("x.bib", b""), actor=network.marie_user
        )
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InvalidInput, match="la limite est de"):
        importing.create_publication_import(
            uploaded_file=upload(samples, "pubmed.xml"), actor=network.marie_user
        )
    assert not PublicationImport.objects.exists()


def test_a_chosen_format_wins_over_detection(network, samples, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = importing.create_publication_import(
            uploaded_file=upload(samples, "references.bib"), actor=network.marie_user, format="ris"
        )
    job.refresh_from_db()
    assert job.format == "ris" and job.status == PublicationImport.Status.FAILED and "RIS" in job.error


def test_only_staff_import_for_a_unit_and_nobody_for_someone_else(network, samples, staff):
    with pytest.raises(NotAllowed):
        importing.create_publication_import(
            uploaded_file=upload(samples, "pubmed.xml"), actor=network.marie_user, for_unit=network.u932
        )
    with pytest.raises(NotAllowed):
        importing.create_publication_import(
            uploaded_file=upload(samples, "pubmed.xml"), actor=network.marie_user, for_person=network.sophie
        )
    job = importing.create_publication_import(
        uploaded_file=upload(samples, "pubmed.xml"), actor=staff, for_unit=network.u932
    )
    assert job.for_unit == network.u932


def test_progress_is_written_while_the_import_runs(network, samples, monkeypatch):
    job = importing.create_publication_import(
        uploaded_file=upload(samples, "pubmed.xml"), actor=network.marie_user
    )
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 1)
    seen = []
    real = importing._save_progress

    def spy(job_, n):  # type: ignore[no-untyped-def]
        real(job_, n)
        seen.append(PublicationImport.objects.get(pk=job_.pk).processed_records)

    monkeypatch.setattr(importing, "_save_progress", spy)
    importing.run_publication_import(job=job)
    assert seen == [1, 2, 3]
