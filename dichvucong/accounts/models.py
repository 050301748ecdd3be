"""Accounts: citizens, businesses, organisations and staff; staff roles per agency; sign-in records."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import AdministrativeUnit, Agency


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields):
        if not username:
            raise ValueError("username is required")
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields):
        fields.setdefault("kind", User.Kind.STAFF)
        fields.update(is_staff=True, is_superuser=True, is_active=True)
        return self.create_user(username, password, **fields)


def _new_session_salt() -> str:
    return secrets.token_hex(8)


class User(AbstractBaseUser, PermissionsMixin):
    """One account. Citizens and businesses sign in with their ID number; staff with a staff username."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        BUSINESS = "business", _("Doanh nghiệp")
        ORGANISATION = "organisation", _("Tổ chức, cơ quan nhà nước")
        STAFF = "staff", _("Cán bộ, công chức")

    class IdType(models.TextChoices):
        CCCD = "cccd", _("Căn cước công dân / số định danh cá nhân (12 số)")
        CMND = "cmnd", _("Chứng minh nhân dân (9 số)")
        TAX_CODE = "tax_code", _("Mã số thuế / mã số doanh nghiệp")
        ORG_CODE = "org_code", _("Mã định danh tổ chức")
        NONE = "", _("Không có")

    class IdentityProof(models.TextChoices):
        """How the ID number was proven to belong to the account holder (empty: self-declared, unproven)."""

        VNEID = "vneid", _("Đăng nhập bằng tài khoản định danh điện tử (VNeID)")
        COUNTER = "counter", _("Kiểm tra giấy tờ tại bộ phận một cửa")
        NONE = "", _("Chưa xác minh")

    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")
        UNSTATED = "", _("Không nêu")

    username = models.CharField(_("tên đăng nhập"), max_length=150, unique=True)
    kind = models.CharField(_("loại tài khoản"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    id_type = models.CharField(_("loại giấy tờ"), max_length=10, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("số giấy tờ"), max_length=20, blank=True)
    # A self-declared ID number proves nothing: several unverified accounts may hold the same number, and
    # none of them blocks the real holder. Once proven (VNeID sign-in or a check of the card at the counter,
    # accounts/verification.py) the number is unique and every unverified holder loses it.
    identity_verified_at = models.DateTimeField(_("xác minh danh tính lúc"), null=True, blank=True)
    identity_verified_by = models.CharField(
        _("xác minh danh tính bằng"), max_length=10, choices=IdentityProof.choices, blank=True
    )
    identity_verified_actor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ xác minh"),
    )
    full_name = models.CharField(_("họ và tên / tên tổ chức"), max_length=300)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices, blank=True)
    phone = models.CharField(_("số điện thoại di động"), max_length=16, blank=True)  # +84xxxxxxxxx
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    address = models.CharField(_("số nhà, đường, thôn, xóm"), max_length=300, blank=True)
    commune = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã, phường"),
    )
    notify_sms = models.BooleanField(_("nhận tin nhắn SMS"), default=True)
    notify_email = models.BooleanField(_("nhận thư điện tử"), default=True)
    notify_zalo = models.BooleanField(_("nhận tin Zalo"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_staff = models.BooleanField(_("vào trang quản trị"), default=False)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    # Rotated by "sign out everywhere": every session signed with the old salt stops validating.
    session_salt = models.CharField(max_length=32, default=_new_session_salt, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            # Unique among proven identities only: an unverified claim never blocks the real holder.
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=~models.Q(id_number="") & models.Q(identity_verified_at__isnull=False),
                name="unique_verified_identity_document",
            ),
            models.CheckConstraint(
                condition=models.Q(identity_verified_at__isnull=True, identity_verified_by="")
                | (models.Q(identity_verified_at__isnull=False) & ~models.Q(identity_verified_by="")),
                name="identity_verification_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["phone"]),
            models.Index(fields=["email"]),
            models.Index(fields=["id_number"], name="accounts_user_id_number"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The given name (the last word of a Vietnamese name), leaving out a remark in brackets."""
        name = re.sub(r"\s*\([^)]*\)\s*$", "", self.full_name or "").strip()
        return name.split(" ")[-1] if name else self.username

    def get_session_auth_hash(self) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "dichvucong.accounts.session", f"{self.password}{self.session_salt}", algorithm="sha256"
        ).hexdigest()

    @property
    def identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def is_citizen_like(self) -> bool:
        return self.kind in {self.Kind.CITIZEN, self.Kind.BUSINESS, self.Kind.ORGANISATION}


class StaffRole(models.TextChoices):
    RECEPTIONIST = "receptionist", _("Tiếp nhận và trả kết quả")
    SPECIALIST = "specialist", _("Chuyên viên")
    HEAD_OF_UNIT = "head_of_unit", _("Trưởng phòng, đơn vị")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    CLERK = "clerk", _("Văn thư")
    POSTAL = "postal", _("Nhân viên bưu điện")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


class AgencyMembership(models.Model):
    """A staff member's role at one agency; permissions follow role and agency."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=StaffRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_membership")]
        indexes = [models.Index(fields=["agency", "role", "is_active"])]
        verbose_name = _("vai trò tại cơ quan")
        verbose_name_plural = _("vai trò tại cơ quan")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency.code}"


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS (registration, second factor, password reset). Only its hash is kept."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("Xác thực đăng ký")
        LOGIN = "login", _("Xác thực đăng nhập")
        PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_codes"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    phone = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.user_id} {self.created_at:%d/%m/%Y %H:%M}"


class LoginEvent(models.Model):
    """Login history shown on the personal page ("Lịch sử đăng nhập")."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Thành công")
        WRONG_PASSWORD = "wrong_password", _("Sai mật khẩu")
        WRONG_CODE = "wrong_code", _("Sai mã xác thực")
        LOCKED = "locked", _("Tạm khóa")
        LOGOUT = "logout", _("Đăng xuất")
        LOGOUT_ALL = "logout_all", _("Đăng xuất mọi nơi")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    method = models.CharField(max_length=20, blank=True)  # password, sms_otp, totp, backup_code, token, oidc
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.outcome} {self.created_at:%d/%m/%Y %H:%M}"


class ExternalIdentity(models.Model):
    """An account linked to an identity provider (OpenID Connect), e.g. the national e-ID later on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(max_length=40)
    subject = models.CharField(max_length=255)
    claims = models.JSONField(default=dict, blank=True)
    linked_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="unique_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class AuditEvent(models.Model):
    """Append-only record of staff actions on accounts (who did what to whom, old and new values)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="audit_events_done"
    )
    action = models.CharField(max_length=60)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} on {self.target_user_id}"


class ApiToken(models.Model):
    """A bearer token for the API and the mobile app. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.name}"
