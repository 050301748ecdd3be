"""SLA alerts on feedback (phản ánh, kiến nghị): due within one working day, or overdue. Idempotent."""

from django.core.management.base import BaseCommand

from dichvucong.feedback.alerts import alerts_send


class Command(BaseCommand):
    help = "Gửi cảnh báo phản ánh, kiến nghị sắp đến hạn hoặc quá hạn cho cán bộ của cơ quan."

    def handle(self, *args, **options):
        sent = alerts_send()
        self.stdout.write(
            f"Đã gửi {sent['due_soon']} cảnh báo sắp đến hạn, {sent['overdue']} cảnh báo quá hạn."
        )
