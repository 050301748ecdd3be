"""Pages of the personal document store ("Kho giấy tờ"). Thin: parse, call one service or selector, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dichvucong.documents import selectors, services
from dichvucong.documents.forms import DocumentRenameForm, DocumentUploadForm
from dichvucong.documents.responses import private_file_response
from dichvucong.documents.validation import format_size, max_upload_bytes, type_labels


@login_required
@require_safe
def document_list(request: HttpRequest) -> HttpResponse:
    documents = selectors.document_list_for_owner(user=request.user)
    return render(request, "documents/document_list.html", {"documents": documents})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_upload(request: HttpRequest) -> HttpResponse:
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document, created = services.document_store(
                owner=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
            )
        except services.DocumentRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if created:
                messages.success(
                    request, _("Đã thêm “%(title)s” vào kho giấy tờ.") % {"title": document.title}
                )
            else:
                messages.info(
                    request,
                    _("Giấy tờ này đã có trong kho: “%(title)s”. Không cần tải lên lại.")
                    % {"title": document.title},
                )
            return redirect("documents:list")
    context = {
        "form": form,
        "file_was_chosen": request.method == "POST" and bool(request.FILES),
        "allowed_labels": type_labels(),
        "max_size_label": format_size(max_upload_bytes()),
    }
    return render(request, "documents/document_upload.html", context)


@login_required
@require_safe
def document_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = selectors.document_access(user=request.user, public_id=public_id)
    return private_file_response(document)


@login_required
@require_safe
def document_preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = selectors.document_access(user=request.user, public_id=public_id)
    return private_file_response(document, inline=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = selectors.document_access(user=request.user, public_id=public_id, purpose="change")
    if request.method == "POST":
        try:
            services.document_delete(owner=request.user, document=document)
        except services.DocumentInUse as exc:
            messages.error(request, exc.message)
            return redirect("documents:list")
        messages.success(request, _("Đã xóa “%(title)s” khỏi kho giấy tờ.") % {"title": document.title})
        return redirect("documents:list")
    return render(request, "documents/document_delete.html", {"document": document})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_rename(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = selectors.document_access(user=request.user, public_id=public_id, purpose="change")
    initial = {"title": document.title, "kind": document.kind}
    form = DocumentRenameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_rename(
                owner=request.user,
                document=document,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
            )
        except services.DocumentRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã lưu “%(title)s”.") % {"title": document.title})
            return redirect("documents:list")
    return render(request, "documents/document_rename.html", {"form": form, "document": document})
