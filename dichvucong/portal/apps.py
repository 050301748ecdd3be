from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The portal's own content: news and notices written by the site administrators, a poll, and visitor
    statistics counted without trackers or personal data."""

    name = "dichvucong.portal"
    label = "portal"
    verbose_name = "Tin tức, thăm dò, thống kê truy cập"
