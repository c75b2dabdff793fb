"""Reading ``application.yaml``, the file that defines an application."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from dossier.errors import ConfigError
from dossier.model import ApplicationSpec


def _describe(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
                     for err in exc.errors())


def load_spec(path: Path) -> ApplicationSpec:
    """Parse and validate ``application.yaml``; ConfigError naming the file and what is wrong."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read application.yaml: {exc}", path=path,
                          reason_zh=f"application.yaml 无法读取或格式错误：{exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("application.yaml must be a mapping of keys to values", path=path,
                          reason_zh="application.yaml 格式错误：应为“键: 值”形式")
    try:
        return ApplicationSpec.model_validate(data)
    except ValidationError as exc:
        detail = _describe(exc)
        raise ConfigError(f"invalid application.yaml: {detail}", path=path,
                          reason_zh=f"application.yaml 内容有误：{detail}") from exc
