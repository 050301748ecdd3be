"""The poll as one visitor sees it: which polls this browser voted in (a signed cookie kept in the browser,
nothing on the server), and whether it sees the form or the results. Used by the poll page and the home
page's poll block."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from dichvucong.portal import selectors, services
from dichvucong.portal.models import Poll

VOTED_COOKIE = "dvc_polls"
VOTED_COOKIE_SALT = "dichvucong.portal.voted"
VOTED_COOKIE_MAX_AGE = 365 * 86400
VOTED_COOKIE_MAX_POLLS = 20


def voted_polls(request: HttpRequest) -> dict[int, int]:
    """The polls this browser voted in and the option it chose (kept in the browser only, signed)."""
    raw = request.get_signed_cookie(
        VOTED_COOKIE, default="", salt=VOTED_COOKIE_SALT, max_age=VOTED_COOKIE_MAX_AGE
    )
    voted: dict[int, int] = {}
    for pair in raw.split(","):
        poll_id, _sep, option_id = pair.partition(":")
        if poll_id.isdigit() and option_id.isdigit():
            voted[int(poll_id)] = int(option_id)
    return voted


def remember_vote(response: HttpResponse, voted: dict[int, int], poll_id: int, option_id: int) -> None:
    voted = {**voted, poll_id: option_id}
    kept = list(voted.items())[-VOTED_COOKIE_MAX_POLLS:]
    response.set_signed_cookie(
        VOTED_COOKIE,
        ",".join(f"{p}:{o}" for p, o in kept),
        salt=VOTED_COOKIE_SALT,
        max_age=VOTED_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def poll_state(request: HttpRequest, poll: Poll) -> dict:
    """What the poll block shows to this visitor: the form, or the results (after voting or closing)."""
    chosen = voted_polls(request).get(poll.pk)
    voted = chosen is not None
    if not voted and request.user.is_authenticated:
        voted = services.poll_has_voted(
            poll=poll, voter_key=services.poll_voter_key(poll=poll, user=request.user)
        )
    state = {
        "poll": poll,
        "voted": voted,
        "chosen": chosen,
        "closed": poll.is_closed(),
        "results": None,
        "total": 0,
    }
    if voted or state["closed"]:
        state["results"], state["total"] = selectors.poll_results(poll=poll)
    return state
