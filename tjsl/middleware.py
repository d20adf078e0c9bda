"""The interface language (Bahasa Indonesia unless the user picked English with the switch),
the user's time zone, the refusal of NUL bytes in addresses, and the API's RateLimit headers."""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _


class InterfaceLanguageMiddleware(LocaleMiddleware):
    """Pages ignore the browser's Accept-Language (many offices run English browsers, yet
    the product speaks Indonesian by default); the choice made with the language switch
    (its cookie) decides. The API keeps Django's negotiation, so other systems get
    messages in the language of their Accept-Language header."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulBytesMiddleware:
    """A NUL byte in the address or the query string is a 400 before any view runs.

    PostgreSQL cannot hold NUL in text, so such a value would make any look-up fail
    with a 500 (/handovers/verify/abc%00/); no legitimate link ever carries one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = ((key, value) for key, values in request.GET.lists() for value in values)
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in query):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        message = _("The address contains a character that is not allowed (a NUL byte).")
        if request.path_info.startswith("/api/"):
            from .problems import MEDIA_TYPE, problem

            return JsonResponse(problem(400, code="nul_byte", detail=message), status=400, content_type=MEDIA_TYPE)
        return render(request, "400.html", {"message": message}, status=400)


class UserTimeZoneMiddleware:
    """Times are shown in the signed-in user's time zone (WIB, WITA or WIT); visitors see WIB."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        time_zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        with timezone.override(time_zone or settings.TIME_ZONE):
            return self.get_response(request)


class RateLimitHeadersMiddleware:
    """`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) on API answers,
    for the tightest limit the request counted against (the throttles note it on the request),
    so that a client slows down before it meets a 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "rate_limit", None)
        if state is not None:
            response["RateLimit-Limit"] = str(state.limit)
            response["RateLimit-Remaining"] = str(state.remaining)
            response["RateLimit-Reset"] = str(state.reset)
        return response
