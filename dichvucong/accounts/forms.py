"""Forms for accounts. Validation rules live in identity.py, passwords.py and captcha.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts import captcha, identity, services, staff_admin
from dichvucong.accounts.dates import TypedDateField, TypedDateInput
from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.passwords import password_errors
from dichvucong.agencies.models import AdministrativeUnit


class CaptchaMixin(forms.Form):
    """An accessible question (no image). A solved question is used up, so a new one is issued each time."""

    captcha_answer = forms.CharField(
        label=_("Câu hỏi kiểm tra"),
        max_length=20,
        required=True,
        error_messages={"required": _("Hãy trả lời câu hỏi kiểm tra.")},
    )
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        challenge = captcha.new_challenge()
        self.captcha_question = challenge.question
        self.fields["captcha_answer"].help_text = challenge.question
        self.initial["captcha_token"] = challenge.token
        self._fresh_token = challenge.token

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            # The page re-rendered after an error shows a fresh question (a token works once).
            data = self.data.copy()
            data["captcha_token"] = self._fresh_token
            data["captcha_answer"] = ""
            self.data = data

    def clean_captcha_answer(self):
        answer = self.cleaned_data["captcha_answer"]
        if not captcha.verify(self.data.get("captcha_token", ""), answer):
            raise ValidationError(
                gettext("Câu trả lời kiểm tra chưa đúng. Hãy trả lời câu hỏi mới."), code="captcha"
            )
        return answer

    def clean_captcha_token(self):
        return ""


class RegistrationForm(forms.Form):
    """Sign-up answers; ``RegistrationWithCaptchaForm`` adds the captcha after several attempts from one
    address (accounts/limits.py)."""

    kind = forms.ChoiceField(
        label=_("Bạn đăng ký tài khoản cho"),
        choices=[(User.Kind.CITIZEN, _("Công dân")), (User.Kind.BUSINESS, _("Doanh nghiệp, hộ kinh doanh"))],
        widget=forms.RadioSelect,
        initial=User.Kind.CITIZEN,
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) hoặc mã số thuế"),
        help_text=_(
            "Công dân: 12 số trên thẻ căn cước (hoặc 9 số CMND cũ). Doanh nghiệp: mã số doanh nghiệp."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Họ và tên (doanh nghiệp: tên doanh nghiệp)"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = TypedDateField(
        label=_("Ngày sinh"),
        help_text=_("Ngày/tháng/năm, ví dụ 27/10/1990 (gõ 27101990 cũng được). Doanh nghiệp bỏ trống."),
        required=False,
        past_only=True,
        min_year=1900,
        widget=TypedDateInput(attrs={"autocomplete": "bday"}),
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"),
        choices=[("male", _("Nam")), ("female", _("Nữ"))],
        widget=forms.RadioSelect,
        required=False,
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        help_text=_("Mã xác thực (OTP) sẽ được gửi tới số này."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.")},
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        help_text=_(
            "Ít nhất 8 ký tự, có chữ hoa, chữ thường, chữ số và ký tự đặc biệt; "
            "không chứa số giấy tờ hay tên."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    field_order = [
        "kind",
        "id_number",
        "full_name",
        "date_of_birth",
        "gender",
        "phone",
        "email",
        "password1",
        "password2",
        "captcha_answer",
        "captcha_token",
    ]

    def clean_full_name(self):
        return identity.validate_full_name(self.cleaned_data["full_name"])

    def clean_phone(self):
        return identity.normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        raw_id = (self.data.get("id_number") or "").replace(" ", "").replace(".", "")
        dob = data.get("date_of_birth")
        try:
            if kind == User.Kind.BUSINESS:
                data["id_type"], data["id_number"] = User.IdType.TAX_CODE, identity.validate_tax_code(raw_id)
            elif len(raw_id) == 9:
                data["id_type"], data["id_number"] = User.IdType.CMND, identity.validate_cmnd(raw_id)
            else:
                if not dob and "date_of_birth" not in self.errors:
                    self.add_error("date_of_birth", gettext("Hãy nhập ngày sinh."))
                data["id_type"] = User.IdType.CCCD
                data["id_number"] = identity.validate_cccd(
                    raw_id, date_of_birth=dob, gender=data.get("gender") or None
                )
        except ValidationError as error:
            self.add_error("id_number", error)
        password = data.get("password1") or ""
        if password and data.get("password2") != password:
            self.add_error("password2", gettext("Hai lần nhập mật khẩu không giống nhau."))
        elif password:
            for message in password_errors(
                password,
                id_number=data.get("id_number") or raw_id,
                full_name=data.get("full_name") or "",
                phone=data.get("phone") or "",
                email=data.get("email") or "",
            ):
                self.add_error("password1", message)
        return data

    def ask_passwords_again(self) -> None:
        """A re-displayed form never shows the typed passwords (PasswordInput without render_value: a
        password must not travel back in the page); say so, by the first password field."""
        if not (self.data.get("password1") or self.data.get("password2")) or self.has_error("password1"):
            return
        self.add_error("password1", gettext("Vì lý do an toàn, hãy nhập lại mật khẩu."))

    def registration_data(self) -> services.RegistrationData:
        """The cleaned answers as the registration service takes them (after ``is_valid()``)."""
        data = self.cleaned_data
        return services.RegistrationData(
            kind=data["kind"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            full_name=data["full_name"],
            phone=data["phone"],
            email=data.get("email") or "",
            date_of_birth=data["date_of_birth"].isoformat() if data.get("date_of_birth") else "",
            gender=data.get("gender") or "",
        )


class RegistrationWithCaptchaForm(CaptchaMixin, RegistrationForm):
    field_order = RegistrationForm.field_order


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Số định danh cá nhân / mã số thuế / tên đăng nhập hoặc thư điện tử"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class LoginWithCaptchaForm(CaptchaMixin, LoginForm):
    field_order = ["identifier", "password", "captcha_answer", "captcha_token"]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "")
        if not code.isalnum():
            raise ValidationError(gettext("Mã xác thực chỉ gồm chữ số."), code="format")
        return code


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Mật khẩu mới"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        password = data.get("password1") or ""
        if password and data.get("password2") != password:
            self.add_error("password2", gettext("Hai lần nhập mật khẩu không giống nhau."))
        elif password:
            user = self.user
            for message in password_errors(
                password,
                id_number=user.id_number if user else "",
                full_name=user.full_name if user else "",
                phone=user.phone if user else "",
                email=user.email if user else "",
            ):
                self.add_error("password1", message)
        return data


class AppCodeForm(CodeForm):
    """The authenticator app's six digits or a single-use backup code, which has letters too: the phone must
    show a full keyboard, not a number pad."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"inputmode": "text", "autocapitalize": "none", "spellcheck": "false"}
        )


class ResetCodeForm(NewPasswordMixin, CodeForm):
    field_order = ["code", "password1", "password2"]


class PasswordResetRequestForm(CaptchaMixin):
    identifier = forms.CharField(
        label=_("Số định danh cá nhân, mã số thuế hoặc tên đăng nhập"), max_length=254
    )
    channel = forms.ChoiceField(
        label=_("Nhận mã qua"),
        choices=[
            ("sms", _("Tin nhắn tới số điện thoại đã đăng ký")),
            ("email", _("Thư điện tử đã xác nhận")),
        ],
        widget=forms.RadioSelect,
        initial="sms",
    )
    field_order = ["identifier", "channel", "captcha_answer", "captcha_token"]


class ChangePasswordForm(NewPasswordMixin):
    current = forms.CharField(
        label=_("Mật khẩu hiện tại"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["current", "password1", "password2"]

    def clean_current(self):
        if not self.user.check_password(self.cleaned_data["current"]):
            raise ValidationError(gettext("Mật khẩu hiện tại không đúng."), code="wrong")
        return ""


class ProfileForm(forms.Form):
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        help_text=_("Đổi địa chỉ thì cần xác nhận lại qua thư."),
        error_messages={"invalid": _("Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.")},
    )
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"),
        required=False,
        to_field_name="code",
        queryset=AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).order_by("name"),
        empty_label=_("— Chọn tỉnh, thành phố —"),
    )
    commune = forms.ModelChoiceField(
        label=_("Xã, phường, đặc khu"),
        required=False,
        to_field_name="code",
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("— Chọn xã, phường —"),
        help_text=_("Chọn tỉnh trước rồi bấm “Cập nhật danh sách xã” nếu danh sách trống."),
    )
    address = forms.CharField(label=_("Số nhà, đường, thôn, xóm"), max_length=300, required=False)
    notify_sms = forms.BooleanField(label=_("Tin nhắn SMS"), required=False)
    notify_email = forms.BooleanField(label=_("Thư điện tử"), required=False)
    notify_zalo = forms.BooleanField(label="Zalo", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        province_code = self.data.get("province") if self.is_bound else self.initial.get("province")
        if province_code:
            self.fields["commune"].queryset = AdministrativeUnit.objects.filter(
                parent__code=province_code
            ).order_by("name")

    def clean(self):
        data = super().clean()
        commune, province = data.get("commune"), data.get("province")
        if commune and province and commune.parent_id != province.pk:
            self.add_error("commune", gettext("Xã, phường đã chọn không thuộc tỉnh đã chọn."))
        return data


def grantable_role_choices(*, actor: User) -> list[tuple[str, str]]:
    """Only the roles the service accepts from this administrator (staff_admin.grantable_roles), so the
    page never offers a role that the service then refuses."""
    grantable = staff_admin.grantable_roles(actor=actor)
    return [(value, label) for value, label in StaffRole.choices if value in grantable]


class StaffCreateForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=None, to_field_name="code")
    role = forms.ChoiceField(label=_("Vai trò"), choices=StaffRole.choices)
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        regex=r"^[a-z0-9._-]{3,40}$",
        max_length=40,
        help_text=_("Chữ thường không dấu, số, dấu chấm hoặc gạch; ví dụ nguyenvana.hacthanh"),
        error_messages={
            "invalid": _("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (3–40 ký tự).")
        },
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=300)
    email = forms.EmailField(label=_("Thư điện tử công vụ"))
    phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Cán bộ sẽ cài ứng dụng xác thực ở lần đăng nhập đầu tiên."),
    )

    def __init__(self, *args, agencies=None, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["role"].choices = grantable_role_choices(actor=actor)

    def clean_full_name(self):
        return identity.validate_full_name(self.cleaned_data["full_name"])

    def clean_phone(self):
        return identity.normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("password"):
            for message in password_errors(
                data["password"],
                full_name=data.get("full_name") or "",
                phone=data.get("phone") or "",
                email=data.get("email") or "",
            ):
                self.add_error("password", message)
        return data


class GrantRoleForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=None, to_field_name="code")
    role = forms.ChoiceField(label=_("Vai trò"), choices=StaffRole.choices)

    def __init__(self, *args, agencies=None, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["role"].choices = grantable_role_choices(actor=actor)
