from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from config.api import api
from dichvucong.core import views as core_views

# The admin asks for the second factor too (authenticator app or a single-use backup code).
admin.site.__class__ = OTPAdminSite

handler404 = "dichvucong.core.views.page_not_found"
handler500 = "dichvucong.core.views.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # The language switch in every page's header: no CSRF token, so anonymous pages carry none and a proxy
    # may keep them (core.caching). Forging it only changes someone's display language.
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("dichvucong.catalogue.urls")),
    path("", include("dichvucong.agencies.urls")),
    path("", include("dichvucong.accounts.urls")),
    path("", include("dichvucong.notifications.urls")),
    path("", include("dichvucong.documents.urls")),
    path("", include("dichvucong.dossiers.urls")),
    path("", include("dichvucong.processing.urls")),
    path("", include("dichvucong.counters.urls")),
    path("", include("dichvucong.payments.urls")),
    path("", include("dichvucong.delivery.urls")),
    path("", include("dichvucong.national.urls")),
    path("", include("dichvucong.esign.urls")),
    path("", include("dichvucong.ratings.urls")),
    path("", include("dichvucong.reports.public_urls")),
    path("", include("dichvucong.reports.urls")),
    path("", include("dichvucong.reports.leader_urls")),
    path("", include("dichvucong.portal.urls")),
    path("", include("dichvucong.feedback.urls")),
]
