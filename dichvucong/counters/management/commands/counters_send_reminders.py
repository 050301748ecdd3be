from django.core.management.base import BaseCommand

from dichvucong.counters.bookings import booking_mark_no_shows, booking_send_reminders


class Command(BaseCommand):
    help = (
        "Nhắc lịch hẹn trong 24 giờ tới (mỗi lịch hẹn chỉ nhắc một lần, không gửi từ 21:00 đến 07:00) "
        "và ghi 'không đến' cho lịch hẹn đã quá giờ. Chạy lại bao nhiêu lần cũng được, ví dụ 15 phút một lần."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="Nhắc lịch hẹn trong số giờ tới (mặc định 24)."
        )

    def handle(self, *args, hours: int, **options):
        sent = booking_send_reminders(hours_ahead=hours)
        missed = booking_mark_no_shows()
        self.stdout.write(f"Đã nhắc {sent} lịch hẹn; {missed} lịch hẹn ghi là không đến.")
