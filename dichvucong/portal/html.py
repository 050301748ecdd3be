"""The HTML a site administrator may write in news and notices: paragraphs, bold, italic, lists, links and
h2/h3 headings. Everything else is removed by nh3 (the Rust ``ammonia`` sanitiser): scripts and styles with
their content, event handlers, ``style`` attributes, frames, images, forms.

Links keep ``href`` only when it is http(s), mailto, or a path on this site ("/thu-tuc/…", "#muc-1"), and
always get ``rel="noopener noreferrer"``. The text is cleaned when saved and again when shown, so a row
written some other way (a database import, an older allowlist) is never shown raw.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h2", "h3"})
# Removed together with what they contain (the text of a script is not news).
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "noscript", "template", "object", "embed", "svg"}
)
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:|/(?![/\\])|#)", re.IGNORECASE)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        value = value.strip()
        return value if _SAFE_HREF.match(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={"a": {"href"}},
    attribute_filter=_keep_attribute,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean(html: str) -> str:
    """The allowed subset of ``html`` (a string safe to store and show)."""
    return _CLEANER.clean(html or "").strip()


def render(html: str) -> SafeString:
    """``html`` cleaned and marked safe for a template."""
    return mark_safe(clean(html))  # noqa: S308 (sanitised by nh3 just above)
