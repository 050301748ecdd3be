from ninja import Router

from dichvucong.accounts.api import token_or_session

router = Router(tags=["Thanh toán"], auth=token_or_session)
