"""Raw page throughput of the pages stage: OCR of 200-dpi A4 scans, and PDF text layers.

    .venv/bin/python benchmarks/ocr_raw.py [--pages 8] [--processes 2] [--threads 1]

Generates dense synthetic A4 pages (40 lines of Chinese with ID numbers and dates, 200 dpi,
paper tint and noise), OCRs them through ``OcrPool`` with the cache in a temporary folder, and
reads the same text typeset as a PDF text layer. Prints pages/min (OCR) and ms/page (text layer),
plus how many ID numbers came back exactly. Heavy: run it on purpose, not in CI.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from dossier.fonts import cjk_font_file  # noqa: E402
from dossier.config import load_settings
from dossier.extract.ocr import InlineOcr, OcrPool
from dossier.extract.pages import read_file
from dossier.intake import sniff

A4_PX = (1654, 2339)  # 200 dpi
WORDS = ("建筑工程施工总承包 二级 资质证书 企业名称 北京华建建设工程有限公司 注册资本 统一社会信用代码 "
         "有效期至 法定代表人 技术负责人 安全生产许可证 社会保险 缴费月份 养老保险 劳动合同 项目经理").split()


def page_lines(rng: random.Random, page: int) -> list[str]:
    lines = []
    for i in range(40):
        if i % 8 == 3:
            lines.append(f"公民身份号码 1101051949123{page:02d}{i % 10}2X"[:25])
        elif i % 8 == 6:
            lines.append(f"有效期至 20{rng.randint(25, 35)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日")
        else:
            lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))))
    return lines


def scan(lines: list[str], seed: int) -> Image.Image:
    font = ImageFont.truetype(str(cjk_font_file()), 30)
    image = Image.new("RGB", A4_PX, (246, 244, 238))
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((130, 130 + i * 52), text, fill=(25, 25, 30), font=font)
    noise = np.random.default_rng(seed).normal(0, 6, (A4_PX[1], A4_PX[0], 1))
    return Image.fromarray(np.clip(np.asarray(image, dtype=np.float32) + noise, 0, 255).astype(np.uint8))


def text_pdf(path: Path, pages: list[list[str]]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(cjk_font_file())))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        pdf.setFont("wqy", 11)
        for i, text in enumerate(lines):
            pdf.drawString(47, A4[1] - 47 - 18.7 * i, text)
        pdf.showPage()
    pdf.save()


def read(path: Path, settings, ocr) -> tuple[float, object]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    started = time.perf_counter()
    text = read_file(path, sha256=digest, media_type=sniff.sniff(path), settings=settings, ocr=ocr)
    return time.perf_counter() - started, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(1)
    pages = [page_lines(rng, n) for n in range(args.pages)]
    ids = [ln.split()[-1] for lines in pages for ln in lines if ln.startswith("公民身份号码")]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = load_settings(home=folder / "home", ocr_processes=args.processes, ocr_threads=args.threads)
        tiff = folder / "scans.tif"
        images = [scan(lines, n) for n, lines in enumerate(pages)]
        images[0].save(tiff, save_all=True, append_images=images[1:], dpi=(200, 200), compression="tiff_lzw")
        with OcrPool(settings) as pool:
            # Warm the workers (process start, model load) on one page so the timing is steady-state.
            warm = folder / "warm.png"
            images[0].save(warm, dpi=(200, 200))
            warm_s, _ = read(warm, settings, pool)
            seconds, text = read(tiff, settings, pool)
        body = "".join("".join(p.text.split()) for p in text.pages)
        exact = sum(i in body for i in ids)
        print(f"OCR: {len(text.pages)} A4 pages at 200 dpi in {seconds:.1f} s = "
              f"{60 * len(text.pages) / seconds:.1f} pages/min ({args.processes} processes x "
              f"{args.threads} threads; warm-up page incl. start-up {warm_s:.1f} s); "
              f"IDs exact {exact}/{len(ids)}; errors {text.errors}")
        cached_s, _ = read(tiff, settings, InlineOcr(settings))
        print(f"OCR re-run from cache: {1000 * cached_s / len(pages):.1f} ms/page")

        pdf = folder / "typed.pdf"
        text_pdf(pdf, pages * 3)
        seconds, text = read(pdf, settings, InlineOcr(settings))
        body = "".join("".join(p.text.split()) for p in text.pages)
        print(f"text layer: {len(text.pages)} pages in {seconds:.2f} s = {1000 * seconds / len(text.pages):.1f} ms/page "
              f"({60 * len(text.pages) / seconds:.0f} pages/min); IDs exact {sum(i in body for i in ids)}/{len(ids)}")


if __name__ == "__main__":
    main()
