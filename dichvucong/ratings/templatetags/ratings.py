"""Ratings on other apps' pages (the caller has already checked that the user may see the dossier):

- ``{% dossier_rating dossier %}``: on the owner's dossier page, the invitation to rate a returned dossier,
  or the rating once given;
- ``{% rating_code_panel dossier %}``: on the staff processing page of a returned dossier, the button that
  prints the one-time code for the counter's kiosk (or the rating once given);
- filter ``score``: an average as "4,3"."""

from django import template

from dichvucong.dossiers.models import Status
from dichvucong.ratings.criteria import CRITERIA
from dichvucong.ratings.models import Rating, Satisfaction

register = template.Library()


def _rating(dossier) -> Rating | None:
    if dossier.status != Status.RETURNED:
        return None
    return Rating.objects.filter(dossier_id=dossier.pk).first()


@register.inclusion_tag("ratings/_dossier_rating.html")
def dossier_rating(dossier) -> dict:
    rating = _rating(dossier)
    answered = []
    if rating is not None:
        labels = dict(Satisfaction.choices)
        answered = [
            (c.label, labels.get(rating.criteria[c.key], "")) for c in CRITERIA if c.key in rating.criteria
        ]
    return {
        "show": dossier.status == Status.RETURNED,
        "dossier": dossier,
        "rating": rating,
        "answered": answered,
    }


@register.inclusion_tag("ratings/_code_panel.html", takes_context=True)
def rating_code_panel(context, dossier) -> dict:
    return {
        "show": dossier.status == Status.RETURNED,
        "dossier": dossier,
        "rating": _rating(dossier),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def score(value) -> str:
    if value is None:
        return "–"
    return f"{float(value):.1f}".replace(".", ",")
