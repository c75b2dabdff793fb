"""A field label read alone on its row is read beside by recognition alone (issue 14: a grey
"仅供…使用" written across an ID card copy hid its 有效期限 dates from the detector)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import cjk_ttf
from dossier.config import load_settings
from dossier.extract.ocr import get_engine
from dossier.extract.ocr.beside import BESIDE_CONFIDENCE, read_beside_labels
from dossier.model import TextLine

FONT_PX = 36
LABEL = (80, 300, 224, 340)  # 有效期限 at 36 px


def card(value: str | None, overlay: bool = True) -> np.ndarray:
    """A grey copy of a card's back: 签发机关 and its value, then 有效期限 and ``value``, with a
    grey line written across the dates on a slant."""
    font = ImageFont.truetype(str(cjk_ttf()), FONT_PX)
    page = Image.new("RGB", (1100, 420), (228, 228, 228))
    draw = ImageDraw.Draw(page)
    draw.text((80, 200), "签发机关", fill=(60, 60, 60), font=font)
    draw.text((260, 200), "安阳县公安局", fill=(60, 60, 60), font=font)
    draw.text(LABEL[:2], "有效期限", fill=(60, 60, 60), font=font)
    if value:
        draw.text((260, 300), value, fill=(60, 60, 60), font=font)
    if overlay:
        layer = Image.new("RGBA", (1000, 110), (0, 0, 0, 0))
        ImageDraw.Draw(layer).text((10, 10), "仅供资质申报使用，他用无效", fill=(150, 150, 150, 200),
                                   font=ImageFont.truetype(str(cjk_ttf()), 72))
        layer = layer.rotate(14, expand=True, resample=Image.BICUBIC)
        out = page.convert("RGBA")
        out.alpha_composite(layer, (420, 150))
        page = out.convert("RGB")
    return np.array(page)


FIRST = [TextLine(text="签发机关", bbox=(80, 200, 224, 240)), TextLine(text="安阳县公安局", bbox=(260, 200, 476, 240)),
         TextLine(text="有效期限", bbox=LABEL)]


class Counting:
    """The real engine, counting what it is asked to read by recognition alone."""

    name = "counting"
    version = "1"

    def __init__(self, engine):
        self.engine, self.asked = engine, 0

    def recognize(self, image):
        return self.engine.recognize(image)

    def read_line(self, image):
        self.asked += 1
        return self.engine.read_line(image)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return get_engine("rapidocr", load_settings(home=tmp_path_factory.mktemp("home")))


def test_dates_the_detector_lost_under_a_grey_overlay_are_read_beside_their_label_with_doubt(engine):
    image = card("2022.11.10-2032.11.10")
    # the first reading as on such copies: the label, and nothing beside it
    (line,) = read_beside_labels(engine, image, FIRST, 40.0)
    assert line.text.startswith("2022.11.10")
    assert line.confidence <= BESIDE_CONFIDENCE and max(line.char_confidences or (0,)) <= BESIDE_CONFIDENCE
    x0, y0, x1, y1 = line.bbox
    assert LABEL[2] < x0 < 300 and (y0, y1) == (LABEL[1], LABEL[3]) and x1 > 600


def test_nothing_is_read_again_beside_a_label_with_its_value_or_blank_paper(engine):
    counting = Counting(engine)
    image = card("2022.11.10-2032.11.10")
    read = [*FIRST, TextLine(text="2022.11.10-2032.11.10", bbox=(260, 300, 640, 340))]
    assert read_beside_labels(counting, image, read, 40.0) == []
    assert read_beside_labels(counting, card(None, overlay=False), FIRST, 40.0) == []
    # a grey overlay alone is no print beside the label either
    assert read_beside_labels(counting, card(None), FIRST, 40.0) == []
    # nor is a form that prints the value under its label missing anything beside it
    under = [*FIRST, TextLine(text="2022.11.10-2032.11.10", bbox=(80, 350, 460, 390))]
    assert read_beside_labels(counting, card("2022.11.10-2032.11.10"), under, 40.0) == []
    # nor one whose value under it reaches up into its box: the tops of its characters are no
    # print beside the label (they were read as 京市院体房装工程集团有限公司)
    close = Image.new("RGB", (1100, 420), (236, 236, 236))
    draw = ImageDraw.Draw(close)
    font = ImageFont.truetype(str(cjk_ttf()), FONT_PX)
    draw.text((80, 300), "企业名称", fill=(40, 40, 40), font=font)
    draw.text((80, 318), "河南齐鲁泰安建筑安装工程集团有限公司", fill=(40, 40, 40), font=font)
    read = [TextLine(text="企业名称", bbox=LABEL), TextLine(text="河南齐鲁泰安建筑安装工程集团有限公司", bbox=(80, 320, 770, 358)),
            TextLine(text="签发机关", bbox=(80, 100, 224, 140)), TextLine(text="安阳县公安局", bbox=(260, 100, 476, 140))]
    assert read_beside_labels(counting, np.array(close), read, 40.0) == []
    # nor a caption printed small over its value and boxed with it: the value's box runs on
    # through the strip beside the caption (its top half was read again as 家项目3#，13#楼…)
    small = Image.new("RGB", (1100, 420), (236, 236, 236))
    draw = ImageDraw.Draw(small)
    draw.text((80, 300), "有效期限", fill=(90, 90, 90), font=ImageFont.truetype(str(cjk_ttf()), 16))
    # a photo's slant lifts the value's right part into the caption's row
    draw.text((150, 296), "2022.11.10-2032.11.10", fill=(40, 40, 40), font=font)
    read = [TextLine(text="有效期限", bbox=(80, 302, 144, 318)),
            TextLine(text="2022.11.10-2032.11.10", bbox=(78, 298, 460, 336))]  # its middle over the caption's foot
    assert read_beside_labels(counting, np.array(small), read, 40.0) == []
    assert counting.asked == 0


def test_an_engine_without_recognition_alone_is_not_asked(engine):
    class DetectOnly:
        name = "detect-only"
        version = "1"

        def recognize(self, image):
            return engine.recognize(image)

    assert read_beside_labels(DetectOnly(), card("2022.11.10-2032.11.10"), FIRST, 40.0) == []


def test_recognition_alone_leaves_the_engine_detecting_again(engine):
    # rapidocr keeps the steps of its last call: after reading one line, a page is still detected
    engine.read_line(card("2022.11.10-2032.11.10", overlay=False)[300:340, 250:700])
    assert {"签发机关", "安阳县公安局"} <= {ln.text for ln in engine.recognize(card(None, overlay=False))}
