from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The QĐ 766 scorecard computed from our own dossiers, public statistics and the leaders' reports."""

    name = "dichvucong.reports"
    label = "reports"
    verbose_name = "Báo cáo, thống kê"
