"""Image files (JPEG, PNG, TIFF, BMP, WebP, GIF) as pages: every frame is a page, all OCR'd.

Safety first: the pixel count is read from the header and checked against
``settings.max_image_pixels`` before anything is decoded (Pillow decodes lazily; its own hard
limit, twice ``Image.MAX_IMAGE_PIXELS``, also applies and is reported the same way).

Page size in points comes from the image's resolution. Resolutions outside ``PLAUSIBLE_DPI`` are
treated as missing and ``DEFAULT_DPI`` (200, the usual scanner setting) is used instead: 72 and 96
are what software writes when it does not know, and would make an A4 scan a poster.

A JPEG cut short (a half-copied photo) is decoded as far as its data goes and its page carries a
warning; one with less than ``MIN_TRUNCATED_SHARE`` of its rows left is refused as truncated.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from dossier.config import Settings
from dossier.errors import CorruptFile, ImageTooLarge, ImageTooSmall
from dossier.extract.ocr import OcrRunner, ocr_pages
from dossier.extract.pages.outcomes import add_outcomes
from dossier.extract.pages.progress import PageCount, PageProgress
from dossier.model import FileText, PageText

DEFAULT_DPI = 200.0
PLAUSIBLE_DPI = (100.0, 1200.0)
MIN_SIDE = 16  # pixels; smaller cannot hold legible text
# A truncated JPEG (a half-copied phone photo) is read as far as it goes, with a warning. Below
# this share of its rows nothing useful survives (a title strip at most): refused instead, so that
# a person fetches the whole file rather than reviewing fields that were never there.
MIN_TRUNCATED_SHARE = 0.25
TRUNCATED_NOTE = "truncated image: only the part that could be decoded was read"
TRUNCATED_ZH = "图像文件不完整（被截断），无法读取，请重新获取原件"
_JPEG_EOI = b"\xff\xd9"
_JPEG_SOS = b"\xff\xda"


def open_checked(fp: str | Path | IO[bytes], path: str, max_pixels: int) -> Image.Image:
    """Open an image lazily (header only) and refuse bombs; ``path`` names the file in errors."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above its soft limit; our own limit below is the one that decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(fp)
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"image exceeds the decoder's pixel limit: {exc}", path=path) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(f"cannot read the image header: {exc}", path=path,
                          reason_zh="图像文件已损坏（文件头无法识别），无法读取") from exc
    check_size(image, path, max_pixels)
    return image


def check_size(image: Image.Image, path: str, max_pixels: int) -> None:
    """Refuse a (current frame) size that is a decompression bomb or too small to read."""
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLarge(f"{width}x{height} pixels exceeds the limit of {max_pixels} "
                            "(setting max_image_pixels)", path=path)
    if min(width, height) < MIN_SIDE:
        raise ImageTooSmall(f"{width}x{height} pixels is smaller than {MIN_SIDE} px a side", path=path)


def _dpi(image: Image.Image) -> tuple[float, float]:
    raw = image.info.get("dpi")
    try:
        x, y = float(raw[0]), float(raw[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return DEFAULT_DPI, DEFAULT_DPI
    lo, hi = PLAUSIBLE_DPI
    if not (lo <= x <= hi and lo <= y <= hi):
        return DEFAULT_DPI, DEFAULT_DPI
    return x, y


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any mode (1-bit, palette, 16-bit, CMYK, with alpha) as 8-bit RGB on a white background."""
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        # Pillow's convert("L") clips 16-bit values at 255 (a white page); scale instead.
        data = np.asarray(image, dtype=np.float32)
        top = float(data.max()) or 1.0
        if top > 255:
            data = data * (255.0 / top)
        image = Image.fromarray(data.clip(0, 255).astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, _paper(rgba)), rgba).convert("RGB")
    return image.convert("RGB")


def _paper(rgba: Image.Image) -> tuple[int, int, int, int]:
    """The colour transparent areas stand for: white paper, unless the visible ink is light.

    Black ink on a transparent background (a cut-out signature, a stamp) needs white behind it;
    white glyphs on a transparent background would vanish on white, so they get black.
    """
    pixels = np.asarray(rgba, dtype=np.float32)
    alpha = pixels[:, :, 3] / 255.0
    visible = float(alpha.sum())
    if visible == 0:
        return (255, 255, 255, 255)
    luminance = pixels[:, :, :3].mean(axis=2)
    return (0, 0, 0, 255) if float((luminance * alpha).sum()) / visible > 160 else (255, 255, 255, 255)


def decode(image: Image.Image, path: str) -> tuple[np.ndarray, float]:
    """The current frame upright (EXIF orientation applied) as RGB pixels with square dpi."""
    dpi_x, dpi_y = _dpi(image)
    try:
        orientation = image.getexif().get(0x0112, 1)
        upright = ImageOps.exif_transpose(image)
        rgb = _to_rgb(upright)
    except (OSError, SyntaxError, ValueError) as exc:
        reason = TRUNCATED_ZH if "truncated" in str(exc) else None
        raise CorruptFile(f"cannot decode the image: {exc}", path=path, reason_zh=reason) from exc
    if orientation in (5, 6, 7, 8):  # transposed: the resolutions swap with the axes
        dpi_x, dpi_y = dpi_y, dpi_x
    if abs(dpi_x - dpi_y) > 0.05 * max(dpi_x, dpi_y):
        # Non-square pixels (fax 204x98 dpi) squash the text; OCR reads square pixels best.
        dpi = max(dpi_x, dpi_y)
        rgb = rgb.resize((round(rgb.width * dpi / dpi_x), round(rgb.height * dpi / dpi_y)),
                         Image.Resampling.LANCZOS)
        dpi_x = dpi
    return np.asarray(rgb), dpi_x


def jpeg_truncated(path: str | Path) -> bool:
    """True when a JPEG file ends before its image data does (no EOI marker after the last scan).

    Inside entropy-coded data every 0xFF byte is stuffed (``FF 00``), so ``FF D9`` after the last
    start-of-scan marker is the real end; an EXIF thumbnail's own EOI comes before the main scan.
    """
    data = Path(path).read_bytes()
    return data.rfind(_JPEG_EOI) < data.rfind(_JPEG_SOS)


def decoded_share(pixels: np.ndarray) -> float:
    """The share of rows a truncated decode really produced, stored top to bottom.

    libjpeg fills what is missing with one flat colour, so the undecoded part is the run of
    bottom rows identical to a uniform last row (a blank margin counts as missing: an
    underestimate only where nothing was to be read anyway).
    """
    last = pixels[-1]
    if not (last == last[0]).all():
        return 1.0
    flat = (pixels == last[0]).reshape(pixels.shape[0], -1).all(axis=1)
    missing = int(np.argmin(flat[::-1])) if not flat.all() else len(flat)
    return 1.0 - missing / pixels.shape[0]


@dataclass(frozen=True)
class ImageFrame:
    """One frame of an image file, loaded in whichever process OCRs it."""

    path: str
    number: int  # page number = frame index + 1
    max_pixels: int
    truncated: bool = False  # a JPEG cut short: decode what is there (see ``jpeg_truncated``)

    def load(self) -> tuple[np.ndarray, float]:
        if self.truncated:
            return self._load_truncated()
        with open_checked(self.path, self.path, self.max_pixels) as image:
            _seek(image, self.number - 1, self.path)
            check_size(image, self.path, self.max_pixels)
            return decode(image, self.path)

    def _load_truncated(self) -> tuple[np.ndarray, float]:
        # An end-of-image marker after the data lets libjpeg finish and fill the rest flat; this
        # keeps Pillow's global LOAD_TRUNCATED_IMAGES off (other threads must still see errors).
        data = Path(self.path).read_bytes() + _JPEG_EOI
        with open_checked(io.BytesIO(data), self.path, self.max_pixels) as image:
            try:
                image.load()
            except (OSError, SyntaxError, ValueError) as exc:
                raise CorruptFile(f"cannot decode the truncated image: {exc}", path=self.path,
                                  reason_zh=TRUNCATED_ZH) from exc
            share = decoded_share(np.asarray(image))
            if share < MIN_TRUNCATED_SHARE:
                raise CorruptFile(f"truncated image: only {share:.0%} of its rows could be decoded",
                                  path=self.path, reason_zh=TRUNCATED_ZH)
            return decode(image, self.path)


@dataclass(frozen=True)
class EmbeddedImage:
    """An image stored inside another file (a .docx), loaded from its bytes."""

    path: str
    number: int
    data: bytes
    max_pixels: int

    def load(self) -> tuple[np.ndarray, float]:
        with open_checked(io.BytesIO(self.data), self.path, self.max_pixels) as image:
            return decode(image, self.path)


def _seek(image: Image.Image, frame: int, path: str) -> None:
    try:
        image.seek(frame)
    except (EOFError, OSError, ValueError) as exc:
        raise CorruptFile(f"cannot read frame {frame + 1}: {exc}", path=path) from exc


def read_image(path: Path, *, sha256: str, media_type: str, settings: Settings, ocr: OcrRunner,
               progress: PageProgress | None = None) -> FileText:
    """OCR every frame of an image file; a frame that fails is an error item, not a crash.
    ``progress`` hears of each frame read."""
    name = str(path)
    limit = settings.max_image_pixels
    with open_checked(path, name, limit) as image:
        frames = getattr(image, "n_frames", 1)
        # Every frame's header is checked before any is decoded: one bomb frame refuses the file.
        for index in range(1, frames):
            _seek(image, index, name)
            check_size(image, name, limit)
        truncated = image.format == "JPEG" and jpeg_truncated(path)
    sources = [ImageFrame(name, index + 1, limit, truncated) for index in range(frames)]
    result = FileText(sha256=sha256, media_type=media_type)
    outcomes = ocr_pages(sha256, sources, ocr, settings, on_page=PageCount(progress, len(sources)).add)
    if truncated:
        for outcome in outcomes.values():
            if isinstance(outcome, PageText) and TRUNCATED_NOTE not in outcome.warnings:
                outcome.warnings.append(TRUNCATED_NOTE)
    return add_outcomes(result, outcomes)
