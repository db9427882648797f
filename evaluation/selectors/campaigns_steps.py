"""What the secretariat should do next in a campaign (the hub's "next step" panel), what stops
the reviews from opening, and the tabs of a campaign's pages (pages that do not exist yet are left
out). Pure functions of a campaign and its ``Progress``: no query of their own."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_secretariat
from evaluation.models import Campaign
from evaluation.selectors.campaigns import Progress, safe_reverse

# --- what to do next -----------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    title: str
    text: str
    action: str = ""  # the button's label
    url: str | None = None
    done: bool = False


def _step(title: Any, text: Any, button: Any, name: str, **kwargs: Any) -> NextStep:
    """A step whose button leads to the page ``evaluation:<name>`` (``kwargs``: its URL's)."""
    url = safe_reverse(f"evaluation:{name}", kwargs)
    return NextStep(title=str(title), text=str(text), action=str(button), url=url)


def open_reviews_blockers(campaign: Campaign, progress: Progress) -> list[str]:
    """Why the reviews cannot be opened yet (empty: they can)."""
    reasons = []
    if campaign.status != Campaign.Status.SETUP:
        reasons.append(
            str(_("Les évaluations ne s'ouvrent qu'une fois, depuis une campagne en préparation."))
        )
    if campaign.review_deadline is None:
        reasons.append(str(_("Fixez la date limite des évaluations dans les réglages de la campagne.")))
    elif campaign.review_deadline <= timezone.now():
        reasons.append(str(_("La date limite des évaluations est passée : repoussez-la dans les réglages.")))
    if progress.criteria == 0:
        reasons.append(
            str(_("L'appel n'a aucun critère d'évaluation : ajoutez-en dans la configuration de l'appel."))
        )
    if progress.applications == 0:
        reasons.append(str(_("Aucune candidature n'a été déclarée éligible à cette étape de l'appel.")))
    return reasons


def next_step(campaign: Campaign, progress: Progress) -> NextStep:
    """The one thing the secretariat should do now, from the campaign's status and figures."""
    pk = campaign.pk
    status = Campaign.Status
    if campaign.status == status.SETUP:
        if progress.criteria == 0:
            return NextStep(
                title=str(_("Définissez les critères d'évaluation")),
                text=str(_("Le formulaire d'évaluation est construit à partir des critères de l'appel.")),
                action=str(_("Configurer les critères")),
                url=safe_reverse("calls:setup_call_tab", {"pk": campaign.call_id, "tab": "criteria"}),
            )
        if progress.applications == 0:
            return NextStep(
                title=str(_("Déclarez l'éligibilité des candidatures")),
                text=str(_("Aucune candidature de cette étape n'est encore déclarée éligible.")),
                action=str(_("Suivi de l'appel")),
                url=safe_reverse("calls:followup_dashboard", {"pk": campaign.call_id}),
            )
        if progress.accepted == 0 and progress.invited == 0:
            return _step(
                _("Invitez des évaluateur·rices"),
                _(
                    "Constituez le vivier : membres de l'annuaire ou expert·es extérieur·es invité·es par e-mail."
                ),
                _("Constituer le vivier"),
                "pool",
                pk=pk,
            )
        short = [r for r in progress.roles if r.short > 0]
        if short:
            role = short[0]
            text = _(
                "Capacité insuffisante pour le rôle « %(role)s » : %(capacity)s évaluations possibles "
                "pour %(needed)s demandées."
            ) % {"role": role.label, "capacity": role.capacity, "needed": role.needed}
            if role.invited:
                text = f"{text} " + str(_("%(n)s invitation(s) en attente de réponse.") % {"n": role.invited})
            return _step(_("Complétez le vivier"), text, _("Ouvrir le vivier"), "pool", pk=pk)
        if progress.assigned == 0:
            return _step(
                _("Lancez l'affectation"),
                _(
                    "Vérifiez d'abord les conflits d'intérêts détectés, puis lancez l'affectation automatique."
                ),
                _("Affectation"),
                "assignment",
                pk=pk,
            )
        if progress.proposed:
            return _step(
                _("Notifiez les affectations"),
                _("%(n)s affectation(s) proposée(s) ne sont pas encore notifiées aux évaluateur·rices.")
                % {"n": progress.proposed},
                _("Affectation"),
                "assignment",
                pk=pk,
            )
        if progress.notified < progress.needed:
            return _step(
                _("Complétez l'affectation"),
                _("%(done)s évaluations affectées sur %(needed)s demandées.")
                % {"done": progress.notified, "needed": progress.needed},
                _("Affectation"),
                "assignment",
                pk=pk,
            )
        if campaign.review_deadline is None:
            return _step(
                _("Fixez la date limite des évaluations"),
                _("Elle est annoncée aux évaluateur·rices et déclenche les relances."),
                _("Modifier les réglages"),
                "campaign_edit",
                pk=pk,
            )
        return _step(
            _("Ouvrez les évaluations"),
            _("Les évaluateur·rices verront leurs dossiers et pourront rendre leurs évaluations."),
            _("Ouvrir les évaluations"),
            "campaign_transition",
            pk=pk,
            action="open_reviews",
        )
    if campaign.status == status.REVIEWING:
        if progress.proposed:
            return _step(
                _("Notifiez les affectations en attente"),
                _("%(n)s affectation(s) proposée(s) ne sont pas encore notifiées.")
                % {"n": progress.proposed},
                _("Affectation"),
                "assignment",
                pk=pk,
            )
        if progress.submitted < progress.notified:
            return _step(
                _("Suivez les évaluations"),
                _("%(done)s évaluations rendues sur %(total)s.")
                % {"done": progress.submitted, "total": progress.notified},
                _("Voir les évaluations"),
                "campaign_reviews",
                pk=pk,
            )
        return _step(
            _("Passez à la délibération du comité"),
            _("Toutes les évaluations sont rendues."),
            _("Ouvrir la délibération"),
            "campaign_transition",
            pk=pk,
            action="start_committee",
        )
    if campaign.status == status.COMMITTEE:
        if progress.ranked < progress.outcomes:
            return _step(
                _("Classez les dossiers"),
                _("%(done)s dossiers classés sur %(total)s.")
                % {"done": progress.ranked, "total": progress.outcomes},
                _("Comité"),
                "committee",
                pk=pk,
            )
        return _step(
            _("Faites valider les décisions"),
            _("Le classement est complet : enregistrez la décision de l'instance qui valide la proposition."),
            _("Décisions"),
            "decisions",
            pk=pk,
        )
    if progress.letters_sent < progress.outcomes:
        return _step(
            _("Envoyez les courriers aux candidat·es"),
            _("%(done)s courriers envoyés sur %(total)s.")
            % {"done": progress.letters_sent, "total": progress.outcomes},
            _("Courriers"),
            "letters",
            pk=pk,
        )
    if campaign.publish_committee and campaign.committee_published_at is None:
        return _step(
            _("Publiez la composition du comité"),
            _("Les réglages de la campagne prévoient sa publication."),
            _("Décisions"),
            "decisions",
            pk=pk,
        )
    return NextStep(
        title=str(_("Campagne terminée")),
        text=str(_("Les décisions sont prises et les courriers envoyés.")),
        done=True,
    )


# --- tabs of a campaign's pages ------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str
    current: bool


TABS: tuple[tuple[str, Any, str], ...] = (
    ("overview", _("Vue d'ensemble"), "campaign"),
    ("pool", _("Vivier"), "pool"),
    ("conflicts", _("Conflits"), "conflicts"),
    ("assignment", _("Affectation"), "assignment"),
    ("reviews", _("Évaluations"), "campaign_reviews"),
    ("committee", _("Comité"), "committee"),
    ("decisions", _("Décisions"), "decisions"),
)


def campaign_tabs(campaign: Campaign, active: str, user: Any) -> list[Tab]:
    """The tabs of a campaign's pages whose page exists; a committee member who is not staff sees
    the committee tab only."""
    staff = is_secretariat(user)
    tabs = []
    for key, label, name in TABS:
        if not staff and key != "committee":
            continue
        url = safe_reverse(f"evaluation:{name}", {"pk": campaign.pk})
        if url is not None:
            tabs.append(Tab(key=key, label=str(label), url=url, current=key == active))
    return tabs
