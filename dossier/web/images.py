"""Page images for the browser, and crops of them around a piece of evidence.

A page is rendered once from its original (``dossier.extract.pages.page_source``: the same pixels
OCR read), turned upright by the rotation the pages stage found, scaled so its longer side is at
most ``PAGE_MAX_SIDE`` pixels and kept as a derived artefact (JPEG). Boxes are in PDF points from
the page's top-left corner, so the browser draws them in percentages of the page's size in
points and needs no pixel arithmetic. A page with no image of its own (page 1 of a .docx, which
is its text) is drawn from its stored text lines.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from dossier.config import Settings
from dossier.errors import InputFileError
from dossier.fonts import REGULAR_WEIGHT, bundled_variable_font, cjk_font_file
from dossier.model import BBox, PageText
from dossier.store.archive import Archive
from dossier.store.derived import derived_path, write_bytes

log = logging.getLogger(__name__)

PAGE_MAX_SIDE = 1600
CROP_MAX_WIDTH = 720
JPEG_QUALITY = 85
RENDER_VERSION = "1"  # bump when the rendering changes: cached pages are then made again
BOX_COLOUR = (220, 38, 38)
# Context around a cited box: (minimum x, share of the box's width, minimum y, share of its height)
# in points. A field gets a wide margin to show its label; a table row only a sliver, so the
# neighbouring rows (other people's ID numbers) stay out of the crop.
FIELD_PAD = (90.0, 0.4, 18.0, 1.0)
ROW_PAD = (6.0, 0.0, 2.0, 0.15)


@dataclass(frozen=True)
class PageGeometry:
    number: int
    width: float  # points
    height: float
    rotation: int  # clockwise degrees that made the original upright


def page_jpeg(settings: Settings, archive: Archive, sha256: str, media_type: str, page: PageGeometry,
              text: PageText | None = None) -> Path:
    """The cached upright image of ``page`` (rendered on first use)."""
    path = derived_path(settings, sha256, "web", f"page-{page.number}-v{RENDER_VERSION}.jpg")
    if path.is_file():
        return path
    image = _render(settings, archive.path_for(sha256), media_type, page, text)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    write_bytes(path, buffer.getvalue())
    return path


def _render(settings: Settings, original: Path, media_type: str, page: PageGeometry,
            text: PageText | None) -> Image.Image:
    from dossier.extract.pages import page_source

    try:
        pixels, _dpi = page_source(original, media_type, page.number, settings).load()
    except InputFileError:
        if text is None:
            raise
        return _draw_text_page(page, text, settings.font_path)
    image = Image.fromarray(pixels).convert("RGB")
    if page.rotation % 360:
        image = image.rotate(-page.rotation, expand=True)  # PIL turns counter-clockwise
    image.thumbnail((PAGE_MAX_SIDE, PAGE_MAX_SIDE), Image.Resampling.LANCZOS)
    return image


@lru_cache(maxsize=64)
def _font(size: int, configured: Path | None) -> ImageFont.FreeTypeFont:
    """The configured font, else the bundled variable Noto Sans SC at Regular weight (PIL draws
    variable fonts itself: no prepared instance needed)."""
    if configured is not None:
        return ImageFont.truetype(str(cjk_font_file(configured)), size)
    font = ImageFont.truetype(str(bundled_variable_font()), size)
    font.set_variation_by_axes([REGULAR_WEIGHT])
    return font


def _draw_text_page(page: PageGeometry, text: PageText, font_path: Path | None) -> Image.Image:
    """A page that is text only (a Word document): its lines drawn where they stand."""
    scale = min(2.0, PAGE_MAX_SIDE / max(page.width, page.height, 1.0))
    image = Image.new("RGB", (max(1, round(page.width * scale)), max(1, round(page.height * scale))), "white")
    draw = ImageDraw.Draw(image)
    for line in text.lines:
        x0, y0, _x1, y1 = (v * scale for v in line.bbox)
        draw.text((x0, y0), line.text, fill=(20, 20, 20), font=_font(max(8, round((y1 - y0) * 0.85)), font_path))
    return image


def crop_png(page_image: Path, page: PageGeometry, bbox: BBox, bands: list[BBox] | None = None) -> bytes:
    """The region around ``bbox`` (points) with the box drawn in red; the whole page when the
    evidence has no box. ``bands`` (a table's header and one row) replace that region: each is
    cut across its own width and they are stacked, so nothing between them is shown."""
    with Image.open(page_image) as opened:
        image = opened.convert("RGB")
    sx, sy = image.width / page.width, image.height / page.height
    x0, y0, x1, y1 = bbox
    if x1 > x0 and y1 > y0:
        draw = ImageDraw.Draw(image)
        width = max(2, round(image.width / 400))
        draw.rectangle((x0 * sx - width, y0 * sy - width, x1 * sx + width, y1 * sy + width),
                       outline=BOX_COLOUR, width=width)
        regions = [_padded(b, page, ROW_PAD) for b in bands] if bands else [_padded(bbox, page, FIELD_PAD)]
        image = _stacked([image.crop((round(left * sx), round(top * sy), round(right * sx), round(bottom * sy)))
                          for left, top, right, bottom in regions])
    if image.width > CROP_MAX_WIDTH:
        image = image.resize((CROP_MAX_WIDTH, max(1, round(image.height * CROP_MAX_WIDTH / image.width))),
                             Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def _padded(box: BBox, page: PageGeometry, pad: tuple[float, float, float, float]) -> BBox:
    """``box`` grown by (minimum x, share of width, minimum y, share of height), within the page."""
    min_x, share_x, min_y, share_y = pad
    x0, y0, x1, y1 = box
    pad_x, pad_y = max(min_x, share_x * (x1 - x0)), max(min_y, share_y * (y1 - y0))
    return max(0.0, x0 - pad_x), max(0.0, y0 - pad_y), min(page.width, x1 + pad_x), min(page.height, y1 + pad_y)


def _stacked(parts: list[Image.Image]) -> Image.Image:
    """The parts one under another, a grey rule between them (what lies between is left out)."""
    if len(parts) == 1:
        return parts[0]
    gap = 6
    out = Image.new("RGB", (max(p.width for p in parts), sum(p.height for p in parts) + gap * (len(parts) - 1)),
                    (200, 200, 200))
    top = 0
    for part in parts:
        out.paste(part, (0, top))
        top += part.height + gap
    return out
