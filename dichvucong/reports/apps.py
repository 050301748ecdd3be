from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The QĐ 766 scorecard computed from our own dossiers, public statistics and the leaders' reports."""

    name = "dichvucong.reports"
    label = "reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self) -> None:
        from dichvucong.dossiers.workflow import subscribe

        # Every committed transition may change a dossier's KPI facts (end, lateness, supplement time).
        subscribe(_refresh_facts)
        # …and so may a rating, a PAKN, a payment, an e-result, the national acknowledgement (no transition).
        from dichvucong.reports import triggers

        triggers.connect()


def _refresh_facts(change) -> None:
    from dichvucong.reports.refresh import on_transition

    on_transition(change)
