"""Read-only views of shipments and webhook calls for operators (changes go through the postal pages)."""

from django.contrib import admin

from dichvucong.delivery.models import Shipment, ShipmentEvent, WebhookLog


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "state", "applied", "source", "carrier_status", "occurred_at", "note", "actor")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnly):
    list_display = ("waybill", "reference", "kind", "carrier", "state", "state_at", "created_at")
    list_filter = ("kind", "carrier", "state")
    search_fields = ("waybill", "reference", "dossier__code")
    raw_id_fields = ("dossier", "proof_document", "created_by")
    inlines = [ShipmentEventInline]


@admin.register(WebhookLog)
class WebhookLogAdmin(ReadOnly):
    list_display = ("received_at", "carrier", "outcome", "http_status", "verified", "waybill", "remote_addr")
    list_filter = ("carrier", "outcome", "verified")
    search_fields = ("waybill", "remote_addr")
    raw_id_fields = ("shipment",)
