"""Template helpers of the campaign pages, used by ``evaluation/_campaign_head.html``:

- ``{% campaign_header campaign active as head %}``: ``head.tabs`` (the tabs whose page exists,
  see ``evaluation.selectors.campaigns.campaign_tabs``), ``head.staff`` (the viewer manages
  campaigns) and ``head.home_url`` (the campaign list for staff, the committee index otherwise);
- ``{{ campaign.status|campaign_status_class }}``: the badge class of a campaign's status.
"""

from typing import Any

from django import template

from accounts.permissions import is_secretariat
from evaluation.selectors.campaigns import safe_reverse
from evaluation.selectors.campaigns_steps import campaign_tabs

register = template.Library()

STATUS_CLASSES = {
    "setup": "badge-other",
    "reviewing": "badge-partner",
    "committee": "badge-member",
    "decided": "badge-ok",
}


@register.simple_tag(takes_context=True)
def campaign_header(context: Any, campaign: Any, active: str = "") -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    staff = bool(is_secretariat(user))
    home = "evaluation:campaign_list" if staff else "evaluation:committee_index"
    return {
        "tabs": campaign_tabs(campaign, active or "", user),
        "staff": staff,
        "home_url": safe_reverse(home),
    }


@register.filter
def campaign_status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "badge-other")
