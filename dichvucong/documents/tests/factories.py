from __future__ import annotations

from django.contrib.auth import get_user_model

from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import document_store
from dichvucong.documents.tests import files

PASSWORD = "Mk@12345678"


def make_user(username: str = "001099012345", full_name: str = "Nguyễn Văn A"):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, full_name=full_name)


def make_document(
    owner,
    *,
    content: bytes = files.PDF,
    name: str = "cccd-mat-truoc.pdf",
    title: str = "Căn cước công dân mặt trước",
) -> StoredDocument:
    document, created = document_store(
        owner=owner, upload=files.upload(content, name), title=title, kind="identity"
    )
    assert created
    return document
