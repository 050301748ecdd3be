"""Counts page views by people as visitor statistics (see portal.visitors for what is kept, and for how)."""

from __future__ import annotations

import logging

from dichvucong.core.clientip import client_ip
from dichvucong.portal import services, visitors

logger = logging.getLogger(__name__)


class VisitorCountMiddleware:
    """After a page is made: one cache round trip for a visitor already seen this minute; the first page of
    a visitor's day also adds one to the day's count. A failing cache never breaks the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if visitors.is_countable(request, response):
            try:
                day, first_today = visitors.touch(
                    address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
                )
                if first_today:
                    services.visitor_day_count(day=day)
            except Exception:  # noqa: BLE001 (statistics must not cost a visitor the page)
                logger.warning("visitor statistics not recorded", exc_info=True)
        return response
