from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Évaluation scientifique")

    def ready(self) -> None:
        from core.demo import DemoStep, register_demo_step
        from core.navigation import PageSection, register_section
        from evaluation import permissions, privacy  # noqa: F401 - perms and personal-data registrations
        from evaluation.navigation import register_navigation

        register_navigation()
        register_section(
            PageSection("calls.call", "evaluation/_call_committees.html", _call_committees, order=50)
        )
        register_section(
            PageSection(
                "calls.application", "evaluation/_application_decision.html", _application_decision, order=10
            )
        )
        # after the directory, the publications (20), the expertise index (25) and the calls (30)
        register_demo_step(
            DemoStep("evaluation", order=40, run=_seed_demo_evaluation, wipe=_wipe_demo_evaluation)
        )


def _application_decision(application, user):  # type: ignore[no-untyped-def]
    """The decision on an application, once its letter is sent, on the application's own page
    (which only its applicant, accepted partners and the secretariat can open)."""
    from evaluation.selectors.decisions import sent_letters

    return {"letters": sent_letters(application) if application.was_received else []}


def _call_committees(call, user):  # type: ignore[no-untyped-def]
    """The published committees of a call, on its public page."""
    from evaluation.selectors.decisions import published_campaigns

    return {"campaigns": list(published_campaigns().filter(call=call))}


def _seed_demo_evaluation(context):  # type: ignore[no-untyped-def]
    from evaluation.demo import seed_evaluation

    return seed_evaluation(rng=context.rng("evaluation"))


def _wipe_demo_evaluation() -> None:
    from evaluation.demo import wipe_evaluation

    wipe_evaluation()
