from django.contrib import admin

from dichvucong.notifications.models import Message
from dichvucong.notifications.selectors import message_body_visible


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read only: the outbox is written by the notification services alone."""

    list_display = (
        "created_at",
        "event",
        "channel",
        "recipient",
        "status",
        "attempts",
        "provider",
        "sent_at",
    )
    list_filter = ("status", "kind", "channel", "provider")
    search_fields = ("recipient", "=public_id", "=provider_message_id")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    fields = (
        "public_id",
        "event",
        "kind",
        "channel",
        "provider",
        "recipient",
        "user",
        "subject",
        "shown_body",
        "sensitive",
        "status",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "last_error",
        "provider_message_id",
        "created_at",
        "sent_at",
        "combined_into",
    )
    readonly_fields = fields

    @admin.display(description="Nội dung")
    def shown_body(self, obj: Message) -> str:
        return (
            obj.body
            if message_body_visible(message=obj)
            else "•••• (nội dung nhạy cảm, chỉ hiện ở chế độ thử nghiệm)"
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
