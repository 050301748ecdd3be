from django.core.management.base import BaseCommand

from dichvucong.core.demo import load_demo_data


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: đơn vị hành chính, cơ quan của tỉnh mẫu và danh mục thủ tục (chạy lại an toàn)."

    def handle(self, *args, **options):
        counts = load_demo_data()
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu ({summary})."))
