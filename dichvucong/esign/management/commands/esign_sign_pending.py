"""Sign the PDF results that are still unsigned (a key was missing, a crash): run periodically."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dichvucong.esign.services import results_sign_pending


class Command(BaseCommand):
    help = "Ký số các kết quả PDF chưa được ký."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, **options):
        signed = results_sign_pending(limit=options["limit"])
        self.stdout.write(f"Đã ký {signed} kết quả.")
