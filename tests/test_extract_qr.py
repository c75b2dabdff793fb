"""QR decoding of page images (zxing-cpp, real decoder, generated codes)."""

from __future__ import annotations

import cv2
import numpy as np
import qrcode

from dossier.extract.qr import decode_qr

URL = ("https://jzs.example-mohurd.cn/ecert/verify?zch=%E6%B5%99233200986233&xm=%E5%94%90%E5%8D%9A%E6%96%87"
       "&syyxq=2026-07-26")


def _page(pixels_per_module: float) -> np.ndarray:
    """A grey page holding the QR of :data:`URL` at ``pixels_per_module``, softened as a photo is."""
    code = qrcode.QRCode(box_size=1, border=4)
    code.add_data(URL)
    code.make()
    modules = (1 - np.array(code.get_matrix(), dtype=np.uint8)) * 255
    qr = cv2.resize(modules, None, fx=pixels_per_module, fy=pixels_per_module, interpolation=cv2.INTER_AREA)
    page = np.full((1200, 900), 235, np.uint8)
    page[300:300 + qr.shape[0], 200:200 + qr.shape[1]] = qr
    return cv2.GaussianBlur(page, (0, 0), 0.7)


def test_a_qr_printed_at_scan_size_is_decoded():
    assert decode_qr(_page(3.0)) == [URL]


def test_a_qr_whose_modules_a_phone_photo_made_finer_than_two_pixels_is_decoded_enlarged():
    # a photographed certificate (fresh seed 101): the QR's modules 1.6 px wide
    assert decode_qr(_page(1.6)) == [URL]


def test_a_page_without_a_qr_gives_none():
    assert decode_qr(np.full((1200, 900), 235, np.uint8)) == []
