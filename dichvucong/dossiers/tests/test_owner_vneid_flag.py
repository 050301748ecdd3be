"""A dossier records whether its owner's account was proven through VNeID when it was submitted (the sync
flag TaiKhoanDuocXacThucVoiVNeID)."""

import pytest

from dichvucong.accounts import verification
from dichvucong.accounts.models import User
from dichvucong.dossiers import services

pytestmark = pytest.mark.django_db


def test_an_owner_proven_through_vneid_is_recorded_on_submission(setup, ready_draft):
    verification.identity_verify(
        user=setup["citizen"], method=User.IdentityProof.VNEID, id_type="cccd", id_number="038090012345"
    )
    dossier = services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])
    dossier.refresh_from_db()
    assert dossier.owner_vneid_authenticated is True


@pytest.mark.parametrize("proof", ["", User.IdentityProof.COUNTER], ids=["unverified", "counter"])
def test_other_owners_are_not_flagged(setup, ready_draft, proof):
    if proof:
        User.objects.filter(pk=setup["citizen"].pk).update(
            identity_verified_at="2026-01-01T00:00:00Z", identity_verified_by=proof
        )
    dossier = services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])
    dossier.refresh_from_db()
    assert dossier.code and dossier.owner_vneid_authenticated is False
