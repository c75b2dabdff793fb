"""Print under coloured ink is read a second time (issue 14: a "仅供…使用" line written across an
ID card's copy hid its 签发机关 line from the detector; seals over dates)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import cjk_ttf
from dossier.config import load_settings
from dossier.extract.ocr import get_engine
from dossier.extract.ocr.ink import INK_CONFIDENCE, _vanished, deinked, ink_region, merge, read_under_ink
from dossier.extract.ocr.page import ocr_image
from dossier.model import TextLine

PRINT = [(80, "签发机关"), (260, "武汉市公安局洪山分局")]
FONT_PX = 40


def copy_page(*, overlay: str | None, colour=(30, 40, 160, 190), at: int = 300) -> np.ndarray:
    """A grey photocopy with four lines of print; ``overlay`` is written across the third one in
    semi-transparent coloured ink, tilted, as people write on copies."""
    font = ImageFont.truetype(str(cjk_ttf()), FONT_PX)
    page = Image.new("RGB", (1200, 520), (236, 236, 236))
    draw = ImageDraw.Draw(page)
    draw.text((80, 60), "中华人民共和国", fill=(25, 25, 25), font=font)
    draw.text((80, 160), "居民身份证", fill=(25, 25, 25), font=font)
    for x, text in PRINT:
        draw.text((x, 300), text, fill=(25, 25, 25), font=font)
    draw.text((80, 400), "有效期限 2013.08.27-2033.08.27", fill=(25, 25, 25), font=font)
    if overlay:
        layer = Image.new("RGBA", (1300, 120), (0, 0, 0, 0))
        ImageDraw.Draw(layer).text((10, 10), overlay, fill=colour, font=ImageFont.truetype(str(cjk_ttf()), 64))
        layer = layer.rotate(9, expand=True, resample=Image.BICUBIC)
        out = page.convert("RGBA")
        out.alpha_composite(layer, (0, at - layer.height // 2 + 20))
        page = out.convert("RGB")
    return np.array(page)


def line(text: str, confidence: float, bbox) -> TextLine:
    return TextLine(text=text, confidence=confidence, bbox=bbox)


def test_coloured_ink_is_lifted_and_black_print_stays_dark():
    image = copy_page(overlay="仅供资质申报使用，他用无效")
    ink = (image.max(axis=2).astype(int) - image.min(axis=2)) >= 40
    clean = deinked(image)
    assert clean.shape == image.shape and (clean[..., 0] == clean[..., 2]).all()
    over_paper = clean[ink & (image.max(axis=2) > 150)][:, 0]
    assert (over_paper >= 230).mean() > 0.95  # ink over paper: gone (but for antialiased rims)
    print_ = (image.max(axis=2) < 60) & ~ink
    assert np.median(clean[print_][:, 0]) < 80  # black print: still black


def test_ink_a_scan_washed_out_to_a_faint_tint_is_lifted_too():
    # a blue line a scanner desaturated: (123, 121, 143) is barely bluer than grey, yet print is
    # far more neutral; the page's paper and print are untouched
    image = copy_page(overlay="仅供资质申报使用，他用无效", colour=(123, 121, 143, 255))
    overlay = (image[..., 2].astype(int) - image[..., 0] >= 15) & (image.max(axis=2) < 190)
    clean = deinked(image)
    assert (clean[overlay][:, 0] >= 230).mean() > 0.9
    print_ = (image.max(axis=2) < 60)
    assert np.median(clean[print_][:, 0]) < 80


def test_the_region_is_where_ink_crosses_print_and_nowhere_else():
    height = float(FONT_PX)
    crossed = copy_page(overlay="仅供资质申报使用，他用无效")
    x0, y0, x1, y1 = ink_region(crossed, [], height)
    assert y0 < 300 < y1 and x0 < 300 and x1 > 700
    # the same ink in an empty margin touches no print
    away = copy_page(overlay=None)
    away = np.concatenate([away, np.full((300, 1200, 3), 236, np.uint8)])
    away[600:660, 100:1000] = (60, 70, 200)
    assert ink_region(away, [], height) is None
    # print the first reading already read well needs no second one
    sure = [line("签发机关武汉市公安局洪山分局", 0.99, (60, 290, 1150, 350))]
    strip = copy_page(overlay=None)
    strip[352:358, 60:1100] = (200, 30, 30)  # a red rule under that line only
    assert ink_region(strip, [], height) is not None
    assert ink_region(strip, sure, height) is None
    # unless the ink runs through it: read well is not read right under a seal's arc
    strip[328:334, 60:1100] = (200, 30, 30)
    assert ink_region(strip, sure, height) is not None
    # a seal over a table's rule, away from any text: the rule is print no reading misses
    ruled = copy_page(overlay=None)
    ruled = np.concatenate([ruled, np.full((300, 1200, 3), 236, np.uint8)])
    ruled[650:653, 40:1160] = 20  # the rule
    ruled[590:710, 500:620][np.add.outer((np.arange(120) - 60) ** 2, (np.arange(120) - 60) ** 2) < 3600] = (200, 40, 40)
    ruled[650:653, 40:1160] = 20  # printed over by nothing: the seal sits on the rule
    assert ink_region(ruled, [], height) is None
    # a colour document (a colour scan of a card): its colours are content, not ink laid over it
    colour = copy_page(overlay=None)
    colour[:, :, 2] = 255
    assert ink_region(colour, [], height) is None


def test_a_better_second_reading_replaces_the_lines_it_covers_and_is_never_certain():
    first = [line("签发机关", 0.99, (80, 300, 240, 340)), line("武汉市公安馬", 0.61, (260, 300, 700, 340)),
             line("有效期限", 0.99, (80, 400, 240, 440))]
    second = [line("武汉市公安局洪山分局", 0.98, (262, 301, 700, 341)),
              line("签发机关", 0.999, (80, 300, 240, 340)),  # the same words: the first stands
              line("仅供资质申报使用", 0.97, (0, 250, 900, 420)),  # the overlay, read on a slant
              line("2033.08.27", 0.96, (600, 400, 800, 440)),  # nothing there before
              line("4", 0.55, (900, 400, 920, 440))]  # nothing there before either: a speck
    merged = {ln.text: ln for ln in merge(first, second, 40.0)}
    assert set(merged) == {"签发机关", "武汉市公安局洪山分局", "有效期限", "2033.08.27"}
    assert merged["签发机关"].confidence == 0.99
    assert merged["武汉市公安局洪山分局"].confidence == INK_CONFIDENCE
    assert merged["2033.08.27"].confidence == INK_CONFIDENCE
    weaker = merge(first, [line("武汉市公安局", 0.62, (262, 301, 700, 341))], 40.0)
    assert [ln.text for ln in weaker] == [ln.text for ln in first]


def test_an_overlay_read_well_does_not_hide_the_print_beneath_it():
    # the first reading read the written line itself, with confidence, in a box as tall as its
    # slant: that box spans the print it crosses, which is still unread
    height = float(FONT_PX)
    crossed = copy_page(overlay="仅供资质申报使用，他用无效")
    overlay = line("仅供资质申报使用，他用无效", 0.99, (0, 140, 1200, 500))
    assert ink_region(crossed, [overlay], height) is not None


def test_a_second_reading_that_finds_the_whole_of_a_line_replaces_its_visible_part():
    # the overlay hid the start of a date range; the first reading read only its end, exactly
    first = [line("有效期限", 0.99, (80, 400, 240, 440)), line("2033.08.27", 1.0, (600, 400, 800, 440)),
             line("仅供资质申报使用", 0.99, (0, 250, 900, 460))]
    whole = line("2013.08.27-2033.08.27", 0.999, (300, 401, 800, 441))
    merged = {ln.text: ln for ln in merge(first, [whole], 40.0)}
    assert set(merged) == {"有效期限", "2013.08.27-2033.08.27", "仅供资质申报使用"}
    assert merged["2013.08.27-2033.08.27"].confidence == INK_CONFIDENCE
    # read unclearly, more is not better: the part read well stands
    unclear = merge(first, [line("2013.08.27-2033.08.27", 0.7, (300, 401, 800, 441))], 40.0)
    assert "2033.08.27" in {ln.text for ln in unclear}


def test_a_line_a_seal_joined_is_replaced_not_doubled():
    # a seal's edge joined the first reading's box (有效期至 read with a stray 历, a box twice the
    # height of print): a rival of the second reading's line, not an overlay beside it
    first = [line("有效期至历", 0.8162, (318, 193, 391, 223)), line("资质类别及等级", 0.9997, (55, 230, 131, 244))]
    merged = merge(first, [line("有效期至", 0.99, (321, 202, 366, 216))], 15.0)
    assert sorted(ln.text for ln in merged) == ["有效期至", "资质类别及等级"]
    # the same words read again: the first reading stands, but in the box of print, not the
    # seal-swollen one that made a date look like the seal's own text
    date = line("2028年8月24日", 0.9998, (384, 193, 466, 222))
    (kept,) = merge([date], [line("2028年8月24日", 0.99, (388, 201, 462, 214))], 15.0)
    assert kept.confidence == 0.9998 and kept.bbox == (388, 201, 462, 214)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return get_engine("rapidocr", load_settings(home=tmp_path_factory.mktemp("home")))


def test_print_crossed_by_a_written_line_is_read_through_it(engine):
    image = copy_page(overlay="仅供石城中瀚建设集团有限公司资质申报使用，他用无效")
    lines = engine.recognize(image)
    read = "".join(ln.text for ln in read_under_ink(engine, image, lines))
    assert "武汉市公安局洪山分局" in read
    page = ocr_image(engine, image, dpi=150, max_side=2000)
    authority = [ln for ln in page.lines if "洪山分局" in ln.text]
    assert authority and all(ln.confidence <= INK_CONFIDENCE for ln in authority
                             if ln.text not in {ln0.text for ln0 in lines})


def test_a_page_without_coloured_ink_is_read_once(engine):
    calls = []

    class Counting:
        name = "counting"
        version = "1"

        def recognize(self, image):
            calls.append(image.shape)
            return engine.recognize(image)

    image = copy_page(overlay=None)
    lines = engine.recognize(image)
    assert read_under_ink(Counting(), image, lines) == lines and calls == []


def test_characters_a_seal_hid_at_the_end_of_a_line_read_well_are_added_with_doubt():
    # the first reading stopped at 分 where a seal covers 局; the second, under the ink, lost two
    # characters elsewhere but found the 局 past the first's end
    first = [line("杭州市公安局西湖区分", 1.0, (260, 454, 341, 465))]
    second = [line("州市安局西湖区分局", 0.919, (267, 454, 349, 465))]
    (merged,) = merge(first, second, 11.0)
    assert merged.text == "杭州市公安局西湖区分局" and merged.confidence == INK_CONFIDENCE
    assert merged.bbox == (260, 454, 349, 465)
    # and a province's first character hidden at the start
    (start,) = merge([line("川省住房和城乡建设厅", 1.0, (120, 50, 220, 60))],
                     [line("四川省住房和城乡建设厅", 0.93, (110, 50, 220, 60))], 10.0)
    assert start.text == "四川省住房和城乡建设厅" and start.confidence == INK_CONFIDENCE


def test_a_second_reading_of_other_words_past_a_lines_end_adds_nothing():
    first = [line("杭州市公安局西湖区分", 1.0, (260, 454, 341, 465))]
    other = [line("仅供资质申报使用他用", 0.95, (262, 454, 360, 465))]
    assert merge(first, other, 11.0) == first
    same_span = [line("杭州市公安局西湖区分", 0.95, (260, 454, 341, 465))]
    assert merge(first, same_span, 11.0) == first


def test_the_end_of_a_label_the_second_reading_cut_into_is_not_put_before_the_value():
    # the ink region's edge cut 社保经办机构（章）： so the second reading opens mid-label
    first = [line("社保经办机构", 1.0, (1963, 237, 2194, 296)), line("杭州市滨江区社会保险事业管理局", 1.0, (2315, 240, 2870, 300))]
    second = [line("构（章：杭州", 0.938, (2139, 241, 2395, 297))]
    assert merge(first, second, 58.0) == first


def test_the_region_read_again_takes_in_the_whole_of_each_line_it_cuts():
    from dossier.extract.ocr.ink import _whole_lines
    lines = [line("四川省华诚工程建设监理有限责任公司", 0.93, (173, 1265, 816, 1325)),
             line("项目负责人：", 0.99, (170, 1346, 392, 1400)),
             line("2024年1月22日", 1.0, (172, 1600, 442, 1650))]  # not in the region: stays out
    assert _whole_lines((395, 1100, 900, 1450), lines, 57.0) == (170, 1100, 900, 1450)


def test_a_coloured_background_around_a_photographed_copy_is_no_ink():
    # a phone photo of a copy lying on a red tablecloth: the cloth is colour, not ink, so the page
    # is no colour document and the line written across the print is still read through
    height = float(FONT_PX)
    copy = copy_page(overlay="仅供资质申报使用，他用无效")
    photo = np.full((copy.shape[0] + 400, copy.shape[1] + 400, 3), (150, 20, 25), np.uint8)
    photo[200:200 + copy.shape[0], 200:200 + copy.shape[1]] = copy
    x0, y0, x1, y1 = ink_region(photo, [], height)
    assert y0 < 500 < y1 and x0 < 500 and x1 > 900  # the written line over the print
    assert x1 - x0 < photo.shape[1] - 100  # not the cloth
    # the cloth alone touches no print
    plain = photo.copy()
    plain[200:200 + copy.shape[0], 200:200 + copy.shape[1]] = copy_page(overlay=None)
    assert ink_region(plain, [], height) is None


def test_a_seals_own_words_over_a_date_are_no_rival_of_the_date_read_beneath_them():
    # 电子证照专用章 (the seal's words, red) sits on the lower half of 发证日期 (print the seal hid
    # from the first reading): two texts, not two readings of one
    seal = line("电子证照专用章", 0.989, (1152, 1171, 1325, 1236))
    first = [line("颁发单位：浙江省住房和城乡建设厅", 1.0, (1026, 1089, 1501, 1140)), seal]
    date = line("发证日期：2026年03月13日", 1.0, (1130, 1151, 1499, 1195))
    merged = {ln.text: ln for ln in merge(first, [date], 43.6, inked=[seal])}
    assert set(merged) == {"颁发单位：浙江省住房和城乡建设厅", "电子证照专用章", "发证日期：2026年03月13日"}
    assert merged["发证日期：2026年03月13日"].confidence == INK_CONFIDENCE
    # a reading of the same print as good as the second stands against it
    rival = line("发证日期：2026年03月18日", 1.0, (1130, 1150, 1499, 1196))
    assert date.text not in {ln.text for ln in merge([*first, rival], [date], 43.6, inked=[seal])}
    # and the seal's words, not known for ink, are read print as good
    assert date.text not in {ln.text for ln in merge(first, [date], 43.6)}


def test_a_label_read_alone_is_no_rival_of_the_line_that_holds_it():
    # the seal's arc mixed into the date (月：027年1月15日, read at 0.96); its label read cleanly
    # alone, as the second reading spells it too: the second reading replaces both
    first = [line("发证日期", 0.982, (1108, 1145, 1293, 1197)), line("月：027年1月15日", 0.96, (1253, 1146, 1502, 1209))]
    (merged,) = merge(first, [line("发证日期：2027年1月15日", 0.999, (1150, 1151, 1499, 1192))], 44.8)
    assert merged.text == "发证日期：2027年1月15日" and merged.confidence == INK_CONFIDENCE


def sealed_date_page(words_px: int = 32, words_y: int = 236, bold: int = 0, strength: float = 0.9,
                     grey: float | None = None) -> np.ndarray:
    """A certificate's foot: the authority and the issue date in black, a red seal stamped over
    the date with its own words (电子证照专用章, ``words_px`` tall at ``words_y``) across the
    date's lower half, as offices stamp. ``grey``: scanned in grey instead, the seal's ink this
    share of the paper's brightness."""
    font = ImageFont.truetype(str(cjk_ttf()), FONT_PX)
    page = Image.new("RGB", (1100, 520), (246, 244, 240))
    draw = ImageDraw.Draw(page)
    draw.text((80, 150), "颁发单位：浙江省住房和城乡建设厅", fill=(20, 20, 20), font=font)
    draw.text((180, 215), "发证日期：2026年03月13日", fill=(20, 20, 20), font=font)
    ink = Image.new("L", page.size, 0)
    seal = ImageDraw.Draw(ink)
    seal.ellipse((340, 40, 700, 400), outline=255, width=12)
    words = ImageFont.truetype(str(cjk_ttf()), words_px)
    seal.text((520 - seal.textlength("电子证照专用章", font=words) / 2, words_y), "电子证照专用章", fill=255,
              font=words, stroke_width=bold, stroke_fill=255)
    seal.regular_polygon((520, 170, 50), 5, fill=255)
    arr = np.asarray(page, dtype=np.float32)
    a = np.asarray(ink, dtype=np.float32)[..., None] / 255.0 * strength
    red = np.array([0.82, 0.12, 0.14] if grey is None else [grey] * 3, dtype=np.float32)
    out = arr * (1.0 - a * (1.0 - red))
    if grey is not None:
        out = np.repeat(out.mean(axis=2, keepdims=True), 3, axis=2)
    return out.clip(0, 255).astype(np.uint8)


def test_a_date_under_a_seals_own_words_is_read_beneath_them(engine):
    image = sealed_date_page()
    page = ocr_image(engine, image, dpi=150, max_side=2000)
    dates = [ln for ln in page.lines if "2026年03月13日" in ln.text]
    assert dates and all(ln.confidence <= INK_CONFIDENCE for ln in dates if "电子证照" not in ln.text)


def test_a_seals_words_read_well_across_a_date_are_no_rival_of_it(engine):
    # the first reading reads the seal's words as a line of their own, across the date it lost:
    # they vanish with the ink, so the date the second reading finds beneath them is put in
    page = ocr_image(engine, sealed_date_page(words_px=44, words_y=233, bold=1, strength=1.0), dpi=150, max_side=2000)
    assert any("2026年03月13日" in ln.text for ln in page.lines)


def test_lines_read_well_that_the_second_reading_finds_nowhere_were_written_in_the_ink():
    words = line("电子证照专用章", 0.989, (1152, 1171, 1325, 1236))
    authority = line("颁发单位：浙江省住房和城乡建设厅", 1.0, (1026, 1089, 1501, 1140))
    weak = line("2電年照用章", 0.55, (1130, 1151, 1499, 1195))  # read badly: a rival to beat, not ink
    outside = line("请登录查询证书信息", 1.0, (158, 958, 768, 1006))  # not in the crop read again
    second = [line("颁发单位：浙江省住房和城乡建设厅", 0.97, (1026, 1089, 1501, 1140)),
              line("发证日期：2026年03月13日", 1.0, (1131, 1153, 1498, 1195))]
    assert _vanished([words, authority, weak, outside], second, (1000, 1000, 1600, 1300)) == [words]


def test_a_seals_words_that_the_second_reading_spells_only_elsewhere_on_their_row_were_ink():
    # a seal's 设局 read beside the date under it; with the ink lifted the row holds 建设局 only
    # at the office's name's end, a seal's width away: the date's lost 20 is read again
    # (a scanned qualification certificate, fresh seed 102)
    words = line("设局", 0.999, (1853, 925, 1938, 1034))
    date = line("21年7月31日", 1.0, (1922, 965, 2133, 1006))
    second = [line("发证机关 杭州市注房和城乡建设局", 0.963, (1661, 904, 2135, 949)),
              line("2021年7月31日", 1.0, (1893, 966, 2133, 1005))]
    assert _vanished([words, date], second, (766, 141, 2140, 1152)) == [words]
    merged = merge([words, date], second, 43.5, inked=[words])
    assert [ln.text for ln in merged if "7月31日" in ln.text] == ["2021年7月31日"]
    # the same words where the second reading places them are print, not ink
    there = [line("建设局", 0.99, (1840, 930, 1950, 975))]
    assert _vanished([words], there, (766, 141, 2140, 1152)) == []


def test_a_second_reading_that_adds_only_a_speck_to_a_line_read_well_is_no_longer_reading():
    # a pale label lifted with the overlay left a dot before the name: 。马淼 is not more of 马淼
    # than 马淼 (a grey scan of an ID card, fresh seed 99)
    first = [line("姓名", 1.0, (40, 46, 59, 57)), line("马淼", 1.0, (66, 45, 90, 56))]
    merged = merge(first, [line("。马淼", 0.915, (40, 45, 90, 56))], 11.0, inked=[first[0]])
    assert [(ln.text, ln.confidence) for ln in merged] == [("姓名", 1.0), ("马淼", 1.0)]
    # more characters are more: the 女 a seal hid after 性别
    (label,) = merge([line("性别", 0.999, (40, 65, 60, 76))], [line("性别女", 0.904, (40, 65, 83, 76))], 11.0)
    assert label.text == "性别女" and label.confidence <= INK_CONFIDENCE
