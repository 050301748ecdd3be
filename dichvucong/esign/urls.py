"""URLs of the esign app."""

from django.urls import path  # noqa: F401

app_name = "esign"
urlpatterns: list = []
