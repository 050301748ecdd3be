"""Generate the demo certificate authority and one signing certificate per agency (run at setup).

Key material goes to ``DVC_ESIGN_DIR`` (``var/esign`` by default; never committed). Existing keys are kept.
Production does not use this: it points ``DVC_ESIGN_PKCS12_PATH`` (or a PKCS#11 token) at the real keys.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dichvucong.agencies.models import Agency
from dichvucong.core.modes import demo_mode
from dichvucong.esign import conf, keys


class Command(BaseCommand):
    help = "Tạo CA thử nghiệm và chứng thư số thử nghiệm cho từng cơ quan (chỉ ở chế độ demo)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[], help="mã cơ quan (mặc định: tất cả)")

    def handle(self, *args, **options):
        if not demo_mode():
            raise CommandError("Chỉ dùng ở chế độ trình diễn (DVC_DEMO=1) / demo mode only.")
        folder = conf.key_dir()
        _ca, created = keys.demo_ca_ensure(folder)
        self.stdout.write(f"CA: {folder / 'ca.cert.pem'} ({'mới tạo' if created else 'đã có'})")
        agencies = Agency.objects.order_by("code")
        if options["agency"]:
            agencies = agencies.filter(code__in=options["agency"])
        made = 0
        for agency in agencies.only("code", "name").iterator():
            _cert, created = keys.demo_agency_ensure(
                agency_code=agency.code, agency_name=agency.name, folder=folder
            )
            made += created
        self.stdout.write(f"{made} chứng thư số mới cho cơ quan, thư mục {folder}")
