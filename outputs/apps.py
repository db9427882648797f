from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutputsConfig(AppConfig):
    name = "outputs"
    verbose_name = _("Productions scientifiques")

    def ready(self) -> None:
        from accounts.permissions import is_secretariat
        from core.demo import DemoStep, register_demo_step
        from core.navigation import NavItem, PageSection, register, register_section
        from outputs import permissions, privacy  # noqa: F401 - rules and personal-data registrations

        register(NavItem(_("Publications"), "outputs:list", order=40))
        register_section(
            PageSection(
                "directory.person", "outputs/_person_publications.html", _person_publications, order=20
            )
        )
        register_demo_step(
            DemoStep("publications", order=20, run=_seed_demo_publications, wipe=_wipe_demo_publications)
        )
        register(
            NavItem(
                _("Auteurs à vérifier"),
                "outputs:review_queue",
                order=920,
                visible=is_secretariat.test,
                section="staff",
            )
        )


def _seed_demo_publications(context):  # type: ignore[no-untyped-def]
    from directory.models import Person
    from outputs.demo import seed_publications

    people = list(Person.objects.order_by("pk"))
    report = seed_publications(context.rng("publications"), people)
    return {"publications": report.get("publications", 0), "authorships": report.get("authorships", 0)}


def _wipe_demo_publications() -> None:
    from outputs.models import Publication, PublicationImport

    PublicationImport.objects.all().delete()
    Publication.objects.all().delete()


def _person_publications(person, user, limit: int = 10):  # type: ignore[no-untyped-def]
    from outputs import selectors

    publications = selectors.publications_of(person)
    shown = list(publications[: limit + 1])
    return {
        "person": person,
        "publications": shown[:limit],
        "more": len(shown) > limit,
        "total": publications.count() if len(shown) > limit else len(shown),
    }
