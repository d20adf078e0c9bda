"""The interface language: Bahasa Indonesia unless the user picked English with the switch."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
