from django import template
from django.utils.html import format_html

from dichvucong.core.formatting import format_duration, format_phone, format_vnd, phone_tel_uri

register = template.Library()


@register.filter
def vnd(amount, currency="VND"):
    return format_vnd(amount, currency or "VND")


@register.filter
def phone(value):
    """``{{ shipment.recipient_phone|phone }}``: '+84912345678' -> '0912 345 678'."""
    return format_phone(value)


@register.filter
def phone_link(value):
    """``{{ profile.phone|phone_link }}``: the number as above, a tap-to-call link when it is one we know."""
    if not value:
        return ""
    uri = phone_tel_uri(value)
    if not uri:
        return format_phone(value)
    return format_html('<a href="{}">{}</a>', uri, format_phone(value))


@register.simple_tag
def duration(option):
    """Duration of a ChannelOption or an AgencyProcedure's online override."""
    value = getattr(option, "duration_value", None)
    unit = getattr(option, "duration_unit", "")
    label = option.get_duration_unit_display() if hasattr(option, "get_duration_unit_display") else unit
    return format_duration(value, unit, label)


@register.simple_tag
def online_duration(offering):
    return format_duration(
        offering.online_duration_value,
        offering.online_duration_unit,
        offering.get_online_duration_unit_display(),
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (pagination and filter links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping, key):
    """``{{ answers|get_item:name }}``: a dict value by a key held in a variable."""
    return (mapping or {}).get(key, "")
