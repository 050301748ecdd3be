from django.contrib import admin

from dichvucong.portal import html
from dichvucong.portal.models import Article, Poll, PollOption, VisitorDay


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """The staff editor (portal:manage_list) is the usual way; here the body is sanitised on save too."""

    list_display = ("title", "kind", "is_published", "published_at", "pinned")
    list_filter = ("kind", "is_published", "pinned")
    search_fields = ("title", "summary")
    readonly_fields = ("author", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.body = html.clean(obj.body)
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    min_num = 2
    fields = ("position", "label", "votes")
    readonly_fields = ("votes",)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ("question", "opens_at", "closes_at")
    search_fields = ("question",)
    inlines = [PollOptionInline]


@admin.register(VisitorDay)
class VisitorDayAdmin(admin.ModelAdmin):
    list_display = ("day", "visitors")
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
