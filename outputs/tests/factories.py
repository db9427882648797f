import factory

from outputs.models import AuthorCandidate, Authorship, Publication, PublicationImport
from outputs.text import title_key


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(
        lambda n: f"Tumour-associated macrophages in uveal melanoma metastases, study {n}"
    )
    title_key = factory.LazyAttribute(lambda o: title_key(o.title))
    abstract = "We profiled liver metastases of uveal melanoma and found exhausted T cells."
    language = "en"
    year = 2021
    venue = "Nature Communications"
    doi = factory.Sequence(lambda n: f"10.5555/test.{n:05d}")
    sources = factory.LazyFunction(lambda: ["bibtex"])


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    publication = factory.SubFactory(PublicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    family_name = "Lefèvre"
    given_names = "Marie"
    name = factory.LazyAttribute(lambda o: f"{o.family_name}, {o.given_names}")
    match = Authorship.Match.UNMATCHED


class AuthorCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorCandidate

    authorship = factory.SubFactory(AuthorshipFactory, match=Authorship.Match.AMBIGUOUS)
    score = 0.5
    reason = "nom compatible, affiliation non publiée"


class PublicationImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicationImport

    file = "publication-imports/sample.bib"
    original_name = "sample.bib"
    format = PublicationImport.Format.BIBTEX
    status = PublicationImport.Status.DONE
