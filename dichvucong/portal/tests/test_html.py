"""The news sanitiser keeps the formatting subset and removes everything that could run or restyle."""

import pytest

from dichvucong.portal.html import clean


@pytest.mark.parametrize(
    ("dirty", "expected"),
    [
        ("<p>Xin chào<script>alert(1)</script></p>", "<p>Xin chào</p>"),
        ('<p><img src="x" onerror="alert(1)">Ảnh</p>', "<p>Ảnh</p>"),
        ('<p onclick="alert(1)" onmouseover="x()">Bấm</p>', "<p>Bấm</p>"),
        ('<a href="javascript:alert(1)">Liên kết</a>', '<a rel="noopener noreferrer">Liên kết</a>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="java&#x09;script:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="//evil.example/">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<iframe src="https://evil.example/"></iframe><p>Sau</p>', "<p>Sau</p>"),
        ('<p style="position:fixed;top:0">Kiểu</p>', "<p>Kiểu</p>"),
        ("<style>body{display:none}</style><p>Văn bản</p>", "<p>Văn bản</p>"),
        ('<svg onload="alert(1)"><text>x</text></svg>Còn lại', "Còn lại"),
        ("<form><input name=a><button>Gửi</button></form>", "Gửi"),
        ("<h1>Lớn</h1><h4>Nhỏ</h4>", "LớnNhỏ"),
        ("<p>Ghi chú<!-- bí mật --></p>", "<p>Ghi chú</p>"),
        (
            '<a href="https://dichvucong.gov.vn" target="_blank" rel="opener">Cổng</a>',
            '<a href="https://dichvucong.gov.vn" rel="noopener noreferrer">Cổng</a>',
        ),
    ],
)
def test_dangerous_markup_is_removed(dirty, expected):
    assert clean(dirty) == expected


def test_the_formatting_subset_is_kept_as_written():
    kept = (
        "<h2>Mục 1</h2><h3>Mục 1.1</h3><p>Đoạn <strong>đậm</strong>, <b>đậm</b>, <em>nghiêng</em>, "
        "<i>nghiêng</i>"
        "<br>dòng mới.</p><ul><li>Một</li></ul><ol><li>Hai</li></ol>"
        '<p><a href="https://dichvucong.gov.vn/thu-tuc?id=1&amp;a=2" rel="noopener noreferrer">https</a> '
        '<a href="http://example.vn" rel="noopener noreferrer">http</a> '
        '<a href="mailto:hotro@example.vn" rel="noopener noreferrer">thư</a> '
        '<a href="/thu-tuc/" rel="noopener noreferrer">trong cổng</a></p>'
    )
    assert clean(kept) == kept


def test_cleaning_is_idempotent_and_keeps_vietnamese_text():
    once = clean(
        '<p>Thủ tục đăng ký khai sinh <a href="https://a.vn" onclick="x">ở đây</a></p><script>x</script>'
    )
    assert clean(once) == once
    assert "Thủ tục đăng ký khai sinh" in once
