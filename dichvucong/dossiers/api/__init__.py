"""Dossiers over the API: a citizen's drafts and submissions, reception at the one-stop counter, tracking.

Authentication: ``token_or_session`` (bearer token or Django session) on every route except POST /tracking.
Reception routes also need the second factor: a staff token (issued only after the authenticator code) or
a session verified by django-otp, and a receptionist role at some agency.

Errors: a dossier the caller may not see, or may not act on, is 404 (never 403, so nothing is enumerable);
a refused status change is 409 with the state machine's Vietnamese message; bad input is 422, either
``{detail, errors}`` (a form) or ``{detail, field}`` (a service refusal).

One router per concern (``citizen``, ``submissions``, ``reception``, ``tracking``), mounted under this one,
which gives them its tag and authentication. Operation ids are written out on each route so that they stay
``dichvucong_dossiers_api_<view>`` whatever module the view lives in.
"""

from ninja import Router

from dichvucong.accounts.api import token_or_session
from dichvucong.dossiers.api import citizen, reception, submissions, tracking

router = Router(tags=["Hồ sơ"], auth=token_or_session)
router.add_router("/", citizen.router)
router.add_router("/", submissions.router)
router.add_router("/", reception.router)
router.add_router("/", tracking.router)
