"""The VNPAY signature against the published examples (integrations.md §1.3) and golden vectors made with
VNPAY's official Node sample algorithm (encodeURIComponent, %20 → +, HMAC-SHA512)."""

from dichvucong.payments.gateways import vnpay_protocol as vnp

# A real VNPAY-sandbox-signed return (public debug script; integrations.md §1.3).
SANDBOX_SECRET = "6HEKW2H6YES2FSOKLKKRQ0JS3QF1M4H6"
SANDBOX_RETURN = {
    "vnp_Amount": "14108000",
    "vnp_BankCode": "NCB",
    "vnp_BankTranNo": "VNP14980726",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toán đơn hàng #6834803ff5166e338d7103a8",
    "vnp_PayDate": "20250526215346",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "L8M3EKX2",
    "vnp_TransactionNo": "14980726",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "6834803ff5166e338d7103a8",
    "vnp_SecureHash": "3264dbf4850cb57d0cd597716260bf0722810f49b7abb144254f7f77adf08a1a"
    "6f496ab19e18c16266153c8caee87497fea7fa3507e61bcf9786dcff0d71b532",
}

GOLDEN_SECRET = "TESTSECRETKEY0123456789ABCDEFGHIJ"
GOLDEN_PAY = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "DVCTEST1",
    "vnp_Amount": "750000",
    "vnp_CreateDate": "20260310093000",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan phi ho so 000.00.31.H56-260310-0001",
    "vnp_OrderType": "billpayment",
    "vnp_ReturnUrl": "http://127.0.0.1:8000/thanh-toan/ket-qua/vnpay/",
    "vnp_TxnRef": "DVC260310ABCDEF1234",
    "vnp_ExpireDate": "20260310094500",
    "vnp_BankCode": "NCB",
}
GOLDEN_PAY_STRING = (
    "vnp_Amount=750000&vnp_BankCode=NCB&vnp_Command=pay&vnp_CreateDate=20260310093000&vnp_CurrCode=VND"
    "&vnp_ExpireDate=20260310094500&vnp_IpAddr=127.0.0.1&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+phi+ho+so+000.00.31.H56-260310-0001&vnp_OrderType=billpayment"
    "&vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A8000%2Fthanh-toan%2Fket-qua%2Fvnpay%2F&vnp_TmnCode=DVCTEST1"
    "&vnp_TxnRef=DVC260310ABCDEF1234&vnp_Version=2.1.0"
)
GOLDEN_PAY_HASH = (
    "8d8d91ce75f2ce95d85e261f37723a4d17139f880a870b3a095b3e34bd20ee8d"
    "b8cc5fcd91d24a27e8b67e73172ab1fe952ce198e3099a7d91fe358622ceec3f"
)
GOLDEN_QUERYDR_HASH = (
    "0d6c7742e50b75d362eb09a3d94e7bdeddcbd08f40058662cada726d86aeda8f"
    "311a975160505163e63476a8e9088ca44382236442828ce6fec5a53b71317e71"
)


def test_the_published_sandbox_return_verifies():
    assert vnp.verify(SANDBOX_RETURN, SANDBOX_SECRET)


def test_hash_comparison_ignores_case_and_the_hash_type_field():
    params = {**SANDBOX_RETURN, "vnp_SecureHash": SANDBOX_RETURN["vnp_SecureHash"].upper()}
    params["vnp_SecureHashType"] = "SHA512"
    assert vnp.verify(params, SANDBOX_SECRET)


def test_the_published_return_fails_when_values_are_signed_raw_the_encoding_pitfall():
    raw = "&".join(f"{k}={v}" for k, v in sorted(SANDBOX_RETURN.items()) if k != "vnp_SecureHash")
    assert vnp.hmac_sha512(SANDBOX_SECRET, raw) != SANDBOX_RETURN["vnp_SecureHash"]


def test_any_changed_field_or_wrong_secret_fails():
    for key in ("vnp_Amount", "vnp_TxnRef", "vnp_ResponseCode", "vnp_OrderInfo"):
        tampered = {**SANDBOX_RETURN, key: SANDBOX_RETURN[key] + "1"}
        assert not vnp.verify(tampered, SANDBOX_SECRET), key
    assert not vnp.verify(SANDBOX_RETURN, "another-secret")
    assert not vnp.verify({k: v for k, v in SANDBOX_RETURN.items() if k != "vnp_SecureHash"}, SANDBOX_SECRET)
    assert not vnp.verify(SANDBOX_RETURN, "")


def test_an_added_parameter_breaks_the_signature_but_empty_ones_are_skipped():
    assert not vnp.verify({**SANDBOX_RETURN, "vnp_Extra": "1"}, SANDBOX_SECRET)
    assert vnp.verify({**SANDBOX_RETURN, "vnp_Extra": ""}, SANDBOX_SECRET)
    assert vnp.verify({**SANDBOX_RETURN, "other": "not a vnp field"}, SANDBOX_SECRET)


def test_request_signature_matches_the_official_node_sample():
    assert vnp.canonical_query(GOLDEN_PAY) == GOLDEN_PAY_STRING
    assert vnp.sign(GOLDEN_PAY, GOLDEN_SECRET) == GOLDEN_PAY_HASH
    url = vnp.signed_url("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html", GOLDEN_PAY, GOLDEN_SECRET)
    assert url == (
        f"https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?{GOLDEN_PAY_STRING}&vnp_SecureHash={GOLDEN_PAY_HASH}"
    )


def test_querydr_pipe_hash_matches_the_official_node_sample():
    body = {
        "vnp_RequestId": "req0001",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "DVCTEST1",
        "vnp_TxnRef": "DVC260310ABCDEF1234",
        "vnp_TransactionDate": "20260310093000",
        "vnp_CreateDate": "20260311080000",
        "vnp_IpAddr": "10.0.0.1",
        "vnp_OrderInfo": "Truy van DVC260310ABCDEF1234",
    }
    assert vnp.pipe_hash(body, vnp.QUERYDR_REQUEST_ORDER, GOLDEN_SECRET) == GOLDEN_QUERYDR_HASH


def test_encoder_is_quote_plus_encoding_star_and_brackets_like_php():
    assert vnp.encode_value("a b*~!'()") == "a+b%2A~%21%27%28%29"
    assert vnp.encode_value("Đ:/#&=+") == "%C4%90%3A%2F%23%26%3D%2B"


def test_order_info_is_ascii_without_the_characters_encoders_disagree_on():
    text = vnp.order_info_text("Thanh toán phí hồ sơ 000.00.31.H56-260310-0001 (Đăng ký) *~!'")
    assert text == "Thanh toan phi ho so 000.00.31.H56-260310-0001 Dang ky"
    assert text.isascii()
    assert vnp.order_info_text("!!!") == "Thanh toan"
    assert len(vnp.order_info_text("a" * 400)) == 255


def test_amount_is_vnd_times_100():
    assert vnp.amount_field(7500) == "750000"
    assert vnp.parse_amount_field("750000") == 7500
    for bad in ("", "-750000", "7500.00", "750001", "1e6", "abc"):
        assert vnp.parse_amount_field(bad) is None, bad


def test_dates_are_gmt_plus_7():
    import datetime

    moment = datetime.datetime(2026, 3, 10, 2, 30, tzinfo=datetime.UTC)
    assert vnp.vnp_datetime(moment) == "20260310093000"
    assert vnp.parse_vnp_datetime("20260310093000") == moment
    assert vnp.parse_vnp_datetime("2026-03-10") is None
