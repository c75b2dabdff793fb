"""QR codes on electronic certificates: decode from page pixels, parse the payload.

Payload formats seen on Chinese e-certificates vary: JSON, ``key=value`` pairs joined by ``;``
``&`` or newlines, a verification URL with a query string. Keys are mapped to our field names
(``姓名`` -> ``name``) so validation can compare them with the printed fields.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import numpy as np

KEY_ALIASES: dict[str, str] = {
    "姓名": "name", "name": "name", "xm": "name",
    "身份证号": "id_number", "身份证号码": "id_number", "证件号码": "id_number", "id": "id_number",
    "id_number": "id_number", "sfzh": "id_number",
    "注册编号": "registration_number", "registration_number": "registration_number", "zczh": "registration_number",
    "聘用企业": "company_name", "company": "company_name", "company_name": "company_name", "qymc": "company_name",
    "注册专业": "specialties", "specialties": "specialties", "specialty": "specialties", "zy": "specialties",
    "使用有效期": "usage_valid_until", "usage_valid_until": "usage_valid_until", "yxq": "usage_valid_until",
    "证书编号": "cert_number", "cert_number": "cert_number",
    # pinyin initials other issuers use: 注册号 zch, 企业 qy, 使用有效期 syyxq, 证件号码 zjhm, 注册专业 zczy
    "zch": "registration_number", "qy": "company_name", "syyxq": "usage_valid_until", "zjhm": "id_number",
    "zczy": "specialties",
    "统一社会信用代码": "uscc", "uscc": "uscc", "uniscid": "uscc", "tyshxydm": "uscc", "shxydm": "uscc",
}


QR_UPSCALE = 2.0
QR_MAX_SIDE = 8000  # an enlarged page stays under this many pixels a side (memory: 190 MB RGB at most)


def decode_qr(image: np.ndarray) -> list[str]:
    """Every QR payload zxing-cpp finds in an RGB or grey image (empty when none). A page where
    none is found is tried again enlarged: a phone photo of a whole certificate prints the QR's
    modules under 2 pixels wide, too fine for the decoder, which reads them at twice the size."""
    import cv2
    import zxingcpp

    for scale in (1.0, QR_UPSCALE):
        if scale != 1.0:
            if max(image.shape[:2]) * scale > QR_MAX_SIDE:
                break
            image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        found = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if r.text]
        if found:
            return found
    return []


def qr_fields(payload: str) -> dict[str, str]:
    """Known fields of a payload, by our field names; empty when it has no structure we know."""
    pairs: list[tuple[str, str]] = []
    text = payload.strip()
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            pairs = [(str(k), ",".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in data.items()]
    except ValueError:
        if text.lower().startswith(("http://", "https://")):
            pairs = parse_qsl(urlsplit(text).query)
        else:
            for part in text.replace("\n", ";").replace("&", ";").replace("|", ";").split(";"):
                for sep in ("=", "：", ":"):
                    if sep in part:
                        key, value = part.split(sep, 1)
                        pairs.append((key.strip(), value.strip()))
                        break
    out = {}
    for key, value in pairs:
        name = KEY_ALIASES.get(key) or KEY_ALIASES.get(key.lower())
        if name:
            out[name] = value
    return out
