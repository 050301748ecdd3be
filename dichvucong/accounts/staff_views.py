"""Staff administration pages: an agency administrator's staff list, new staff, roles at their agencies;
a system administrator also locks accounts (services in accounts.staff_admin)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dichvucong.accounts import (
    forms,
    selectors,
    services,
    staff_admin,
)
from dichvucong.accounts.decorators import staff_required
from dichvucong.accounts.models import AgencyMembership

# --- staff administration ---------------------------------------------------------------------


# Signed in with the second factor, and administering at least one agency.
staff_admin_required = staff_required(lambda user: selectors.agencies_administered_by(user=user))


@staff_admin_required
def staff_list(request: HttpRequest) -> HttpResponse:
    agency_code = request.GET.get("agency", "")[:20]
    staff = selectors.staff_list_for_admin(user=request.user, agency_code=agency_code)
    agencies = selectors.agencies_administered_by(user=request.user)
    return render(
        request,
        "accounts/staff_list.html",
        {"staff": staff, "agencies": agencies, "agency_code": agency_code},
    )


@staff_admin_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agencies_administered_by(user=request.user)
    form = forms.StaffCreateForm(request.POST or None, agencies=agencies, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_admin.staff_create(
                actor=request.user,
                agency=data["agency"],
                role=data["role"],
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
                request=request,
            )
        except services.AccountError as error:
            form.add_error("username" if error.code == "username" else None, error.message)
        else:
            messages.success(request, f"Đã tạo tài khoản cán bộ {user.full_name}.")
            return redirect("accounts:staff_detail", staff_id=user.pk)
    return render(request, "accounts/staff_form.html", {"form": form})


@staff_admin_required
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = selectors.staff_get_for_admin(user=request.user, staff_id=staff_id)
    agencies = selectors.agencies_administered_by(user=request.user)
    form = forms.GrantRoleForm(
        request.POST if request.POST.get("action") == "grant" else None, agencies=agencies, actor=request.user
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grant" and form.is_valid():
                staff_admin.staff_grant_role(
                    actor=request.user,
                    user=staff,
                    agency=form.cleaned_data["agency"],
                    role=form.cleaned_data["role"],
                    request=request,
                )
                messages.success(request, "Đã giao vai trò.")
                return redirect("accounts:staff_detail", staff_id=staff.pk)
            if action == "revoke":
                membership = AgencyMembership.objects.filter(
                    pk=request.POST.get("membership"), user=staff, agency__in=agencies
                ).first()
                if membership is None:
                    raise Http404
                staff_admin.staff_revoke_role(actor=request.user, membership=membership, request=request)
                messages.success(request, "Đã thu hồi vai trò.")
                return redirect("accounts:staff_detail", staff_id=staff.pk)
            if action == "remove_agency":
                agency = agencies.filter(code=request.POST.get("agency")).first()
                if agency is None:
                    raise Http404
                staff_admin.staff_remove_from_agency(
                    actor=request.user, user=staff, agency=agency, request=request
                )
                messages.success(
                    request, _("Đã gỡ mọi vai trò tại %(agency)s.") % {"agency": agency.display_name}
                )
                return redirect("accounts:staff_detail", staff_id=staff.pk)
            if action in {"deactivate", "activate"}:
                # Locking reaches every agency: a system administrator's action only (defect 5).
                staff_admin.staff_set_active(
                    actor=request.user, user=staff, active=action == "activate", request=request
                )
                messages.success(request, "Đã cập nhật trạng thái tài khoản.")
                return redirect("accounts:staff_detail", staff_id=staff.pk)
        except services.AccountError as error:
            if error.code == "forbidden":
                return render(request, "accounts/forbidden.html", {"detail": error.message}, status=403)
            messages.error(request, error.message)
    context = {"staff": staff, "form": form, "can_lock": selectors.is_system_admin(user=request.user)}
    return render(request, "accounts/staff_detail.html", context)
