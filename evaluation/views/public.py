"""Views: public (see evaluation/urls.py).

The composition of evaluation committees, published after the campaign when the call says so
(INCa model: committee membership is made public after the evaluation). Only the names and
institutions of the committee's rapporteurs are shown; external reviewers stay anonymous and no
e-mail address is ever shown. A campaign whose committee is not published answers 404.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evaluation.selectors.decisions import committee_members, get_published_campaign, published_campaigns


@require_GET
def public_committees(request: HttpRequest) -> HttpResponse:
    return render(
        request, "evaluation/committee_public_list.html", {"campaigns": list(published_campaigns())}
    )


@require_GET
def public_committee(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_published_campaign(pk)
    return render(
        request,
        "evaluation/committee_public.html",
        {"campaign": campaign, "call": campaign.call, "members": committee_members(campaign)},
    )
