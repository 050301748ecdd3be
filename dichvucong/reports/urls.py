from django.urls import path

from dichvucong.reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/chi-so-766/", views.scorecard_page, name="scorecard"),
    path("bao-cao/chi-so-766/ho-so/", views.drilldown_page, name="drilldown"),
]
