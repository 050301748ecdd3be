from django.urls import re_path

from dichvucong.reports import leader_views

app_name = "report_exports"
FMT = r"(?P<fmt>xlsx|pdf)"
urlpatterns = [
    re_path(rf"^bao-cao/xuat/chi-so-766\.{FMT}$", leader_views.scorecard_export, name="scorecard"),
    re_path(rf"^bao-cao/xuat/chi-so-766/ho-so\.{FMT}$", leader_views.drilldown_export, name="drilldown"),
    re_path(rf"^bao-cao/xuat/bao-cao-thang\.{FMT}$", leader_views.monthly_report_export, name="monthly"),
]
