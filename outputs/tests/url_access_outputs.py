"""Who may open each page of the publications domain (see ``config/tests/access.py``)."""

from config.tests.access import Access, Rule


def _authorship_of_someone_else(world):  # type: ignore[no-untyped-def]
    from outputs.models import Authorship
    from outputs.tests.factories import AuthorshipFactory

    return AuthorshipFactory(person=world.person, match=Authorship.Match.ORCID)


def _ambiguous(world):  # type: ignore[no-untyped-def]
    from outputs.tests.factories import AuthorCandidateFactory

    return AuthorCandidateFactory(person=world.person).authorship


def _job_of_someone_else(world):  # type: ignore[no-untyped-def]
    from outputs.tests.factories import PublicationImportFactory

    return PublicationImportFactory(created_by=world.other_user, for_person=world.person)


URL_ACCESS = {
    "outputs:list": Rule(Access.PUBLIC),
    "outputs:publication": Rule(
        Access.PUBLIC, kwargs=lambda w: {"pk": _authorship_of_someone_else(w).publication_id}
    ),
    "outputs:mine": Rule(Access.SIGNED_IN),
    "outputs:import_own": Rule(Access.SIGNED_IN),
    "outputs:claim": Rule(
        Access.OWNER, kwargs=lambda w: {"pk": _authorship_of_someone_else(w).pk}, method="post"
    ),
    "outputs:unclaim": Rule(
        Access.OWNER, kwargs=lambda w: {"pk": _authorship_of_someone_else(w).pk}, method="post"
    ),
    "outputs:import_unit": Rule(Access.STAFF),
    "outputs:import_job": Rule(Access.OWNER, kwargs=lambda w: {"pk": _job_of_someone_else(w).pk}),
    "outputs:import_progress": Rule(Access.OWNER, kwargs=lambda w: {"pk": _job_of_someone_else(w).pk}),
    "outputs:review_queue": Rule(Access.STAFF),
    "outputs:review_decide": Rule(Access.STAFF, kwargs=lambda w: {"pk": _ambiguous(w).pk}, method="post"),
}
