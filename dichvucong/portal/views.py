"""Pages of the portal app: news and notices (public, and the administrators' editor) and the poll."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.portal import html, selectors, services, voting
from dichvucong.portal.forms import ArticleForm, VoteForm
from dichvucong.portal.models import Article

NEWS_PAGE_SIZE = 10
MANAGE_PAGE_SIZE = 25
# Votes from one address in one poll an hour (a ward office or a school shares one address).
POLL_VOTES_PER_ADDRESS_HOUR = 10


# --- news and notices, public -----------------------------------------------------------------------------


@require_safe
def news_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("loai", "")
    kind = kind if kind in Article.Kind.values else ""
    page = Paginator(selectors.article_list_public(kind=kind), NEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "portal/news_list.html", {"page": page, "kind": kind, "kinds": Article.Kind.choices}
    )


@require_safe
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get_public(slug=slug)
    return render(request, "portal/news_detail.html", {"article": article, "body": html.render(article.body)})


# --- news and notices, the administrators' pages ----------------------------------------------------------


def content_admin_required(view):
    """Signed in with the second factor, and a system administrator (portal content is province-wide)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_verified():
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if not services.can_manage_content(user=request.user):
            return render(request, "accounts/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@content_admin_required
@require_safe
def manage_article_list(request: HttpRequest) -> HttpResponse:
    articles = selectors.article_list_for_manager(user=request.user)
    page = Paginator(articles, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/manage_list.html", {"page": page})


_ERROR_FIELDS = {"title": "title", "kind": "kind", "body": "body"}


@content_admin_required
@require_http_methods(["GET", "POST"])
def manage_article_edit(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    article = (
        selectors.article_get_for_manager(user=request.user, article_id=article_id) if article_id else None
    )
    initial = ArticleForm.initial_for(article) if article else None
    form = ArticleForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "preview":
            preview = html.render(data["body"])
        else:
            try:
                saved = services.article_save(actor=request.user, article=article, request=request, **data)
            except services.PortalError as error:
                form.add_error(_ERROR_FIELDS.get(error.code), error.message)
            else:
                if saved.is_visible:
                    messages.success(request, _("Đã lưu và đăng “%(title)s”.") % {"title": saved.title})
                else:
                    messages.success(
                        request, _("Đã lưu “%(title)s” (chưa hiện công khai).") % {"title": saved.title}
                    )
                return redirect("portal:manage_list")
    return render(request, "portal/manage_edit.html", {"form": form, "article": article, "preview": preview})


# --- poll ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def poll_detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = selectors.poll_get_public(poll_id=poll_id)
    here = reverse("portal:poll", args=[poll.pk])
    status = 200
    if request.method == "POST":
        form = VoteForm(request.POST, poll=poll)
        if form.is_valid():
            voted = voting.voted_polls(request)
            option_id = form.cleaned_data["option"]
            if poll.pk in voted:
                messages.info(request, _("Bạn đã tham gia cuộc thăm dò này."))
                return redirect(f"{here}#ket-qua")
            if not request.user.is_authenticated and not hit(
                f"poll:{poll.pk}:{services.address_key(client_ip(request))}",
                limit=POLL_VOTES_PER_ADDRESS_HOUR,
                window_seconds=3600,
            ):
                form.add_error(None, _("Có quá nhiều lượt bình chọn từ địa chỉ mạng này. Hãy thử lại sau."))
                status = 429
            else:
                try:
                    key = services.poll_voter_key(
                        poll=poll,
                        user=request.user,
                        ballot=services.ballot_read(poll=poll, value=form.cleaned_data["ballot"]),
                    )
                    services.poll_vote(poll=poll, option_id=option_id, voter_key=key)
                except services.PortalError as error:
                    if error.code in {"already", "closed"}:
                        (messages.info if error.code == "already" else messages.error)(request, error.message)
                        response = redirect(f"{here}#ket-qua")
                        if error.code == "already":  # the same form sent twice: this browser has voted
                            voting.remember_vote(response, voted, poll.pk, option_id)
                        return response
                    if error.code == "ballot":  # tampered or too old: a fresh ballot to send again
                        form = VoteForm(
                            {**request.POST.dict(), "ballot": services.ballot_issue(poll=poll)}, poll=poll
                        )
                        form.is_valid()
                    form.add_error("option" if error.code == "option" else None, error.message)
                    status = 400
                else:
                    messages.success(request, _("Cảm ơn bạn đã cho ý kiến. Kết quả hiện tại ở dưới đây."))
                    response = redirect(f"{here}#ket-qua")
                    voting.remember_vote(response, voted, poll.pk, option_id)
                    return response
        else:
            status = 400
    else:
        form = VoteForm(poll=poll, initial={"ballot": services.ballot_issue(poll=poll)})
    context = {**voting.poll_state(request, poll), "form": form}
    return render(request, "portal/poll_detail.html", context, status=status)
