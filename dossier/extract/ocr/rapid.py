"""The default engine: rapidocr 3 with the PP-OCRv6 small models in its wheel, on onnxruntime
or, by ``settings.ocr_backend``, on OpenVINO.

The model files are passed by path, so rapidocr never resolves (and never downloads) a model by
name; a wheel without them is an :class:`OcrModelMissing`, not a network call. OpenVINO reads the
same ``.onnx`` files itself; measured on 2 AMD EPYC cores it reads the same text up to 10% faster but
peaks at ~1.7 GB per process against onnxruntime's ~1.0 GB (``benchmarks/ocr_engines.py``), so
onnxruntime stays the default.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from dossier.errors import OcrError, OcrModelMissing
from dossier.extract.ocr.bands import bands, merge
from dossier.extract.ocr.engine import package_release
from dossier.model import TextLine

if TYPE_CHECKING:
    from dossier.config import Settings

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
DETECT_MAX_SIDE = 2000
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"  # never loaded (use_cls off); named so never fetched
# Rows shared by neighbouring detection bands: a line up to this tall at detection scale (~19 mm
# of print on a 200-dpi A4 scan) is always seen whole by the band that keeps it.
BAND_OVERLAP = 224


def _models_dir() -> Path:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise OcrModelMissing("the rapidocr package is not installed (pip install rapidocr onnxruntime)",
                              reason_zh="未安装 rapidocr，无法进行文字识别")
    return Path(spec.origin).parent / "models"


def _detect_side(settings: Settings) -> int:
    # rapidocr detects (and crops lines for recognition) on the page shrunk to this longer side.
    # Its default, 2000 px, is the configuration measured in ocr-engines.md; at 3000 px the
    # detector missed a sparse printed line on a 300-dpi page that it finds at 1600-2400 px.
    return min(settings.ocr_max_side, DETECT_MAX_SIDE)


def _runtime(settings: Settings) -> dict[str, object]:
    """rapidocr's parameters that choose and tune the runtime of its models."""
    # 2 processes x 1 thread is the measured best throughput on 2 cores, on either runtime.
    if settings.ocr_backend == "onnxruntime":
        return {"EngineConfig.onnxruntime.intra_op_num_threads": settings.ocr_threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1}
    if importlib.util.find_spec("openvino") is None:
        raise OcrModelMissing("ocr_backend is openvino but the openvino package is not installed "
                              "(pip install 'dossier[openvino]')",
                              reason_zh="已选择 OpenVINO 运行文字识别，但未安装 openvino 软件包")
    from rapidocr import EngineType  # rapidocr refuses the engine's name as a plain string

    return {**{f"{step}.engine_type": EngineType.OPENVINO for step in ("Det", "Rec", "Cls")},
            "EngineConfig.openvino.inference_num_threads": settings.ocr_threads}


class RapidOcrEngine:
    """PP-OCRv6 small detection + recognition through rapidocr, CPU, no per-line classifier."""

    name: ClassVar[str] = "rapidocr"

    @classmethod
    def version_for(cls, settings: Settings) -> str:
        # rapidocr release + model files + the largest side it is allowed to see: all change output,
        # and so do bands and the batch size. Another runtime read the same text wherever measured,
        # but its scores may differ in the last digits: its pages are cached apart too. Batches of
        # 6, the only ones before the batch became a setting, keep the key they were cached under.
        release = package_release("rapidocr")
        runtime = "" if settings.ocr_backend == "onnxruntime" else f"_{settings.ocr_backend}"
        banded = f"_bands{settings.ocr_detect_rows}" if settings.ocr_detect_rows else ""
        batch = f"_batch{settings.ocr_rec_batch}" if settings.ocr_rec_batch != 6 else ""
        return (f"{release}_{Path(DET_MODEL).stem}_{Path(REC_MODEL).stem}"
                f"_side{settings.ocr_max_side}_det{_detect_side(settings)}{banded}{batch}{runtime}")

    def __init__(self, settings: Settings):
        models = _models_dir()
        missing = [name for name in (DET_MODEL, REC_MODEL) if not (models / name).is_file()]
        if missing:
            raise OcrModelMissing(f"rapidocr model files missing in {models}: {', '.join(missing)}; "
                                  "reinstall the rapidocr wheel (it ships them)",
                                  reason_zh=f"rapidocr 模型文件缺失：{', '.join(missing)}")
        from rapidocr import RapidOCR  # heavy (cv2, onnxruntime): only where an engine is built

        self.version = self.version_for(settings)
        self._ocr = RapidOCR(params={
            **_runtime(settings),
            "Det.model_path": str(models / DET_MODEL),
            "Rec.model_path": str(models / REC_MODEL),
            "Cls.model_path": str(models / CLS_MODEL),
            # Whole-page orientation is the caller's job; the per-line classifier hides upside-down
            # pages, costs ~30% time and was measured to drop a correctly read line.
            "Global.use_cls": False,
            # Keep every detected line: how badly a line reads is the orientation evidence, and
            # the page stage drops low-confidence lines itself (engine contract).
            "Global.text_score": 0.0,
            "Global.max_side_len": _detect_side(settings),
            # In a batch every line is padded to the widest one's width, which costs time and
            # lets a line's neighbours change how it reads.
            "Rec.rec_batch_num": settings.ocr_rec_batch,
            "Global.log_level": "warning",
        })
        if settings.ocr_detect_rows:
            self._ocr.text_det = _BandedDetector(self._ocr._load_det_model(), settings.ocr_detect_rows)

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        """Text lines of an upright RGB page, boxes in pixels (see the engine contract)."""
        bgr = np.ascontiguousarray(image[:, :, ::-1])  # rapidocr expects OpenCV channel order
        try:
            # the steps are passed every time: rapidocr keeps those of the last call (read_line's)
            result = self._ocr(bgr, use_det=True, use_cls=False, use_rec=True,
                               return_word_box=True)  # per-character scores, +1.5% time
        except Exception as exc:  # rapidocr raises plain exceptions of many kinds
            raise OcrError(f"rapidocr failed: {exc}") from exc
        if result.txts is None or result.boxes is None or result.scores is None:
            return []
        words = result.word_results if result.word_results and len(result.word_results) == len(result.txts) \
            else [None] * len(result.txts)
        lines = []
        for quad, text, score, pieces in zip(result.boxes, result.txts, result.scores, words):
            if not text.strip():
                continue
            xs, ys = quad[:, 0], quad[:, 1]
            lines.append(TextLine(text=text, confidence=float(score), char_confidences=_per_character(text, pieces),
                                  bbox=(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))))
        return lines

    def read_line(self, image: np.ndarray) -> TextLine | None:
        """The text of an RGB image of one line, by recognition alone (see the engine contract)."""
        bgr = np.ascontiguousarray(image[:, :, ::-1])
        try:
            result = self._ocr(bgr, use_det=False, use_cls=False, use_rec=True, return_word_box=True)
        except Exception as exc:  # rapidocr raises plain exceptions of many kinds
            raise OcrError(f"rapidocr failed: {exc}") from exc
        if not result.txts or not result.txts[0].strip():
            return None
        text = result.txts[0]
        # recognition alone reports one probability per character it emitted
        confs = getattr(result.word_results[0], "confs", None) if result.word_results else None
        height, width = image.shape[:2]
        return TextLine(text=text, confidence=float(result.scores[0]),
                        char_confidences=tuple(round(float(c), 3) for c in confs) if confs and len(confs) == len(text) else None,
                        bbox=(0.0, 0.0, float(width), float(height)))


class _BandedDetector:
    """rapidocr's text detector run band by band (:mod:`dossier.extract.ocr.bands`): the lines of
    the whole page in page coordinates and rapidocr's reading order, with a fraction of the memory."""

    def __init__(self, detector, max_rows: int):
        self._detector = detector
        self._max_rows = max_rows

    def __call__(self, image: np.ndarray):
        from rapidocr.ch_ppocr_det import TextDetOutput

        # The page is scaled as the detector would scale it whole, and cut into bands whose sides
        # are multiples of 32 and above its minimum side, which it then takes as they are: each
        # band shows the detector the very pixels of the whole page, only less of them at once.
        if self._detector.limit_type != "min":
            return self._detector(image)
        scaled = self._detector.get_preprocess().resize(image)
        if scaled is None or scaled.shape[0] <= self._max_rows:
            return self._detector(image)
        plan = bands(scaled.shape[0], self._max_rows, BAND_OVERLAP, min_rows=self._detector.limit_side_len)
        found, elapse = [], 0.0
        for band in plan:
            seen = self._detector(scaled[band.top:band.bottom])
            elapse += seen.elapse
            if seen.boxes is not None:
                found.append((band, [box + np.array([0, band.top], dtype=box.dtype) for box in seen.boxes],
                              list(seen.scores)))
        boxes, scores = merge(found)
        if not boxes:
            return TextDetOutput()
        to_page = np.array([image.shape[1] / scaled.shape[1], image.shape[0] / scaled.shape[0]], dtype=np.float32)
        # rounded to whole pixels as the detector maps its own boxes onto the page it was given
        page_boxes = np.array([np.round(box * to_page) for box in boxes], dtype=np.float32)
        return TextDetOutput(image, self._detector.sorted_boxes(page_boxes), scores, elapse=elapse)


def _per_character(text: str, pieces) -> tuple[float, ...] | None:
    """A probability for each character of ``text`` from rapidocr's word results: one per
    ideograph, one per run of Latin letters or digits (each character of the run gets it); spaces
    get 1. None when the pieces do not spell the text."""
    if not pieces:
        return None
    out: list[float] = []
    pos = 0
    for piece in pieces:
        word, score = piece[0], round(float(piece[1]), 3)
        while pos < len(text) and text[pos].isspace() and not word.startswith(text[pos]):
            out.append(1.0)
            pos += 1
        if text[pos:pos + len(word)] != word:
            return None
        out += [score] * len(word)
        pos += len(word)
    out += [1.0] * (len(text) - pos) if not text[pos:].strip() else []
    return tuple(out) if len(out) == len(text) else None
