"""Public tracking by dossier code and the owner's ID number (or the tracking secret); no sign-in."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Router, Status

from dichvucong.accounts.api import Message
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.dossiers.api.schemas import FormErrors, TrackIn, TrackOut
from dichvucong.dossiers.tracking import tracking_card

router = Router()

TRACK_NOT_FOUND = "Không tìm thấy hồ sơ với mã và số giấy tờ đã nhập. Hãy kiểm tra lại."
TRACK_LIMITED = "Quá nhiều lượt tra cứu từ địa chỉ mạng này. Vui lòng thử lại sau ít phút."


@router.post(
    "/tracking",
    auth=None,
    response={200: TrackOut, 404: Message, 422: FormErrors, 429: Message},
    summary="Tra cứu hồ sơ bằng mã hồ sơ và số giấy tờ (hoặc mã tra cứu)",
    operation_id="dichvucong_dossiers_api_tracking",
)
def tracking(request: HttpRequest, payload: TrackIn):
    if not hit(f"track:{client_ip(request)}", limit=settings.DVC_TRACKING_PER_IP_MINUTE, window_seconds=60):
        return Status(429, {"detail": TRACK_LIMITED})
    card = tracking_card(code=payload.code, proof=payload.proof)
    if card is None:
        return Status(404, {"detail": TRACK_NOT_FOUND})
    # The card is already the documented TrackOut shape: answer it without a second validation pass.
    return JsonResponse(card.as_dict(), json_dumps_params={"ensure_ascii": False})
