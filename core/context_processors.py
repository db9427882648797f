from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def platform(request: HttpRequest) -> dict:
    """What every page needs: the platform's name and the navigation the user may see."""
    from core.navigation import navigation_for

    return {
        "PLATFORM_NAME": "Cancéropôle Île-de-France",
        "navigation": SimpleLazyObject(lambda: navigation_for(request.user, request.path)),
        "LANGUAGES": settings.LANGUAGES,
    }
