"""Sign the PDF results of the last days that are still unsigned (a key was missing, a crash): run
periodically."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dichvucong.esign.services import results_sign_pending


class Command(BaseCommand):
    help = "Ký số các kết quả PDF chưa được ký."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)
        parser.add_argument("--days", type=int, default=7, help="chỉ các kết quả ban hành trong số ngày này")

    def handle(self, *args, **options):
        signed = results_sign_pending(limit=options["limit"], days=options["days"])
        self.stdout.write(f"Đã ký {signed} kết quả.")
