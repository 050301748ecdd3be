from dichvucong.feedback.text import mask_personal_data, sanitise_answer


def test_masking_phones_emails_id_numbers_and_the_name():
    text = (
        "Lê Thị Hoa (lê thị  hoa) gọi +84 912 345 678, 0912.345.678, 84912345678, (+84)912-345-678, "
        "máy bàn 0237 3850 000; thư hoa.le+pakn@mail.example.vn; CCCD 001099012345 hoặc 038 090 012 345. "
        "Hồ sơ 1.001193, năm 2026, lúc 09:30."
    )
    assert mask_personal_data(text, names=("Lê Thị Hoa",)) == (
        "*** (***) gọi ***, ***, ***, ***, máy bàn ***; thư ***; CCCD *** hoặc ***. "
        "Hồ sơ 1.001193, năm 2026, lúc 09:30."
    )


def test_sanitising_keeps_the_small_allowlist_only():
    raw = (
        '<h1>Tiêu đề</h1><p style="color:red">Đoạn <b>đậm</b> <strong>đậm</strong> <em>nghiêng</em></p>'
        '<ul><li>một</li></ul><ol><li>hai</li></ol><img src=x onerror="alert(1)">'
        '<a href="https://dichvucong.gov.vn/x" target="_blank">ok</a> <a href="/tuong-doi">rel</a> '
        '<a href="data:text/html,x">d</a><script>alert(1)</script><iframe src="https://x"></iframe>'
    )
    assert sanitise_answer(raw) == (
        "Tiêu đề<p>Đoạn đậm <strong>đậm</strong> <em>nghiêng</em></p>"
        "<ul><li>một</li></ul><ol><li>hai</li></ol>"
        '<a href="https://dichvucong.gov.vn/x" rel="nofollow noopener noreferrer">ok</a> '
        '<a rel="nofollow noopener noreferrer">rel</a> <a rel="nofollow noopener noreferrer">d</a>'
    )


def test_plain_text_answers_keep_their_paragraphs_and_are_escaped():
    assert sanitise_answer("Dòng 1\nDòng <2>\n\nĐoạn 2 & hết") == (
        "<p>Dòng 1<br>Dòng &lt;2&gt;</p><p>Đoạn 2 &amp; hết</p>"
    )
