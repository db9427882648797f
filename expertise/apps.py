from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "expertise"
    verbose_name = _("Expertise et collaborations")

    def ready(self) -> None:
        from core.demo import DemoStep, register_demo_step
        from core.navigation import NavItem, PageSection, register, register_section
        from expertise import permissions  # noqa: F401 - rules registrations
        from outputs.signals import publications_changed

        register(NavItem(_("Réseau"), "expertise:network", order=40))
        register(NavItem(_("Experts"), "expertise:search", order=35))
        register_section(
            PageSection(
                "directory.person", "expertise/_search_person_section.html", _person_section, order=30
            )
        )
        register_demo_step(DemoStep("expertise-index", order=25, run=_build_demo_index))
        publications_changed.connect(_publications_changed, dispatch_uid="expertise.refresh_vectors")


def _publications_changed(sender, person_ids, **kwargs):  # type: ignore[no-untyped-def]
    """Refresh the vectors of these people's publications once the transaction commits."""
    from django.db import transaction

    from expertise.tasks import refresh_expertise_vectors_task

    ids = sorted({int(pk) for pk in person_ids})
    transaction.on_commit(lambda: refresh_expertise_vectors_task.enqueue(ids))


def _person_section(person, user):  # type: ignore[no-untyped-def]
    return {"person": person}


def _build_demo_index(context):  # type: ignore[no-untyped-def]
    from expertise.demo import build_demo_index

    return build_demo_index()
