from config.tests.access import Access, Rule

URL_ACCESS = {
    "directory:people": Rule(Access.PUBLIC),
    "directory:person": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": w.person.pk}),
    "directory:teams": Rule(Access.PUBLIC),
    "directory:team": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": w.team.pk}),
    "directory:units": Rule(Access.PUBLIC),
    "directory:unit": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": w.unit.pk}),
    "directory:institutions": Rule(Access.PUBLIC),
    "directory:institution": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": w.institution.pk}),
    "directory:platforms": Rule(Access.PUBLIC),
    "directory:platform": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": w.platform.pk}),
    "directory:ttos": Rule(Access.PUBLIC),
    "directory:tto": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": w.tto.pk}),
}
