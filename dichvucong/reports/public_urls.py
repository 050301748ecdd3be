from django.urls import path

from dichvucong.reports import public_views

app_name = "public_stats"
urlpatterns = [
    path("thong-ke/", public_views.statistics_page, name="statistics"),
]
