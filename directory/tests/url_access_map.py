from config.tests.access import Access, Rule

URL_ACCESS = {
    "directory:map": Rule(Access.PUBLIC),
}
