"""Blocks of the portal app for other pages (the home page): latest news, the current poll, visitors."""

from django import template

from dichvucong.portal import selectors, services, voting
from dichvucong.portal.forms import VoteForm

register = template.Library()


@register.inclusion_tag("portal/_news_block.html")
def portal_news(limit: int = 4):
    return {"articles": list(selectors.article_list_public()[:limit])}


@register.inclusion_tag("portal/_poll_block.html", takes_context=True)
def portal_poll(context):
    request = context.get("request")
    poll = selectors.poll_current()
    if poll is None or request is None:
        return {"poll": None}
    state = voting.poll_state(request, poll)
    if state["results"] is None:
        state["form"] = VoteForm(poll=poll, initial={"ballot": services.ballot_issue(poll=poll)})
    return {**state, "csrf_token": context.get("csrf_token"), "heading_level": 2}


@register.inclusion_tag("portal/_visitors_block.html")
def portal_visitors():
    return {"stats": selectors.visitor_summary()}
