from django.urls import path

from dichvucong.reports import leader_views, views

app_name = "reports"

urlpatterns = [
    path("bao-cao/chi-so-766/", views.scorecard_page, name="scorecard"),
    path("bao-cao/chi-so-766/ho-so/", views.drilldown_page, name="drilldown"),
    path("bao-cao/bao-cao-thang/", leader_views.monthly_report_page, name="monthly"),
]
