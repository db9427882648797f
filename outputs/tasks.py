"""Background work of the publications domain. Tasks take ids, re-read the rows and call a service."""

from django_tasks import task

from outputs.models import PublicationImport


@task()
def run_publication_import_task(job_id: int) -> None:
    """Run a pending publication import (see ``outputs.importing.run_publication_import``)."""
    from outputs.importing import run_publication_import

    job = (
        PublicationImport.objects.select_related("created_by", "for_person", "for_unit")
        .filter(pk=job_id, status=PublicationImport.Status.PENDING)
        .first()
    )
    if job is not None:
        run_publication_import(job=job)
