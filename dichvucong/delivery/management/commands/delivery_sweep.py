import time

from django.core.management.base import BaseCommand

from dichvucong.delivery.services import delivery_sweep


class Command(BaseCommand):
    help = (
        "Bưu chính công ích: tạo đơn còn thiếu (nhận hồ sơ giấy tại nhà, phát kết quả), gửi lại đơn lỗi, "
        "tra cứu trạng thái ở bưu điện không có webhook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="chạy lặp lại sau mỗi N giây")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, every: int, limit: int, **options):
        while True:
            counts = delivery_sweep(limit=limit)
            self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
            if not every:
                return
            time.sleep(every)
