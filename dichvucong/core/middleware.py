from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose another language (cookie set by the language switcher).

    The browser's Accept-Language is ignored on purpose: a citizen whose phone is set to English
    still gets the official Vietnamese wording unless they ask for the translation.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PrivatePagesMiddleware:
    """``Cache-Control: no-store`` on every answer made for a signed-in person or an API token holder.

    Such pages carry personal data (a dossier, a receipt, the staff inbox): a shared computer's browser
    cache, the back button after signing out, or a proxy must not keep them. Anonymous public pages keep
    whatever caching their views chose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (
            (user is not None and user.is_authenticated)
            or getattr(request, "auth", None) is not None
            or "HTTP_AUTHORIZATION" in request.META
        )
        if personal:
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        return response
