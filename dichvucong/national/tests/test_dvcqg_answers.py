"""How the HTTP adapter reads the portal's answers (pure function, no server)."""

import pytest

from dichvucong.core.http import JsonResponse
from dichvucong.national.portal.dvcqg import DvcqgConfig, read_answer


@pytest.mark.parametrize(
    ("status", "data", "expected"),
    [
        (200, {"error_code": "0", "message": "Thành công"}, "ok"),
        (200, {"error_code": 0}, "ok"),
        (200, {"error_code": "1", "message": "Hồ sơ 000.00.31.H56-261207-0001 ĐÃ TỒN TẠI"}, "exists"),
        (200, {"error_code": "1", "message": "Hồ sơ không tồn tại trên hệ thống"}, "missing"),
        (200, {"error_code": "1", "message": "Sai mã thủ tục"}, "permanent"),
        (400, {"error_code": "1", "message": "Dữ liệu không hợp lệ"}, "permanent"),
        (200, None, "retry"),  # an HTML page from a proxy
        (401, {"message": "token hết hạn"}, "retry"),
        (429, None, "retry"),
        (500, {"error_code": "-1"}, "retry"),
        (504, None, "retry"),
    ],
)
def test_answers_are_read(status, data, expected):
    result = read_answer(config=DvcqgConfig(), response=JsonResponse(status, data, str(data)))

    kind = (
        "ok"
        if result.accepted
        else "exists"
        if result.exists
        else "missing"
        if result.missing
        else "retry"
        if result.retryable
        else "permanent"
    )
    assert kind == expected and result.http_status == status
