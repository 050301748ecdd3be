from django.contrib import admin

from dichvucong.worktime.models import DayOverride, WorkingHours
from dichvucong.worktime.services import calendar_rows_changed


class _DropsCalendars:
    """Every admin write to these tables drops the cached calendars."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_rows_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_rows_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar_rows_changed()


@admin.register(WorkingHours)
class WorkingHoursAdmin(_DropsCalendars, admin.ModelAdmin):
    list_display = [
        "__str__",
        "works_saturday",
        "same_day_cutoff",
        "restart_on_supplement",
        "updated_at",
    ]
    list_filter = ["works_saturday", "restart_on_supplement"]
    search_fields = ["agency__code", "agency__name"]
    list_select_related = ["agency"]
    raw_id_fields = ["agency"]


@admin.register(DayOverride)
class DayOverrideAdmin(_DropsCalendars, admin.ModelAdmin):
    list_display = ["date", "kind", "agency", "note", "updated_at"]
    list_filter = ["kind", ("agency", admin.EmptyFieldListFilter)]
    search_fields = ["note", "agency__code", "agency__name"]
    date_hierarchy = "date"
    list_select_related = ["agency"]
    raw_id_fields = ["agency"]
