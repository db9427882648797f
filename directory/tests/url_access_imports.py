"""Who may use the directory import pages: the secretariat only (``directory.import``)."""

from config.tests.access import Access, Rule

# The permission is checked before the job is looked up, so any id will do.
URL_ACCESS = {
    "directory:import": Rule(Access.STAFF),
    "directory:import_list": Rule(Access.STAFF),
    "directory:import_job": Rule(Access.STAFF, kwargs=lambda w: {"pk": 1}),
    "directory:import_progress": Rule(Access.STAFF, kwargs=lambda w: {"pk": 1}),
    "directory:import_run": Rule(Access.STAFF, kwargs=lambda w: {"pk": 1}, method="post"),
}
