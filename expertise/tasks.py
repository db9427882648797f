"""Background work of the expertise domain. Tasks take ids, re-read the rows and call a service."""

from django_tasks import task


@task()
def refresh_expertise_vectors_task(person_ids: list[int]) -> int:
    """Compute the vectors of ``person_ids``' new or changed publications and bump the index
    version (``expertise.services.refresh_vectors``); immediate in dev and tests."""
    from expertise.services import refresh_vectors

    return refresh_vectors(person_ids=person_ids)
