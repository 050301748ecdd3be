"""Late-risk alerts to the holder, the heads of unit and the leaders (schedule every 15–30 minutes).

Idempotent: a step is alerted once until it is handed over, a due date once until it changes."""

from django.core.management.base import BaseCommand

from dichvucong.processing.late import alerts_send


class Command(BaseCommand):
    help = "Gửi cảnh báo hồ sơ sắp đến hạn cho người xử lý, trưởng phòng và lãnh đạo."

    def handle(self, *args, **options):
        sent = alerts_send()
        self.stdout.write(f"Đã gửi {sent} cảnh báo.")
