"""The documents router on its own API, so its tests do not depend on where the site mounts it."""

from django.urls import path
from ninja import NinjaAPI

from dichvucong.documents.api import router

api = NinjaAPI(title="documents-test", urls_namespace="documents-api-test", docs_url=None)
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
