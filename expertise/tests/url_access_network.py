"""Who may open the collaboration network: everyone (it shows institution and team names only)."""

from config.tests.access import Access, Rule

URL_ACCESS = {
    "expertise:network": Rule(Access.PUBLIC),
    "expertise:network_data": Rule(Access.PUBLIC),
}
