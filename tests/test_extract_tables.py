"""The three shapes of social-insurance statement (issue 14, class 5 and 9), on hand-placed cells."""

from __future__ import annotations

import pytest

from dossier.extract.document import extract_documents
from dossier.model import FileText, PageText, TextLine, TextSource

A4 = (595.0, 842.0)
ZHOU, WU = "420106197708134513", "42010619850214002X"


def cell(text, x0, y0, x1=None, h=12.0):
    return TextLine(text=text, confidence=1.0, bbox=(x0, y0, x1 if x1 is not None else x0 + 10 * len(text), y0 + h))


def records(*pages):
    texts = [PageText(number=n, width=A4[0], height=A4[1], source=TextSource.text_layer, lines=list(lines))
             for n, lines in enumerate(pages, start=1)]
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="application/pdf", pages=texts), "f.pdf")
    assert doc.doc_type == "social_insurance_record"
    return {r["id_number"]: r for r in doc.records}


def grid_page(year_cells, people, months=range(7, 13)):
    """A person x month grid whose header prints 7月 … 12月; ``year_cells`` above it."""
    lines = [cell("社会保险参保缴费明细", 180, 40, h=20), *year_cells,
             cell("姓名", 40, 200, 70), cell("公民身份号码", 90, 200, 190)]
    xs = {m: 210 + 45 * i for i, m in enumerate(months)}
    lines += [cell(f"{m}月", xs[m], 200, xs[m] + 25) for m in months]
    for row, (name, ident, paid) in enumerate(people):
        y = 220 + 20 * row
        lines += [cell(name, 40, y, 70), cell(ident, 90, y, 190)]
        lines += [cell(mark, xs[m] + 5, y, xs[m] + 15) for m, mark in paid.items()]
    return lines


def test_a_grid_with_month_of_year_headers_takes_its_year_from_the_page():
    page = grid_page([cell("单位名称：武汉长江建设集团有限公司", 40, 80), cell("缴费年度：2026", 40, 110)], [
        ("周建国", ZHOU, {7: "✓", 8: "✓", 9: "✓", 10: "✓", 11: "✓", 12: ""}),
        ("吴敏", WU, {7: "—", 8: "未缴", 9: "856.00", 10: "√", 11: "✓"}),
    ])
    got = records(page)
    assert got[ZHOU]["months"] == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert got[WU]["months"] == ["2026-09", "2026-10", "2026-11"]


def test_a_two_row_header_gives_each_month_the_year_above_it_and_rolls_over():
    months = [10, 11, 12, 1, 2]
    xs = [210 + 45 * i for i in range(5)]
    page = grid_page([cell("2025年", 210, 186, 330), cell("2026年", 345, 186, 420)],
                     [("周建国", ZHOU, {m: "✓" for m in months})], months=months)
    assert records(page)[ZHOU]["months"] == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    assert xs  # columns laid out left to right in the order printed


def test_one_statement_per_person_with_a_row_per_month():
    def person(name, ident, top, rows):
        lines = [cell(f"姓名：{name}", 40, top, 140), cell(f"公民身份号码：{ident}", 200, top, 420),
                 cell("费款所属期", 40, top + 30, 100), cell("险种", 140, top + 30, 170),
                 cell("缴费基数", 220, top + 30, 260), cell("缴费状态", 320, top + 30, 360)]
        for i, (month, kind, state) in enumerate(rows):
            y = top + 50 + 18 * i
            lines += [cell(month, 40, y, 100), cell(kind, 140, y, 190), cell("5000.00", 220, y, 270),
                      cell(state, 320, y, 350)]
        return lines

    page1 = [cell("个人参保缴费证明", 200, 30, h=20),
             *person("周建国", ZHOU, 80, [("2026-09", "养老保险", "已缴"), ("2026-10", "养老保险", "已缴"),
                                          ("2026-11", "医疗保险", "已缴")]),
             *person("吴敏", WU, 300, [("2026-09", "养老保险", "已缴"), ("2026-10", "养老保险", "欠缴")])]
    page2 = [cell("个人参保缴费证明", 200, 30, h=20),
             cell("费款所属期", 40, 60, 100), cell("险种", 140, 60, 170),
             cell("2026-11", 40, 80, 100), cell("养老保险", 140, 80, 190), cell("已缴", 320, 80, 350)]
    got = records(page1, page2)
    assert got[ZHOU]["months"] == ["2026-09", "2026-10", "2026-11"]
    assert got[ZHOU]["insurance_types"] == ["养老", "医疗"]
    assert got[WU]["months"] == ["2026-09", "2026-11"]  # 10 was 欠缴; page 2 continues her statement


def test_a_person_statement_with_a_column_per_insurance_type():
    # 姓名 | 陆骁 | 公民身份号码 | 5101… is the person's line (it holds an ID number), not a header
    lines = [cell("个人参保缴费证明", 72, 72), cell("姓名", 72, 90, 93), cell("陆骁", 185, 90, 206),
             cell("公民身份号码", 298, 90, 361), cell(WU, 410, 90, 505),
             cell("费款所属期", 72, 144, 124), cell("养老", 136, 144, 157), cell("医疗", 201, 144, 222),
             cell("缴费基数", 394, 144, 436), cell("缴费状态", 459, 144, 501)]
    for i, (month, pension, medical, state) in enumerate([("202510", "已缴", "已缴", "正常"),
                                                          ("202511", "已缴", "", "正常"),
                                                          ("202512", "欠缴", "欠缴", "欠费")]):
        y = 162 + 18 * i
        lines += [cell(month, 72, y, 104), cell(pension, 136, y, 157), cell(medical, 201, y, 222),
                  cell("4800.00", 394, y, 431), cell(state, 459, y, 480)]
    got = records(lines)[WU]
    assert got["name"] == "陆骁" and got["months"] == ["2025-10", "2025-11"]
    assert got["insurance_types"] == ["养老", "医疗"]


@pytest.mark.parametrize("form", ["2026.{:02d}", "2026{:02d}"])  # 202605 202606 …: no long number
def test_month_headers_a_text_layer_joined_into_one_line_are_columns_each(form):
    months = " ".join(form.format(m) for m in range(2, 8))
    lines = [cell("参保单位职工社会保险缴费明细", 300, 44, h=17), cell("姓名", 94, 158, 108), cell("身份证号码", 191, 158, 228),
             cell(months, 339, 158, 339 + 6 * 40), cell("聂昊天", 90, 177, 112), cell(ZHOU, 169, 177, 250)]
    lines += [cell("√", 339 + 40 * i + 15, 177, 339 + 40 * i + 20) for i in (3, 4, 5)]  # 05, 06, 07
    assert records(lines)[ZHOU]["months"] == ["2026-05", "2026-06", "2026-07"]


def test_a_leaning_scan_with_wrapped_month_headers_dot_marks_and_a_wrapped_type_cell():
    # 1.2° askew: every box sits 0.02 pt higher per point to the right; each month header wraps
    # (2025- over 03); the paid months hold dots the OCR stage found by shape (●, smaller than
    # text); the insurance types wrap onto a second line (…、工 / 伤)
    def at(text, x0, y0, x1, h=12.0):
        return cell(text, x0, y0 - 0.02 * x0, x1, h)

    months = [f"{m:02d}" for m in range(3, 9)]
    lines = [at("参保单位职工社会保险缴费明细", 200, 40, 420, h=20),
             at("序号", 36, 165, 56), at("姓名", 84, 163, 105), at("公民身份号码", 174, 162, 223),
             at("险种", 300, 159, 320)]
    xs = [360 + 38 * i for i in range(len(months))]
    for x, m in zip(xs, months):
        lines += [at("2025-", x, 150, x + 25, h=11), at(m, x + 6, 162, x + 19, h=11)]
    people = [("聂长江", ZHOU, {0, 1, 2, 3, 4, 5}), ("吴敏", WU, {3, 4, 5})]
    for row, (name, ident, paid) in enumerate(people):
        y = 192 + 30 * row
        lines += [at("养老、医疗、失业、工", 272, y - 8, 351), at(str(row + 1), 43, y, 51),
                  at(name, 83, y, 110), at(ident, 160, y, 237), at("伤", 306, y + 4, 317)]
        lines += [at("●", xs[i] + 8, y - 2, xs[i] + 14, h=6) for i in paid]
    got = records(lines)
    assert got[ZHOU]["months"] == [f"2025-{m}" for m in months]
    assert got[WU]["months"] == ["2025-06", "2025-07", "2025-08"]
    assert got[WU]["insurance_types"] == ["养老", "医疗", "失业", "工伤"]


def test_a_title_with_other_words_inside_it_still_names_the_statement():
    # 单位参保人员缴费明细表: the words of 参保…缴费明细 with 人员 between them
    lines = [cell("单位参保人员缴费明细表", 200, 40, h=20), cell("单位名称", 40, 80, 80),
             cell("姓名", 40, 200, 70), cell("公民身份号码", 90, 200, 190), cell("202601 202602", 210, 200, 300),
             cell("周建国", 40, 220, 70), cell(ZHOU, 90, 220, 190), cell("√", 215, 220, 220), cell("√", 260, 220, 265)]
    assert records(lines)[ZHOU]["months"] == ["2026-01", "2026-02"]


def test_a_leaning_header_row_does_not_take_in_the_first_row_of_values():
    # a scan askew: the right end of the header rises, and the first row's range, month count and
    # base, right under their headers, reach the height of 姓名 on the left
    def at(text, x0, y0, x1, h=14.0):
        return cell(text, x0, y0 - 0.022 * x0, x1, h)

    lines = [at("社会保险缴费证明", 220, 50, 360, h=22), at("序号", 37, 145, 58), at("姓名", 79, 145, 100),
             at("社会保障号码", 153, 145, 206), at("险种", 281, 145, 302), at("缴费起止年月", 371, 145, 425),
             at("月数", 461, 145, 483), at("缴费基数（元）", 487, 145, 546)]
    for row, ident in enumerate([ZHOU, WU]):
        y = 160 + 16 * row
        lines += [at(str(row + 1), 43, y, 53), at(["周建国", "吴敏"][row], 75, y, 105), at(ident, 136, y, 224),
                  at("养老、医疗、失业、工伤", 244, y, 341), at("202510-202603", 367, y, 430), at("6", 467, y, 476),
                  at("4200.00", 502, y, 537)]
    got = records(lines)
    assert got[ZHOU]["months"] == got[WU]["months"] == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]


def test_a_wrapped_month_header_whose_upper_part_reads_as_a_month_alone():
    # 2026.1 over 0 is October: 2026.1 alone would be January
    lines = [cell("参保单位职工社会保险缴费明细", 200, 40, 420, h=20), cell("姓名", 81, 160, 104),
             cell("身份证号码", 168, 160, 215)]
    xs = [343 + 36 * i for i in range(6)]
    for x, m in zip(xs, range(7, 13)):
        upper, lower = ("2026.0", str(m)) if m < 10 else ("2026.1", str(m - 10))
        lines += [cell(upper, x, 151, x + 33, h=11), cell(lower, x + 12, 163, x + 21, h=11)]
    lines += [cell("毛志刚", 75, 186, 108), cell(ZHOU, 145, 186, 239)]
    lines += [cell("√", xs[i] + 11, 184, xs[i] + 22) for i in (0, 3, 5)]
    assert records(lines)[ZHOU]["months"] == ["2026-07", "2026-10", "2026-12"]


def test_a_mark_read_after_the_id_label_does_not_lose_the_person():
    # 公民身份号码· : OCR read a speck beside the label; the number stands in its own box to the right
    lines = [cell("个人参保缴费证明", 226, 51, h=20), cell("姓名", 71, 87, 94), cell("钱世勋", 130, 85, 163),
             cell("公民身份号码·", 305, 83, 373), cell(WU, 382, 82, 481),
             cell("费款所属期", 72, 173, 117), cell("养老", 165, 170, 189), cell("缴费状态", 490, 166, 528)]
    lines += [cell(m, 77, 188 + 16 * i, 112) for i, m in enumerate(["2025-11", "2025-12"])]
    lines += [cell("已缴", 167, 188 + 16 * i, 188) for i in range(2)]
    got = records(lines)[WU]
    assert got["name"] == "钱世勋" and got["months"] == ["2025-11", "2025-12"]


def test_months_at_the_high_end_of_a_leaning_header_are_found_over_the_marks_below_them():
    # 2.5% askew over a wide grid: 202612 and 202701 lie higher than 姓名's row reaches, while the
    # first person's marks under them lie within it
    def at(text, x0, y0, x1, h=13.0):
        return cell(text, x0, y0 - 0.025 * x0, x1, h)

    months = ["202608", "202609", "202610", "202611", "202612", "202701"]
    xs = [321 + 39 * i for i in range(6)]
    lines = [at("社会保险参保缴费证明", 200, 20, 380, h=20), at("序号", 29, 54, 50), at("姓名", 79, 54, 101),
             at("公民身份号码", 169, 54, 224), at("险种", 283, 54, 304)]
    lines += [at(m, x, 54, x + 35) for x, m in zip(xs, months)]
    for row, (name, ident) in enumerate([("金浩然", ZHOU), ("兰庆丰", WU)]):
        y = 69 + 15 * row
        lines += [at(str(row + 9), 36, y, 44), at(name, 76, y, 105), at(ident, 150, y, 244), at("养老", 284, y, 306)]
        lines += [at("V", x + 13, y, x + 23) for x in xs]
    got = records(lines)
    assert got[ZHOU]["months"] == got[WU]["months"] == ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]


def test_a_photographed_grid_whose_rows_fall_and_columns_lean_apart():
    # a phone photo at an angle: rows fall 0.079 pt per pt to the right, columns lean 0.03 pt per
    # pt down (perspective: not the rows' slope); the far months sit two text heights below 姓名
    fall, lean = 0.079, -0.03

    def at(text, x, y, w, h=10.0):
        x += lean * (y - 241)
        y += fall * (x - 133)
        return TextLine(text=text, confidence=0.99, bbox=(x, y, x + w, y + h))

    months = ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]
    xs = [351 + 24.5 * i for i in range(6)]
    lines = [cell("社会保险参保缴费证明", 250, 150, h=16), at("序号", 125, 236, 17), at("姓名", 162, 236, 16),
             at("身份证件号码", 207, 236, 55), at("险种", 300, 236, 17)]
    lines += [at(m, x, 236, 24) for m, x in zip(months, xs)]
    people = [(f"周建{c}", f"4201061977081345{i:02d}"[:18], months[i % 3:]) for i, c in enumerate("一二三四五六七八九十甲乙丙丁")]
    for row, (name, ident, paid) in enumerate(people):
        y = 253 + 18.5 * row
        lines += [at(str(row + 1), 129, y, 8), at(name, 155, y, 30), at(ident, 210, y, 80), at("养老、医疗", 292, y, 40)]
        lines += [at("●", x + 9, y + 3, 6, h=6) for m, x in zip(months, xs) if m in paid]
    got = {r["name"]: r["months"] for r in records(lines).values()}
    assert got == {name: paid for name, _, paid in people}


def test_each_row_says_how_sure_its_name_and_id_are():
    valid = "420106197708134519"  # ZHOU with its check character right
    page = grid_page([cell("缴费年度：2026", 40, 110)], [
        ("周建国", valid, {7: "✓"}),
        ("吴敏", WU, {7: "✓"}),  # a check character that fails
        ("手韵", "42010619900101001X", {7: "✓"}),  # no surname opens it: 于韵 read amiss
    ])
    blurred = next(ln for ln in page if ln.text == "吴敏")
    page[page.index(blurred)] = blurred.model_copy(update={"confidence": 0.71})
    got = records(page)
    assert got[valid]["confidence"] == {"name": 1.0, "id_number": 1.0, "months": 1.0}
    assert got[WU]["confidence"]["name"] == pytest.approx(0.71) and got[WU]["confidence"]["id_number"] < 0.9
    assert got["42010619900101001X"]["confidence"] == {"name": pytest.approx(0.8), "id_number": 1.0, "months": 1.0}


def test_a_range_cut_short_under_a_seal_is_run_on_to_its_printed_month_count_and_doubted():
    ids = ["420106197708134519", "420106198502140020", "420106199001010010"]
    lines = [cell("参保缴费明细", 180, 40, h=20), cell("姓名", 40, 200, 70), cell("身份证号码", 90, 200, 190),
             cell("缴费起止年月", 220, 200, 300), cell("月数", 320, 200, 345)]
    rows = [("周建国", ids[0], "202601-202612", "12"),  # range and count agree
            ("吴敏", ids[1], "202609", "4"),  # a seal hid —202612
            ("郑红", ids[2], "202601-202606", "9")]  # one of them misread: which, nobody can tell
    for i, (name, ident, span, count) in enumerate(rows):
        y = 220 + 20 * i
        lines += [cell(name, 40, y, 70), cell(ident, 90, y, 190), cell(span, 220, y, 300), cell(count, 325, y, 340)]
    got = records(lines)
    assert len(got[ids[0]]["months"]) == 12 and got[ids[0]]["confidence"]["months"] == 1.0
    assert got[ids[1]]["months"] == ["2026-09", "2026-10", "2026-11", "2026-12"]
    assert got[ids[1]]["confidence"]["months"] < 0.9
    assert len(got[ids[2]]["months"]) == 6 and got[ids[2]]["confidence"]["months"] < 0.9
    # a running total (累计月数) is no count of the row's range
    total = [ln.model_copy(update={"text": "累计月数"}) if ln.text == "月数" else ln for ln in lines]
    assert records(total)[ids[1]]["months"] == ["2026-09"]


def test_rows_low_on_a_photo_are_levelled_by_their_own_marks_not_the_headers_lean():
    # perspective: the header at the top leans 0.09 pt per pt, the rows below only 0.03; each row
    # is two text lines tall (险种 wraps) and its marks sit between them, half a row below 姓名
    header_fall, row_fall = 0.09, 0.03

    def at(text, x, y, w, fall, h=10.0):
        return TextLine(text=text, confidence=0.99, bbox=(x, y + fall * (x - 133), x + w, y + fall * (x - 133) + h))

    months = ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]
    xs = [351 + 24.5 * i for i in range(6)]
    lines = [cell("社会保险参保缴费证明", 250, 150, h=16)]
    lines += [at(t, x, 236, w, header_fall) for t, x, w in (("序号", 125, 17), ("姓名", 162, 16),
                                                            ("身份证件号码", 207, 55), ("险种", 300, 17))]
    lines += [at(m, x, 236, 24, header_fall) for m, x in zip(months, xs)]
    people = [(f"吴建{c}", f"4201061977081345{i:02d}", months[i % 4:]) for i, c in enumerate("一二三四五六七八九十甲乙")]
    for row, (name, ident, paid) in enumerate(people):
        y = 266 + 19 * row
        lines += [at(str(row + 1), 129, y, 8, row_fall), at(name, 155, y, 30, row_fall), at(ident, 210, y, 66, row_fall),
                  at("养老、医疗、失业、", 290, y, 54, row_fall), at("工伤", 310, y + 9, 16, row_fall)]
        lines += [at("●", x + 9, y + 7, 5, row_fall, h=5) for m, x in zip(months, xs) if m in paid]
    got = {r["name"]: r["months"] for r in records(lines).values()}
    assert got == {name: paid for name, _, paid in people}


def test_a_text_layers_line_of_years_over_wrapped_month_cells_gives_each_month_its_year():
    # LibreOffice: each month header wraps as 2026 over 02, the text layer joins the years (the
    # last one with the 0 of its month: 20260 over 7) into one line, 0.65 of a line above the months
    ids = ["420106197708134519", "420106198502140020"]
    lines = [cell("参保单位职工社会保险缴费明细", 180, 40, h=16), cell("姓名", 40, 190, 70, h=10),
             cell("身份证号码", 90, 190, 190, h=10), cell("2026 2026 20260", 210, 190, 335, h=10)]
    lines += [cell(m, x, 206.5, x + 12, h=10) for m, x in (("02", 214), ("03", 256), ("7", 303))]
    for i, (ident, marks) in enumerate(zip(ids, ((214, 256, 303), (303,)))):
        y = 230 + 20 * i
        lines += [cell(f"吴{'敏强'[i]}", 40, y, 70), cell(ident, 90, y, 190)]
        lines += [cell("●", x, y, x + 8) for x in marks]
    got = records(lines)
    assert got[ids[0]]["months"] == ["2026-02", "2026-03", "2026-07"]
    assert got[ids[1]]["months"] == ["2026-07"]


def test_a_text_layers_line_of_dashed_years_over_wrapped_month_cells_gives_each_month_its_year():
    # LibreOffice again, the months printed 2025-10: each wraps after its dash, and the text layer
    # joins two of the upper halves (2025- 2025-) into one line; the first two months were lost
    ids = ["420106197708134519", "420106198502140020"]
    xs = [337 + 39 * i for i in range(6)]
    lines = [cell("社会保险参保缴费证明", 180, 40, h=16), cell("姓名", 91, 197, 108, h=9),
             cell("身份证号码", 185, 197, 228, h=9), cell("2025- 2025-", xs[0], 197, xs[1] + 22, h=9)]
    lines += [cell(y, x, 197, x + 22, h=9) for y, x in zip(("2025-", "2026-", "2026-", "2026-"), xs[2:])]
    lines += [cell(m, x + 6, 212, x + 16, h=9) for m, x in zip(("10", "11", "12", "01", "02", "03"), xs)]
    for i, (ident, paid) in enumerate(zip(ids, (range(6), range(1, 6)))):
        y = 228 + 16 * i
        lines += [cell(f"吴{'敏强'[i]}", 87, y, 113, h=9), cell(ident, 164, y, 249, h=9)]
        lines += [cell("●", xs[k] + 6, y, xs[k] + 14, h=9) for k in paid]
    got = records(lines)
    assert got[ids[0]]["months"] == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert got[ids[1]]["months"] == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]


def test_a_month_header_left_unread_beside_the_read_ones_puts_the_rows_months_in_doubt():
    # 2025- whose 10 below it a seal hid: the column is no month, its marks count for none, and a
    # row that paid all three would show a gap it does not have
    ident = "420106197708134519"
    lines = [cell("社会保险参保缴费证明", 180, 40, h=16), cell("姓名", 91, 197, 108, h=9),
             cell("身份证号码", 185, 197, 228, h=9), cell("2025-", 337, 197, 359, h=9),
             cell("2025-11", 376, 197, 406, h=9), cell("2025-12", 415, 197, 445, h=9),
             cell("吴敏", 87, 228, 113, h=9), cell(ident, 164, 228, 249, h=9)]
    lines += [cell("●", x + 6, 228, x + 14, h=9) for x in (337, 381, 420)]
    got = records(lines)[ident]
    assert got["months"] == ["2025-11", "2025-12"]
    assert got["confidence"]["months"] < 0.9


def test_rows_of_one_id_number_are_one_person_whatever_each_row_read_as_the_name():
    # a row per insurance type, the name printed on each: a photo read 郑彧 as 郑或 on one row;
    # the ID number is the person, and the names read apart leave the name in doubt
    lines = [cell("单位参保人员缴费明细表", 180, 40, h=16), cell("姓名", 40, 200, 70), cell("身份证号码", 90, 200, 190),
             cell("险种", 200, 200, 230), cell("2026-02", 240, 200, 280), cell("2026-03", 290, 200, 330)]
    for row, (name, kind, conf) in enumerate((("郑彧", "养老", 0.95), ("郑或", "医疗", 0.4), (None, "失业", 0.0))):
        y = 220 + 14 * row
        lines += [cell(ZHOU, 90, y, 190), cell(kind, 200, y, 230), cell("●", 255, y, 263), cell("●", 305, y, 313)]
        if name:
            lines.append(TextLine(text=name, confidence=conf, bbox=(40, y, 70, y + 12)))
    page = PageText(number=1, width=A4[0], height=A4[1], source=TextSource.ocr, lines=lines)
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="image/jpeg", pages=[page]), "f.jpg")
    (got,) = doc.records
    assert got["name"] == "郑彧" and got["confidence"]["name"] < 0.9
    assert got["insurance_types"] == ["养老", "医疗", "失业"] and got["months"] == ["2026-02", "2026-03"]


def test_a_photographed_grid_whose_columns_converge_down_the_page_keeps_each_mark_in_its_month():
    # a phone photo taken from below the page: the columns run towards a vanishing point, so the
    # far right month leans three times as far as the name column; 30 rows down, the last month's
    # marks sit half a column left of where the name column's lean puts them
    vanish = (150.0, 205.0 + 3900.0)

    def at(text, x, y, w, h=6.0):
        k = (y - 205.0) / (vanish[1] - 205.0)
        x += (vanish[0] - x) * k
        return TextLine(text=text, confidence=0.99, bbox=(x, y, x + w * (1 - k), y + h))

    months = ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
    xs = [219 + 19 * i for i in range(6)]
    lines = [cell("单位参保人员缴费明细表", 156, 138, h=11), at("姓名", 100, 203, 11), at("身份证号码", 146, 203, 24),
             at("险种", 200, 203, 10)]
    lines += [at(m.replace("-", ""), x, 203, 16) for m, x in zip(months, xs)]
    people = []
    for i in range(30):
        ident = f"4201061977081345{i:02d}"
        paid = months[i % 3:] if i % 4 else months[:5]
        people.append((f"周建{'一二三四五六七八九十'[i % 10]}{'甲乙丙'[i // 10]}", ident, paid))
    for row, (name, ident, paid) in enumerate(people):
        y = 212 + 7.2 * row
        lines += [at(name, 101, y, 15), at(ident, 137, y, 41), at("养老", 197, y, 10)]
        lines += [at("●", x + 2, y + 1, 4, h=4) for m, x in zip(months, xs) if m in paid]
    got = {r["id_number"]: r["months"] for r in records(lines).values()}
    assert got == {ident: paid for _, ident, paid in people}


def test_a_rows_months_are_no_surer_than_the_ticks_they_were_read_from():
    # a scan whose ticks the engine reads at 0.5-0.8 (√ is a rare glyph to it, V its guess): it
    # may miss one outright, and a row read from such ticks says so
    lines = grid_page([cell("缴费年度：2026", 40, 110)], [("周建国", ZHOU, {m: "√" for m in range(7, 12)}),
                                                        ("吴敏", WU, {m: "✓" for m in range(7, 13)})])
    lines = [ln.model_copy(update={"confidence": 0.53}) if ln.text == "√" and ln.bbox[0] > 300 else ln for ln in lines]
    got = records(lines)
    assert got[ZHOU]["months"] == [f"2026-{m:02d}" for m in range(7, 12)] and got[ZHOU]["confidence"]["months"] < 0.9
    assert got[WU]["confidence"]["months"] == 1.0


def _rows_of(people):
    """A statement with a row per insurance type: (name, ID number, name's confidence) each."""
    lines = [cell("单位参保人员缴费明细表", 180, 40, h=16), cell("姓名", 40, 200, 70), cell("身份证号码", 90, 200, 190),
             cell("险种", 200, 200, 230), cell("2026-02", 240, 200, 280)]
    for row, (name, ident, conf) in enumerate(people):
        y = 220 + 14 * row
        lines += [TextLine(text=name, confidence=conf, bbox=(40, y, 70, y + 12)), cell(ident, 90, y, 190),
                  cell("养老", 200, y, 230), cell("●", 255, y, 263)]
    page = PageText(number=1, width=A4[0], height=A4[1], source=TextSource.ocr, lines=lines)
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="image/tiff", pages=[page]), "f.tif")
    return doc.records


def test_the_name_most_rows_read_stands_over_one_misreading_read_surely():
    # a fax read 武子轩 on three rows and 武了轩, at 0.9998, on one
    (got,) = _rows_of([("武了轩", ZHOU, 0.9998), ("武子轩", ZHOU, 0.98), ("武子轩", ZHOU, 0.99), ("武子轩", ZHOU, 0.97)])
    assert got["name"] == "武子轩" and got["confidence"]["name"] < 0.9


def test_a_row_whose_number_fails_its_check_one_digit_off_another_rows_of_the_same_name_is_that_person():
    # 420106197708134519 read 420106197708184519 on one row: no second person, no checksum error
    valid, misread = "420106197708134519", "420106197708184519"
    (got,) = _rows_of([("周建国", valid, 0.99), ("周建国", misread, 0.99), ("周建国", valid, 0.99)])
    assert got["id_number"] == valid and got["months"] == ["2026-02"]
    # a number that passes its check is another person's, however close
    assert len(_rows_of([("周建国", valid, 0.99), ("周建国", WU, 0.99)])) == 2


def test_a_row_whose_name_was_not_read_beside_rows_that_read_it_does_not_stop_the_statement():
    # a grid statement read one person's number on two rows, the name on only one of them, and a
    # third row's number failed its check: the statement's rows were sorted with None among names
    from dossier.extract.tables import _merge

    def row(name, ident, month):
        return {"name": name, "id_number": ident, "months": [month], "insurance_types": ["养老"],
                "confidence": {"name": 0.95 if name else 0.0, "id_number": 0.95}}

    valid, misread = "420106197708134519", "420106197708184519"
    got = _merge([row("周建国", valid, "2026-01"), row(None, valid, "2026-02"), row("周建国", misread, "2026-03")])
    assert [(r["name"], r["id_number"], r["months"]) for r in got] == [
        ("周建国", valid, ["2026-01", "2026-02", "2026-03"])]
