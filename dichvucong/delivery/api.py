from ninja import Router

from dichvucong.accounts.api import token_or_session

router = Router(tags=["Bưu chính"], auth=token_or_session)
