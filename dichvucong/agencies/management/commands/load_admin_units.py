from django.core.management.base import BaseCommand

from dichvucong.agencies.services import admin_units_load


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu (sau sắp xếp 01/7/2025)."

    def handle(self, *args, **options):
        counts = admin_units_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp {counts['provinces']} tỉnh, thành phố và {counts['communes']} xã, phường."
            )
        )
