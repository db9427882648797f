from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Évaluation scientifique")

    def ready(self) -> None:
        from evaluation import permissions, privacy  # noqa: F401 - perms and personal-data registrations
        from core.navigation import PageSection, register_section
        from evaluation.navigation import register_navigation

        register_navigation()
        register_section(
            PageSection("calls.call", "evaluation/_call_committees.html", _call_committees, order=50)
        )


def _call_committees(call, user):  # type: ignore[no-untyped-def]
    """The published committees of a call, on its public page."""
    from evaluation.selectors.decisions import published_campaigns

    return {"campaigns": list(published_campaigns().filter(call=call))}
