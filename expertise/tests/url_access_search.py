"""Who may open the expert search pages: the search and the collaborators page are public (they
show only what each person lets the viewer see); reviewer suggestions need a staff or committee role."""

from config.tests.access import Access, Rule

URL_ACCESS = {
    "expertise:search": Rule(Access.PUBLIC),
    "expertise:collaborators": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": w.person.pk}),
    "expertise:suggest_reviewers": Rule(Access.STAFF),
}
