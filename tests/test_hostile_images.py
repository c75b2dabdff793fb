"""Images as users really send them, through the pages stage end to end (file -> pages).

Unit tests of the pixel conversion are in test_pages.py; here every case is a real file in the
format a phone, scanner or editor writes: CMYK JPEG, 16-bit PNG, palette with transparency, alpha,
EXIF rotation, truncated JPEG, multi-page TIFF with mixed modes, decompression bombs.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from dossier.config import load_settings
from dossier.errors import CorruptFile, ImageTooLarge
from dossier.extract.ocr import InlineOcr
from dossier.extract.pages import read_file
from dossier.extract.pages.images import MIN_TRUNCATED_SHARE, TRUNCATED_NOTE, TRUNCATED_ZH, decoded_share
from dossier.intake import sniff

from engine_doubles import EngineDouble, where_the_ink_is

SIZE = (600, 800)


class InkEngine(EngineDouble):
    """Says where the dark ink is and whether the paper is white: what OCR would see."""

    name = "ink-where"

    def read(self, image):
        where = where_the_ink_is(image)
        return f"{where} {'white' if np.median(image.mean(axis=2)) > 200 else 'dark'}" if where else None

@pytest.fixture
def settings(tmp_path):
    return load_settings(home=tmp_path / "home")


def page_image(size=SIZE) -> Image.Image:
    """White paper with a black block top-left: read upright when the block is top-left."""
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((20, 20, 160, 110), fill="black")
    return image


def read(path: Path, settings, engine=None):
    engine = engine or InkEngine()
    return read_file(path, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                     media_type=sniff.sniff(path), settings=settings, ocr=InlineOcr(settings, engine))


def _cmyk_jpeg(path: Path) -> None:
    page_image().convert("CMYK").save(path, "JPEG", quality=90)  # Adobe APP14, as Photoshop writes


def _gray16_png(path: Path) -> None:
    Image.fromarray(np.asarray(page_image().convert("L"), dtype=np.uint16) * 257).save(path)


def _palette_transparent_gif(path: Path) -> None:
    image = Image.new("P", SIZE, 0)
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((20, 20, 160, 110), fill=1)
    image.save(path, transparency=0)  # the paper is the transparent index


def _alpha_png(path: Path) -> None:
    image = Image.new("RGBA", SIZE, (0, 0, 0, 0))  # transparent *black* paper: naive RGB is all black
    ImageDraw.Draw(image).rectangle((20, 20, 160, 110), fill=(0, 0, 0, 255))
    image.save(path)


def _exif_rotated_jpeg(path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned; the tag says rotate 90° clockwise to display
    page_image().transpose(Image.Transpose.ROTATE_90).save(path, exif=exif)


def _mixed_tiff(path: Path) -> None:
    frames = [page_image().convert("1"), page_image(), page_image().convert("P"),
              Image.fromarray(np.asarray(page_image().convert("L"), dtype=np.uint16) * 257)]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")


@pytest.mark.parametrize("name, make", [
    ("cmyk.jpg", _cmyk_jpeg), ("gray16.png", _gray16_png), ("palette.gif", _palette_transparent_gif),
    ("alpha.png", _alpha_png), ("exif6.jpg", _exif_rotated_jpeg),
])
def test_every_pixel_format_reaches_ocr_upright_on_white(tmp_path, settings, name, make):
    path = tmp_path / name
    make(path)
    text = read(path, settings)
    assert [p.lines[0].text for p in text.pages] == ["top-left white"]
    assert not text.errors and not text.pages[0].warnings


def test_multipage_tiff_with_mixed_modes_gives_every_page(tmp_path, settings):
    path = tmp_path / "mixed.tif"
    _mixed_tiff(path)
    engine = InkEngine()
    text = read(path, settings, engine)
    assert [p.number for p in text.pages] == [1, 2, 3, 4] and engine.calls == 4
    assert {p.lines[0].text for p in text.pages} == {"top-left white"}


def _gif_header(width: int, height: int) -> bytes:
    """A GIF that declares ``width`` x ``height`` with a one-pixel image behind it."""
    return (b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00" + b"\xff\xff\xff\x00\x00\x00"
            + b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02\x02\x44\x01\x00" + b";")


@pytest.mark.parametrize("width, height", [(65535, 65535), (20000, 20000)])
def test_decompression_bomb_is_refused_with_a_clear_reason(tmp_path, settings, width, height):
    path = tmp_path / "bomb.gif"
    path.write_bytes(_gif_header(width, height))
    engine = InkEngine()
    with pytest.raises(ImageTooLarge) as info:
        read(path, settings, engine)
    assert engine.calls == 0 and "解压炸弹" in info.value.reason_zh and info.value.path == str(path)


def test_one_bomb_frame_refuses_a_multipage_tiff_before_decoding(tmp_path):
    settings = load_settings(home=tmp_path / "home", max_image_pixels=1_000_000)
    path = tmp_path / "pages.tif"
    page_image().save(path, save_all=True, append_images=[page_image((1200, 1000))])
    engine = InkEngine()
    with pytest.raises(ImageTooLarge, match="1200x1000"):
        read(path, settings, engine)
    assert engine.calls == 0


def _jpeg_bytes(image: Image.Image, **options) -> bytes:
    import io
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return out.getvalue()


def _busy_page() -> Image.Image:
    """A page with texture everywhere, so every row of a decode carries data."""
    rng = np.random.default_rng(7)
    noise = rng.integers(180, 255, size=(SIZE[1], SIZE[0], 3), dtype=np.uint8)
    image = Image.fromarray(noise)
    ImageDraw.Draw(image).rectangle((20, 20, 160, 110), fill="black")
    return image


def test_truncated_jpeg_is_read_as_far_as_it_goes_with_a_warning(tmp_path, settings):
    data = _jpeg_bytes(_busy_page(), quality=85)
    path = tmp_path / "half-copied.jpg"
    path.write_bytes(data[: int(len(data) * 0.6)])
    text = read(path, settings)
    [page] = text.pages
    assert page.lines[0].text.startswith("top-left")  # the top of the photo was read
    assert TRUNCATED_NOTE in page.warnings and not text.errors
    assert path.read_bytes() == data[: int(len(data) * 0.6)]


def test_jpeg_with_too_little_left_is_refused_as_truncated(tmp_path, settings):
    data = _jpeg_bytes(_busy_page(), quality=85)
    path = tmp_path / "stub.jpg"
    path.write_bytes(data[: int(len(data) * 0.1)])
    with pytest.raises(CorruptFile) as info:
        read(path, settings)
    assert info.value.reason_zh == TRUNCATED_ZH


def test_complete_jpeg_with_exif_thumbnail_is_not_truncated(tmp_path, settings):
    exif = Image.Exif()
    exif[0x010F] = "Phone"
    path = tmp_path / "photo.jpg"
    page_image().save(path, exif=exif)
    assert not read(path, settings).pages[0].warnings


def test_decoded_share_counts_the_flat_fill_at_the_bottom():
    pixels = np.full((100, 10, 3), 128, dtype=np.uint8)
    assert decoded_share(pixels) == 0.0
    pixels[:40] = np.arange(10, dtype=np.uint8)[None, :, None]
    assert decoded_share(pixels) == pytest.approx(0.4)
    pixels[-1, 0] = 0  # a real last row: nothing is missing
    assert decoded_share(pixels) == 1.0
    assert 0 < MIN_TRUNCATED_SHARE < 0.5


def test_broken_image_header_gets_an_image_specific_reason(tmp_path, settings):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\xff" * 40)
    with pytest.raises(CorruptFile) as info:
        read(path, settings)
    assert info.value.reason_zh.startswith("图像文件已损坏")
