from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        from accounts import privacy  # noqa: F401 - registers the personal data of accounts
        from accounts.permissions import is_secretariat
        from core.navigation import NavItem, register

        register(
            NavItem(
                _("Tableau de bord"),
                "accounts:backoffice",
                order=900,
                visible=is_secretariat.test,
                section="staff",
            )
        )
