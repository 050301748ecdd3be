from django.contrib import admin

from dichvucong.catalogue.models import (
    AgencyProcedure,
    Field,
    FormTemplate,
    LifeEvent,
    Procedure,
    ProcedureVersion,
    SearchSynonym,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "code"]
    search_fields = ["name"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "status", "service_level"]
    list_filter = ["status", "service_level", "levels"]
    search_fields = ["code", "name_folded"]
    list_select_related = ["field"]
    raw_id_fields = ["current_version"]
    readonly_fields = ["name_folded", "search_document"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "effective_from", "effective_to", "decision_number"]
    raw_id_fields = ["procedure"]
    list_select_related = ["procedure"]


@admin.register(AgencyProcedure)
class AgencyProcedureAdmin(admin.ModelAdmin):
    list_display = ["local_code", "agency", "procedure", "service_level", "is_active"]
    list_filter = ["service_level", "is_active"]
    search_fields = ["local_code"]
    raw_id_fields = ["agency", "procedure"]
    list_select_related = ["agency", "procedure"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Everyday words people search with and the official words the search uses instead."""

    list_display = ["phrase", "replacement", "is_active", "updated_at"]
    list_editable = ["replacement", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["phrase", "replacement"]


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "legal_source", "national_file_name"]
    search_fields = ["code", "name"]
