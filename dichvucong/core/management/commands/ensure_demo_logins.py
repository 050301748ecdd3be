import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_ADMIN_USERNAME = "quantri"
DEMO_ADMIN_DEFAULT_PASSWORD = "QuanTri@Demo2026"  # noqa: S105 - demo machine only, printed on purpose


class Command(BaseCommand):
    help = "Tạo (hoặc đặt lại) tài khoản dùng thử trên máy phát triển và in ra thông tin đăng nhập."

    def handle(self, *args, **options):
        if not (settings.DEBUG or os.environ.get("DVC_DEV") == "1"):
            raise CommandError("Chỉ dùng trên máy phát triển (DVC_DEV=1).")
        password = os.environ.get("DVC_DEMO_ADMIN_PASSWORD", DEMO_ADMIN_DEFAULT_PASSWORD)
        user_model = get_user_model()
        user, _created = user_model.objects.get_or_create(username=DEMO_ADMIN_USERNAME)
        user.is_staff = user.is_superuser = True
        user.kind = user_model.Kind.STAFF
        user.full_name = "Quản trị hệ thống (dùng thử)"
        user.set_password(password)
        user.save()
        self.stdout.write("Tài khoản dùng thử:")
        self.stdout.write(f"  Quản trị hệ thống: {DEMO_ADMIN_USERNAME} / {password}  (trang /quan-tri/)")
