"""Background work of the directory. Tasks take ids, re-read the rows and call a service."""

from django_tasks import task

from directory.models import ImportJob


@task()
def run_directory_import(job_id: int) -> None:
    """Run a pending import job (see ``directory.importing.run_import``)."""
    from directory.importing import run_import

    job = ImportJob.objects.select_related("created_by", "source").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.PENDING:
        return
    run_import(job=job)
