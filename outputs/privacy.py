from core import privacy
from outputs.models import AuthorCandidate, Authorship, Publication, PublicationImport

privacy.register(
    Authorship,
    subject="person__user",
    fields=("publication", "position", "name", "orcid", "affiliation", "match"),
    erase="anonymise",
    anonymise={"person": None, "orcid": "", "match": Authorship.Match.UNMATCHED},
    lawful_basis="public interest task (published bibliographic records)",
    retention="as long as the publication is listed",
)
privacy.register(
    PublicationImport,
    subject="created_by",
    fields=("created_at", "original_name", "format", "status"),
    erase="anonymise",
    anonymise={"created_by": None},
    lawful_basis="legitimate interest (traceability of imports)",
    retention="1 year",
)
privacy.declare_no_personal_data(Publication, "published bibliographic record")
privacy.declare_no_personal_data(AuthorCandidate, "link proposal between two records, no data of its own")
