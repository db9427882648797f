from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def collaboration_network(request: HttpRequest) -> HttpResponse:
    return render(request, "core/base.html")
