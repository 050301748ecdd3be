from django.apps import AppConfig


def _catalogue_edited(sender, **kwargs) -> None:
    from dichvucong.catalogue.caching import catalogue_changed

    catalogue_changed()


class CatalogueConfig(AppConfig):
    name = "dichvucong.catalogue"
    label = "catalogue"
    verbose_name = "Danh mục thủ tục hành chính"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dichvucong.catalogue.models import FormTemplate, SearchSynonym

        # Edits in the Django admin must reach the cached pages and the search tables at once.
        for model in (SearchSynonym, FormTemplate):
            post_save.connect(
                _catalogue_edited, sender=model, dispatch_uid=f"catalogue-edited-{model.__name__}"
            )
            post_delete.connect(
                _catalogue_edited, sender=model, dispatch_uid=f"catalogue-deleted-{model.__name__}"
            )
