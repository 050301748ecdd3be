from dichvucong.feedback.forms import AnswerForm
from dichvucong.feedback.text import answer_for_editing, mask_personal_data, sanitise_answer


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
        "Tiêu đề<p>Đoạn <strong>đậm</strong> <strong>đậm</strong> <em>nghiêng</em></p>"
        "<ul><li>một</li></ul><ol><li>hai</li></ol>"
        '<a href="https://dichvucong.gov.vn/x" rel="nofollow noopener noreferrer">ok</a> '
        '<a rel="nofollow noopener noreferrer">rel</a> <a rel="nofollow noopener noreferrer">d</a>'
    )


def test_plain_text_answers_keep_their_paragraphs_and_are_escaped():
    assert sanitise_answer("Dòng 1\nDòng <2>\n\nĐoạn 2 & hết") == (
        "<p>Dòng 1<br>Dòng &lt;2&gt;</p><p>Đoạn 2 &amp; hết</p>"
    )


def test_text_with_inline_tags_gets_paragraphs_and_line_breaks_and_b_i_become_strong_em():
    raw = (
        "Kính gửi ông A,\r\n\r\nỦy ban <b>đã nhắc nhở</b> cán bộ.  \n"
        'Liên hệ <I class="x">bộ phận một cửa</I>.'
        '\n \n\nTrân trọng, <a href="https://dichvucong.gov.vn">cổng</a><script>x()</script>'
    )
    assert sanitise_answer(raw) == (
        "<p>Kính gửi ông A,</p>"
        "<p>Ủy ban <strong>đã nhắc nhở</strong> cán bộ.<br>Liên hệ <em>bộ phận một cửa</em>.</p>"
        '<p>Trân trọng, <a href="https://dichvucong.gov.vn" rel="nofollow noopener noreferrer">cổng</a></p>'
    )


def test_text_with_block_tags_is_left_as_written():
    raw = "<p>Một</p>\n\n<ul>\n<li><b>hai</b></li>\n</ul>\nba<br>bốn"
    assert sanitise_answer(raw) == "<p>Một</p>\n\n<ul>\n<li><strong>hai</strong></li>\n</ul>\nba<br>bốn"


def test_tags_that_only_look_like_b_or_i_are_not_renamed():
    assert sanitise_answer("<bdi>x</bdi> <br>y <img src=x> <iframe>z</iframe>") == "x <br>y  z"
    assert sanitise_answer("<bold>a</bold> <i\nx</i> c") == "<p>a x c</p>"


def test_a_plain_text_draft_comes_back_as_typed():
    typed = "Dòng 1\nDòng <2>\n\nĐoạn 2"
    assert answer_for_editing(sanitise_answer(typed)) == typed


def test_the_help_text_names_what_is_kept():
    help_text = str(AnswerForm().fields["answer"].help_text)
    for allowed in (
        "<b>",
        "<strong>",
        "<i>",
        "<em>",
        "<ul>",
        "<ol>",
        "<li>",
        "<p>",
        "<br>",
        "<a href",
        "http",
    ):
        assert allowed in help_text
    assert "dòng trống" in help_text and "xuống dòng" in help_text
