from core import privacy
from directory.models import Affiliation, ImportJob, Institution, Person, Platform, TechTransferOffice

privacy.register(
    Person,
    subject="user",
    fields=(
        "first_name",
        "last_name",
        "title",
        "career_stage",
        "email",
        "phone",
        "orcid",
        "idref",
        "gender",
        "bio",
        "keywords",
        "visibility",
    ),
    erase="anonymise",
    anonymise={
        "first_name": "—",
        "last_name": lambda p: f"Personne effacée #{p.pk}",
        "title": "",
        "email": "",
        "phone": "",
        "orcid": "",
        "idref": "",
        "gender": "",
        "bio": "",
        "search_text": "",
        "visibility": {},
        "user": None,
    },
    lawful_basis="public interest task (knowing the regional research ecosystem)",
    retention="while the person belongs to the network, then 3 years",
)
privacy.register(
    Affiliation,
    subject="person__user",
    fields=("institution", "unit", "team", "position", "start", "end"),
    erase="delete",
    lawful_basis="public interest task (knowing the regional research ecosystem)",
)
privacy.register(
    ImportJob,
    subject="created_by",
    fields=("created_at", "original_name", "status"),
    erase="anonymise",
    anonymise={"created_by": None},
    lawful_basis="legitimate interest (traceability of imports)",
    retention="1 year",
)
privacy.declare_no_personal_data(Institution, "contact data of organisations, not of people")
privacy.declare_no_personal_data(Platform, "generic contact address of a platform")
privacy.declare_no_personal_data(TechTransferOffice, "generic contact address of an office")
