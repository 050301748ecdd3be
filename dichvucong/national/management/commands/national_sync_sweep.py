import time

from django.core.management.base import BaseCommand

from dichvucong.national.sync import sync_sweep


class Command(BaseCommand):
    help = (
        "Đồng bộ Cổng Dịch vụ công quốc gia: đưa lại vào hàng đợi các hồ sơ đến hạn gửi lại, "
        "hồ sơ bị treo ở trạng thái đang gửi và thay đổi chưa được ghi nhận."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="chạy lặp lại sau mỗi N giây")

    def handle(self, *args, every: int, **options):
        while True:
            counts = sync_sweep()
            if options["verbosity"] >= 1:
                self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
            if not every:
                return
            time.sleep(every)
