"""Reading order of text-layer words and OCR lines: rows, segments, and tall titles."""

from dossier.extract.pages.lines import Word, group_lines, reading_order
from dossier.model import TextLine


def test_words_form_rows_and_a_wide_gap_splits_a_row():
    words = [Word("姓名", 50, 100, 74, 110), Word("张伟", 80, 100, 104, 110),
             Word("性别", 300, 101, 324, 111), Word("住所", 50, 120, 74, 130)]
    assert [line.text for line in group_lines(words)] == ["姓名 张伟", "性别", "住所"]


def test_a_tall_title_beside_two_rows_does_not_glue_them_together():
    # A licence: 营业执照 in large type to the right of two rows of small text it overlaps.
    words = [Word("统一社会信用代码", 50, 100, 146, 110), Word("91440305MAXBAF5C2R", 160, 100, 260, 110),
             Word("证照编号：", 50, 116, 110, 126), Word("C2R", 120, 116, 140, 126),
             Word("营业执照", 380, 92, 540, 134)]
    texts = [line.text for line in group_lines(words)]
    assert "统一社会信用代码 91440305MAXBAF5C2R" in texts and "证照编号： C2R" in texts
    assert "营业执照" in texts and len(texts) == 3


def test_ocr_lines_in_reading_order_with_a_tall_seal_line():
    def line(text, box):
        return TextLine(text=text, confidence=0.9, bbox=box)

    lines = [line("第二行", (50, 130, 150, 142)), line("发证机关（盖章）", (50, 110, 200, 122)),
             line("武汉市市场监督管理局", (300, 95, 420, 150)), line("第一行", (50, 90, 150, 102))]
    assert [ln.text for ln in reading_order(lines)][:1] == ["第一行"]
    order = [ln.text for ln in reading_order(lines)]
    assert order.index("发证机关（盖章）") < order.index("第二行")
