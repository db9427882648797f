from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Appels à projets")

    def ready(self) -> None:
        from calls import eligibility, permissions, privacy  # noqa: F401 - rules, perms, personal-data registrations
        from core.demo import DemoStep, register_demo_step
        from core.navigation import NavItem, register

        register(NavItem(_("Appels à projets"), "calls:list", order=35))
        register_demo_step(DemoStep("calls", order=30, run=_seed_demo_calls, wipe=_wipe_demo_calls))


def _seed_demo_calls(context):  # type: ignore[no-untyped-def]
    from calls.demo import seed_calls

    return seed_calls()


def _wipe_demo_calls() -> None:
    from calls.models import Application, Call, Programme

    Application.objects.filter(parent__isnull=False).delete()
    Application.objects.all().delete()
    Call.objects.all().delete()
    Programme.objects.all().delete()
