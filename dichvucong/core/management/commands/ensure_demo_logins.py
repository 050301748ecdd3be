import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.agencies.models import Agency
from dichvucong.core.modes import demo_mode

DEMO_ADMIN_USERNAME = "quantri"
DEMO_ADMIN_DEFAULT_PASSWORD = "QuanTri@Demo2026"  # noqa: S105 - demo machine only, printed on purpose
DEMO_PASSWORD = "Hoa-Sen#2026xanh"  # noqa: S105 - demo machine only, printed on purpose
DEMO_CITIZEN = {
    "username": "038090012345",
    "kind": User.Kind.CITIZEN,
    "id_type": User.IdType.CCCD,
    "id_number": "038090012345",
    "full_name": "Nguyễn Văn An",
    "phone": "+84912345678",
    "email": "an.nguyen@example.vn",
}
# The commune's one-stop centre (000.01.31.H56) receives for the Ủy ban nhân dân phường (000.00.31.H56), whose
# procedures the demo offers: counter staff hold their role at both, processing staff at the Ủy ban.
CENTRE, COMMITTEE = "000.01.31.H56", "000.00.31.H56"
DEMO_STAFF = [
    ("tiepnhan.hacthanh", "Trần Thị Bình", (CENTRE, COMMITTEE), StaffRole.RECEPTIONIST),
    ("quantri.hacthanh", "Lê Văn Cường", (CENTRE, COMMITTEE), StaffRole.AGENCY_ADMIN),
    ("chuyenvien.hacthanh", "Phạm Thị Dung", (COMMITTEE,), StaffRole.SPECIALIST),
    ("truongphong.hacthanh", "Hoàng Văn Em", (COMMITTEE,), StaffRole.HEAD_OF_UNIT),
    ("lanhdao.hacthanh", "Vũ Thị Giang", (COMMITTEE,), StaffRole.LEADER),
    ("vanthu.hacthanh", "Đặng Văn Hùng", (COMMITTEE,), StaffRole.CLERK),
    ("buudien.hacthanh", "Bùi Thị Lan", (COMMITTEE,), StaffRole.POSTAL),
]
BACKUP_CODES_SHOWN = 3


class Command(BaseCommand):
    help = "Tạo (hoặc đặt lại) các tài khoản dùng thử trên máy phát triển và in ra thông tin đăng nhập."

    def handle(self, *args, **options):
        if not demo_mode():  # accounts with printed passwords exist only on a demo installation
            raise CommandError("Chỉ dùng ở chế độ dùng thử (DVC_DEMO=1 hoặc DVC_DEV=1).")
        password = os.environ.get("DVC_DEMO_ADMIN_PASSWORD", DEMO_ADMIN_DEFAULT_PASSWORD)
        with transaction.atomic():
            admin = self._user(
                DEMO_ADMIN_USERNAME,
                password,
                kind=User.Kind.STAFF,
                full_name="Quản trị hệ thống (dùng thử)",
                is_staff=True,
                is_superuser=True,
            )
            citizen_fields = {key: value for key, value in DEMO_CITIZEN.items() if key != "username"}
            citizen = self._user(DEMO_CITIZEN["username"], DEMO_PASSWORD, **citizen_fields)
            self._as_registered(citizen)
            staff = []
            for username, full_name, agency_codes, role in DEMO_STAFF:
                user = self._user(username, DEMO_PASSWORD, kind=User.Kind.STAFF, full_name=full_name)
                for agency in Agency.objects.filter(code__in=agency_codes):
                    AgencyMembership.objects.get_or_create(user=user, agency=agency, role=role)
                staff.append((user, role))
        self.stdout.write("Tài khoản dùng thử (mật khẩu, rồi lớp xác thực thứ hai):")
        self.stdout.write(f"  Quản trị hệ thống: {admin.username} / {password}  (trang /quan-tri/)")
        self.stdout.write(f"      mã dự phòng dùng một lần: {', '.join(self._backup_codes(admin))}")
        self.stdout.write(f"  Công dân: {citizen.username} / {DEMO_PASSWORD}")
        self.stdout.write(
            "      mã SMS (OTP) ở chế độ dùng thử: đăng nhập quản trị, xem /he-thong/thong-bao/"
        )
        for user, role in staff:
            self.stdout.write(f"  Cán bộ ({StaffRole(role).label}): {user.username} / {DEMO_PASSWORD}")
            self.stdout.write(f"      mã dự phòng dùng một lần: {', '.join(self._backup_codes(user))}")

    @staticmethod
    def _user(username: str, password: str, **fields) -> User:
        user, _created = User.objects.get_or_create(username=username, defaults=fields)
        for key, value in fields.items():
            setattr(user, key, value)
        user.is_active = True
        user.set_password(password)
        user.save()
        return user

    @staticmethod
    def _as_registered(citizen: User) -> None:
        """The demo citizen as a real one would be after signing up and proving the ID at the counter: phone
        and e-mail verified (official messages go only there), the ID number proven, so a tester who signs
        up with the same number cannot take it over. Left unproven if another account proved it meanwhile."""
        now = timezone.now()
        changes = {"phone_verified_at": citizen.phone_verified_at or now}
        changes["email_verified_at"] = citizen.email_verified_at or now
        proven_elsewhere = (
            User.objects.filter(id_type=citizen.id_type, id_number=citizen.id_number)
            .exclude(pk=citizen.pk)
            .exclude(identity_verified_at=None)
            .exists()
        )
        if not citizen.identity_verified_at and not proven_elsewhere:
            changes |= {"identity_verified_at": now, "identity_verified_by": User.IdentityProof.COUNTER}
        User.objects.filter(pk=citizen.pk).update(**changes)

    @staticmethod
    def _backup_codes(user: User) -> list[str]:
        """Fresh single-use codes for the second factor, so a demo needs no authenticator app."""
        device, _created = StaticDevice.objects.get_or_create(user=user, name="Mã dự phòng (dùng thử)")
        device.confirmed = True
        device.save()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES_SHOWN)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        return codes
