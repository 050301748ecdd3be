from django.contrib import admin

from dichvucong.counters.models import Booking, BookingEvent, CentreSettings, Counter, QueueTicket


class CounterInline(admin.TabularInline):
    model = Counter
    fk_name = "centre"
    extra = 0
    fields = ("number", "name", "fields", "seats_per_slot", "is_active")


@admin.register(CentreSettings)
class CentreSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "centre",
        "slot_minutes",
        "seats_per_counter",
        "days_ahead",
        "booking_enabled",
        "kiosk_enabled",
    )
    list_select_related = ("centre",)
    autocomplete_fields = ("centre",)
    filter_horizontal = ("served_agencies",)
    search_fields = ("centre__code", "centre__name")


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("centre", "number", "name", "seats_per_slot", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("centre",)
    filter_horizontal = ("fields",)
    search_fields = ("centre__code", "centre__name", "name")


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "changes", "created_at")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("code", "slot_start", "centre", "counter", "status")
    list_filter = ("status",)
    list_select_related = ("centre", "counter")
    search_fields = ("code", "citizen__full_name", "citizen__id_number")
    raw_id_fields = ("citizen", "offering")
    readonly_fields = ("created_at", "cancelled_at", "checked_in_at", "reminder_sent_at")
    inlines = [BookingEventInline]


@admin.register(QueueTicket)
class QueueTicketAdmin(admin.ModelAdmin):
    list_display = ("__str__", "centre", "day", "status", "counter", "called_at")
    list_filter = ("status", "day")
    list_select_related = ("centre", "counter")
