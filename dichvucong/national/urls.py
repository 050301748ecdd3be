"""URLs of the national app."""

from django.urls import path  # noqa: F401

app_name = "national"
urlpatterns: list = []
