"""Official messages about a dossier go only to contacts proved to be the applicant's (dossiers.notices), and
a citizen's free text in them is quoted, short, on one line and without links (issue 11, finding 3)."""

import pytest
from django.utils import timezone

from dichvucong.dossiers import reception, services
from dichvucong.dossiers.models import Channel, Dossier
from dichvucong.dossiers.notices import applicant_recipients
from dichvucong.dossiers.tests.test_submission_api import URL, bearer, body
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db

PHISHING_NAME = "Nguyen Van A\nBấm http://evil.vn/x để nhận tiền"
FOREIGN_PHONE, FOREIGN_EMAIL = "0987000111", "nan-nhan@example.vn"
VERIFIED = {"+84912345678", "an@example.vn"}


def test_api_submission_with_someone_elses_contacts_messages_only_the_verified_account_contacts(
    client, setup
):
    sent = body(
        setup, applicant_name=PHISHING_NAME, applicant_phone=FOREIGN_PHONE, applicant_email=FOREIGN_EMAIL
    )

    response = client.post(URL, sent, **bearer(setup["citizen"]))

    answer = response.json()
    dossier = Dossier.objects.get(public_id=answer["id"])
    assert response.status_code == 201
    # The contacts typed are kept for staff to call…
    assert (dossier.applicant_phone, dossier.applicant_email) == ("+84987000111", FOREIGN_EMAIL)
    # …but nothing is queued to them: only to the account's verified phone and e-mail.
    rows = list(Message.objects.filter(event="dossier.submitted"))
    assert {row.recipient for row in rows} == VERIFIED
    assert not Message.objects.filter(recipient__in=["+84987000111", FOREIGN_EMAIL]).exists()
    email = next(row for row in rows if row.channel == "email")
    assert "Kính gửi “Nguyen Van A Bấm để nhận tiền”," in email.body
    for row in rows:
        assert "evil" not in row.body and "http://evil" not in row.body
    # The citizen is told where messages go.
    assert answer["notices_to"]["phone"] == "+84912***678"
    assert answer["notices_to"]["email"] == "a***@example.vn"
    assert "đã xác thực" in answer["notices_to"]["message"]


def test_an_account_without_verified_contacts_gets_no_message_and_is_told_so(client, setup):
    citizen = setup["citizen"]
    citizen.phone_verified_at = citizen.email_verified_at = None
    citizen.save(update_fields=["phone_verified_at", "email_verified_at"])

    response = client.post(URL, body(setup), **bearer(citizen))

    assert response.status_code == 201
    assert Message.objects.count() == 0
    assert response.json()["notices_to"]["phone"] == response.json()["notices_to"]["email"] == ""
    assert "không nhận tin" in response.json()["notices_to"]["message"]


def test_an_unconfirmed_email_gets_nothing_while_the_verified_phone_does(ready_draft, setup):
    citizen = setup["citizen"]
    citizen.email, citizen.email_verified_at = "moi@example.vn", None  # changed, not yet confirmed
    citizen.save(update_fields=["email", "email_verified_at"])
    services.dossier_update_draft(dossier=ready_draft, applicant=citizen, applicant_email="moi@example.vn")

    services.dossier_submit(dossier_id=ready_draft.pk, applicant=citizen)

    assert list(Message.objects.values_list("channel", "recipient")) == [("sms", "+84912345678")]


def test_later_news_of_a_web_dossier_also_skips_the_contacts_typed_on_it(ready_draft, setup):
    services.dossier_update_draft(
        dossier=ready_draft,
        applicant=setup["citizen"],
        applicant_name=PHISHING_NAME,
        applicant_phone="+84987000111",
        applicant_email=FOREIGN_EMAIL,
    )
    services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])

    reception.dossier_accept(dossier_id=ready_draft.pk, officer=setup["receptionist"])

    accepted = Message.objects.filter(event="dossier.accepted")
    assert {row.recipient for row in accepted} == VERIFIED
    assert not Message.objects.filter(recipient__in=["+84987000111", FOREIGN_EMAIL]).exists()
    assert all("\n" not in row.body for row in accepted if row.channel == "sms")


def test_contacts_an_officer_took_at_the_counter_are_messaged(setup):
    dossier = Dossier(
        channel=Channel.IN_PERSON, applicant=None, applicant_phone="+84905123456", applicant_email=""
    )

    recipients = applicant_recipients(dossier)

    assert (recipients.phone, recipients.email) == ("+84905123456", "")


def test_a_counter_dossier_without_contacts_falls_back_to_the_verified_account(setup):
    dossier = Dossier(
        channel=Channel.POSTAL, applicant=setup["citizen"], applicant_phone="", applicant_email=""
    )

    recipients = applicant_recipients(dossier)

    assert (recipients.phone, recipients.email) == ("+84912345678", "an@example.vn")


def test_an_online_dossier_never_uses_its_typed_contacts_even_when_the_account_has_none(setup):
    stranger = setup["stranger"]  # phone not verified
    dossier = Dossier(
        channel=Channel.ONLINE, applicant=stranger, applicant_phone="+84987654321", applicant_email="x@y.vn"
    )

    recipients = applicant_recipients(dossier)

    assert (recipients.phone, recipients.email) == ("", "")
    stranger.phone_verified_at = timezone.now()
    assert applicant_recipients(dossier).phone == "+84987654321"
