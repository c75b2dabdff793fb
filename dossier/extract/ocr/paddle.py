"""Optional engine: paddleocr 3.x (PaddlePaddle CPU) with PP-OCRv4 mobile models from local folders.

For users who have paddleocr installed and prefer it. It is ~3x slower than the default engine on
CPU (see /work/shared/notes/ocr-engines.md) and never downloads: the model folders must already be
under ``settings.paddle_model_dir``::

    <paddle_model_dir>/PP-OCRv4_mobile_det/   inference.yml + inference.pdmodel/.json + .pdiparams
    <paddle_model_dir>/PP-OCRv4_mobile_rec/   same, inference.yml holds the character list
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from dossier.errors import OcrError, OcrModelMissing
from dossier.extract.ocr.engine import package_release
from dossier.model import TextLine

if TYPE_CHECKING:
    from dossier.config import Settings

DET_NAME = "PP-OCRv4_mobile_det"
REC_NAME = "PP-OCRv4_mobile_rec"


def _model_dirs(settings: Settings) -> tuple[Path, Path]:
    """The two model folders, or OcrModelMissing naming what is expected where."""
    base = settings.paddle_model_dir
    expected = f"{DET_NAME}/ and {REC_NAME}/ (each with inference.yml)"
    if base is None:
        raise OcrModelMissing(f"paddleocr needs settings.paddle_model_dir (DOSSIER_PADDLE_MODEL_DIR), "
                              f"a folder holding {expected}",
                              reason_zh=f"未设置 paddle_model_dir；需要包含 {expected} 的文件夹")
    folders = (Path(base) / DET_NAME, Path(base) / REC_NAME)
    missing = [str(f) for f in folders if not (f / "inference.yml").is_file()]
    if missing:
        raise OcrModelMissing(f"paddleocr model folders missing or incomplete: {', '.join(missing)}; "
                              f"expected {expected} under {base}",
                              reason_zh=f"PaddleOCR 模型文件夹缺失：{', '.join(missing)}")
    return folders


class PaddleOcrEngine:
    """PP-OCRv4 mobile detection + recognition through paddleocr's pipeline, oneDNN off."""

    name: ClassVar[str] = "paddleocr"

    @classmethod
    def version_for(cls, settings: Settings) -> str:
        release = package_release("paddleocr")
        return f"{release}_{DET_NAME}_{REC_NAME}_side{settings.ocr_max_side}"

    def __init__(self, settings: Settings):
        det_dir, rec_dir = _model_dirs(settings)
        if importlib.util.find_spec("paddleocr") is None:
            raise OcrModelMissing("paddleocr is not installed (pip install paddleocr paddlepaddle); "
                                  f"it also needs {DET_NAME}/ and {REC_NAME}/ under paddle_model_dir",
                                  reason_zh="未安装 paddleocr")
        # paddleocr probes model hosts at start even with local folders; this turns that off.
        os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"
        from paddleocr import PaddleOCR

        self.version = self.version_for(settings)
        try:
            self._ocr = PaddleOCR(
                text_detection_model_name=DET_NAME, text_detection_model_dir=str(det_dir),
                text_recognition_model_name=REC_NAME, text_recognition_model_dir=str(rec_dir),
                # Orientation is decided by the caller for the whole page (engine contract).
                use_doc_orientation_classify=False, use_doc_unwarping=False,
                use_textline_orientation=False,
                # With oneDNN on, PP-OCRv4 detection fails on paddle 3.3 (pir::ArrayAttribute error).
                enable_mkldnn=False, cpu_threads=settings.ocr_threads, device="cpu",
                text_det_limit_side_len=settings.ocr_max_side, text_det_limit_type="max",
                text_rec_score_thresh=0.0,  # keep weak lines: orientation evidence (engine contract)
            )
        except Exception as exc:
            raise OcrError(f"paddleocr could not load the models in {det_dir.parent}: {exc}",
                           reason_zh="PaddleOCR 模型加载失败") from exc

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        """Text lines of an upright RGB page, boxes in pixels (see the engine contract)."""
        bgr = np.ascontiguousarray(image[:, :, ::-1])  # paddleocr treats arrays as OpenCV BGR
        try:
            results = self._ocr.predict(bgr)
        except Exception as exc:
            raise OcrError(f"paddleocr failed: {exc}") from exc
        lines = []
        for res in results:
            for poly, text, score in zip(res["rec_polys"], res["rec_texts"], res["rec_scores"]):
                if not text.strip():
                    continue
                pts = np.asarray(poly, dtype=float)
                lines.append(TextLine(text=text, confidence=float(score),
                                      bbox=(float(pts[:, 0].min()), float(pts[:, 1].min()),
                                            float(pts[:, 0].max()), float(pts[:, 1].max()))))
        return lines
