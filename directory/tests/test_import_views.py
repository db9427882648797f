"""The import pages: upload, report, real run, progress, access and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from directory.importing import store_import
from directory.models import ImportJob, Institution, Person
from directory.tests.factories import InstitutionFactory, UnitFactory
from directory.tests.test_import import PEOPLE_HEADERS, csv_file, fixture_file


def upload(client, file, capture, **fields):  # type: ignore[no-untyped-def]
    data = {"file": file, "kind": "", "dry_run": "on", **fields}
    with capture(execute=True):
        return client.post(reverse("directory:import"), data)


def job_with_rows(staff, n: int) -> ImportJob:  # type: ignore[no-untyped-def]
    rows = [
        {
            "sheet": "Personnes",
            "row": i + 2,
            "kind": "people",
            "key": f"Personne {i}",
            "action": action,
            "changes": [["Nom", "", f"Nom {i}"]],
            "reason": "Unité introuvable : U9" if action == "rejected" else "",
        }
        for i, action in zip(range(n), ["created", "updated", "unchanged", "rejected"] * n, strict=False)
    ]
    counts = {a: sum(r["action"] == a for r in rows) for a in ("created", "updated", "unchanged", "rejected")}
    job = store_import(uploaded_file=fixture_file("personnes-exemple.csv"), actor=staff)
    job.status, job.report = (
        ImportJob.Status.DONE,
        {"rows": rows, "counts": counts, "sheets": [], "options": {}},
    )
    job.save()
    return job


@pytest.mark.django_db
def test_staff_uploads_a_workbook_and_reads_the_dry_run_report(
    staff_client, django_capture_on_commit_callbacks
):
    response = upload(staff_client, fixture_file("annuaire-exemple.xlsx"), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "directory:import_job", args=[job.pk]
    )
    assert job.dry_run and job.status == ImportJob.Status.DONE
    assert not Institution.objects.exists()

    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Essai à blanc : rien n'a été enregistré." in html
    assert html.count('class="row-created"') == 34
    assert "Importer pour de bon" in html
    assert '<th scope="row">AP-HP · 00pg5jh14</th>' in html
    assert '<span class="muted">Nom :</span> Assistance Publique – Hôpitaux de Paris' in html


@pytest.mark.django_db
def test_the_real_run_imports_the_file_of_the_dry_run(
    staff_client, staff, django_capture_on_commit_callbacks
):
    upload(staff_client, fixture_file("annuaire-exemple.xlsx"), django_capture_on_commit_callbacks)
    dry = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("directory:import_run", args=[dry.pk]))
    real = ImportJob.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == reverse("directory:import_job", args=[real.pk])
    assert (real.source, real.dry_run, real.status, real.file.name) == (dry, False, "done", dry.file.name)
    assert Person.objects.count() == 12
    audit = AuditEntry.objects.get(action="directory.import.completed")
    assert audit.actor == staff and audit.data["counts"]["created"] == 34
    page = staff_client.get(response["Location"]).content.decode()
    assert "Import terminé." in page and "Importer pour de bon" not in page


@pytest.mark.django_db
def test_rejected_rows_block_the_real_run_until_skipping_is_ticked(
    staff_client, django_capture_on_commit_callbacks
):
    InstitutionFactory(acronym="Inserm")
    UnitFactory(code="U1016", parents=[Institution.objects.get()])
    rows = [
        PEOPLE_HEADERS,
        ["Pasteur", "Louis", "", "", "", "U9999", ""],
        ["Jacob", "François", "", "", "", "U1016", ""],
    ]
    upload(staff_client, csv_file(rows), django_capture_on_commit_callbacks)
    dry = ImportJob.objects.get()
    page = staff_client.get(
        reverse("directory:import_job", args=[dry.pk]) + "?action=rejected"
    ).content.decode()
    assert "Unité introuvable : U9999" in page and 'class="row-rejected"' in page
    assert 'class="row-created"' not in page  # filtered out
    assert 'name="skip_rejected"' in page

    response = staff_client.post(reverse("directory:import_run", args=[dry.pk]), follow=True)
    assert "cochez la case" in response.content.decode()
    assert ImportJob.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("directory:import_run", args=[dry.pk]), {"skip_rejected": "on"})
    real = ImportJob.objects.get(source=dry)
    assert real.status == ImportJob.Status.DONE
    assert list(Person.objects.values_list("last_name", flat=True)) == ["Jacob"]


@pytest.mark.django_db
def test_a_fake_workbook_is_refused_in_the_form(staff_client, django_capture_on_commit_callbacks):
    fake = csv_file([["Nom", "Prénom"], ["Curie", "Marie"]], name="annuaire.xlsx")
    response = upload(staff_client, fake, django_capture_on_commit_callbacks, kind="people")
    assert response.status_code == 200
    html = response.content.decode()
    assert "n&#x27;est pas un vrai classeur Excel" in html
    assert 'value="people" selected' in html  # what was chosen is kept
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_upload_page_and_job_list(staff_client, staff):
    job_with_rows(staff, 3)
    form = staff_client.get(reverse("directory:import"))
    assert form.status_code == 200
    assert 'type="file"' in form.content.decode() and 'id="id_dry_run" checked' in form.content.decode()
    listing = staff_client.get(reverse("directory:import_list")).content.decode()
    assert "personnes-exemple.csv" in listing and "1 créations, 1 mises à jour, 0 rejets" in listing


@pytest.mark.django_db
def test_progress_polls_while_running_and_reloads_when_done(staff_client, staff):
    job = job_with_rows(staff, 2)
    job.status = ImportJob.Status.RUNNING
    job.total_rows = 2
    job.save()
    running = staff_client.get(reverse("directory:import_progress", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in running.content.decode() and "HX-Refresh" not in running
    page = staff_client.get(reverse("directory:import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'class="progress"' in page

    job.status = ImportJob.Status.DONE
    job.save()
    done = staff_client.get(reverse("directory:import_progress", args=[job.pk]))
    assert done["HX-Refresh"] == "true" and "every 1s" not in done.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["directory:import", "directory:import_list"])
def test_researchers_get_403_and_anonymous_users_the_login_page(client, researcher, name):
    anonymous = client.get(reverse(name))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(researcher)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {"file": fixture_file("personnes-exemple.csv")}).status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_report_page_query_count_does_not_grow_with_rows(staff_client, staff, django_assert_max_num_queries):
    small, large = job_with_rows(staff, 4), job_with_rows(staff, 180)
    counts = []
    for job in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("directory:import_job", args=[job.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        staff_client.get(reverse("directory:import_job", args=[large.pk]) + "?action=rejected")


@pytest.mark.django_db
def test_job_list_query_count_does_not_grow_with_jobs(staff_client, staff):
    counts = []
    for n in (1, 12):
        for _ in range(n):
            job_with_rows(staff, 2)
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(reverse("directory:import_list"))
        counts.append(len(queries))
    assert counts[0] == counts[1]
