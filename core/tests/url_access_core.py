from config.tests.access import Access, Rule

URL_ACCESS = {
    "core:home": Rule(Access.PUBLIC),
    "core:privacy": Rule(Access.PUBLIC),
    "set_language": Rule(Access.PUBLIC, method="post"),
}
