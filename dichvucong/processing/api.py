from ninja import Router

from dichvucong.accounts.api import token_or_session

router = Router(tags=["Giải quyết hồ sơ"], auth=token_or_session)
