from ninja import Router

from dichvucong.accounts.api import token_or_session

router = Router(tags=["Lịch hẹn và số thứ tự"], auth=token_or_session)
