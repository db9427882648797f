"""Who may open the directory back office (secretariat only) and the own-profile page."""

from config.tests.access import Access, Rule

_KINDS = {
    "person": lambda w: w.person.pk,
    "team": lambda w: w.team.pk,
    "unit": lambda w: w.unit.pk,
    "institution": lambda w: w.institution.pk,
    "platform": lambda w: w.platform.pk,
    "tto": lambda w: w.tto.pk,
}


def _edit_rule(pk):  # type: ignore[no-untyped-def]
    return Rule(Access.STAFF, kwargs=lambda w: {"pk": pk(w)})


URL_ACCESS = {
    "directory:backoffice": Rule(Access.STAFF),
    **{f"directory:bo_{kind}_list": Rule(Access.STAFF) for kind in _KINDS},
    **{f"directory:bo_{kind}_create": Rule(Access.STAFF) for kind in _KINDS},
    **{f"directory:bo_{kind}_edit": _edit_rule(pk) for kind, pk in _KINDS.items()},
    "directory:bo_affiliation_add": Rule(Access.STAFF, kwargs=lambda w: {"pk": w.person.pk}),
    "directory:bo_affiliation_end": Rule(
        Access.STAFF, kwargs=lambda w: {"pk": w.person.affiliations.first().pk}, method="post"
    ),
    "directory:bo_affiliation_remove": Rule(
        Access.STAFF, kwargs=lambda w: {"pk": w.person.affiliations.first().pk}, method="post"
    ),
    "directory:bo_choices": Rule(Access.STAFF, kwargs=lambda w: {"source": "people"}),
    # Any signed-in user: people with a directory record edit it, others are told how to get one.
    "directory:profile_edit": Rule(Access.SIGNED_IN),
}
