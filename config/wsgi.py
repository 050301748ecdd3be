"""WSGI entry point.

Anonymous public API endpoints that need no session, CSRF cookie, login, messages or HTML security policy
(today: ``POST /api/v1/tracking``) go through a second Django handler built with a short middleware list
(``config.settings.LEAN_MIDDLEWARE``); everything else gets the full stack. Both handlers serve the same
URLconf and views, so the lean path changes cost, not behaviour (tests call both).
"""

import os

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
full = get_wsgi_application()


class LeanHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        # BaseHandler reads settings.MIDDLEWARE; build this handler's chain from the lean list instead.
        full_list = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.LEAN_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full_list


lean = LeanHandler()
_LEAN_PATHS = frozenset(settings.LEAN_PATHS)


def application(environ, start_response):
    if environ.get("PATH_INFO", "") in _LEAN_PATHS:
        return lean(environ, start_response)
    return full(environ, start_response)
