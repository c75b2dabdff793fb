"""One exception hierarchy for the package.

Rule (after pypdf): raise when the caller must handle it, warn when the caller should change
something, log when the library recovered by itself. Every user-facing error names the file it
concerns and a reason a person can act on; ``reason_zh`` is what a user reads (CLI, web UI,
quarantine ``.reason.txt``), ``str(error)`` is the English log line. The CLI is the one place that
turns these into exit codes.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    ok = 0
    bad_args = 2
    input_file = 3
    missing_dependency = 4
    invalid_config = 5
    gate_refused = 6
    store = 7
    notify = 8  # a reminder was not delivered (dossier remind)
    other = 15


class DossierError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = ExitCode.other
    reason_zh = "处理失败"

    def __init__(self, message: str, *, path: str | Path | None = None, reason_zh: str | None = None):
        self.path = str(path) if path is not None else None
        if reason_zh is not None:
            self.reason_zh = reason_zh
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)

    def __reduce__(self):
        # Keep path and reason when an error crosses a process boundary (OCR pool, task queue);
        # the default would rebuild it from the formatted message alone.
        return (_rebuild_error, (type(self), self.message, self.path, self.reason_zh))

    @property
    def user_message(self) -> str:
        """The Chinese message shown to a user, naming the file."""
        return f"{self.path}：{self.reason_zh}" if self.path else self.reason_zh


def _rebuild_error(cls: type[DossierError], message: str, path: str | None, reason_zh: str) -> DossierError:
    return cls(message, path=path, reason_zh=reason_zh)


class ConfigError(DossierError):
    exit_code = ExitCode.invalid_config
    reason_zh = "配置错误"


class InputFileError(DossierError):
    """A file a user gave us cannot be processed; it is kept and quarantined with this reason."""

    exit_code = ExitCode.input_file
    reason_zh = "无法读取的文件"


class EmptyFile(InputFileError):
    reason_zh = "空文件（0 字节）"


class UnsupportedFileType(InputFileError):
    reason_zh = "不支持的文件类型"


class EncryptedFile(InputFileError):
    reason_zh = "加密文件，需要密码"


class CorruptFile(InputFileError):
    reason_zh = "文件已损坏，无法修复"


class ImageTooLarge(InputFileError):
    reason_zh = "图像像素过大（疑似解压炸弹），已拒绝"


class ImageTooSmall(InputFileError):
    reason_zh = "图像过小，无法识别内容"


class UnsafeFileName(InputFileError):
    reason_zh = "文件名不安全"


class FileNotStable(InputFileError):
    reason_zh = "文件仍在写入中"


class PageTimeout(InputFileError):
    reason_zh = "页面处理超时"


class OcrError(DossierError):
    reason_zh = "文字识别失败"


class OcrModelMissing(OcrError):
    exit_code = ExitCode.missing_dependency
    reason_zh = "缺少文字识别模型文件"


class StoreError(DossierError):
    exit_code = ExitCode.store
    reason_zh = "存储错误"


class IntegrityError(StoreError):
    reason_zh = "原件校验失败（SHA-256 不一致）"


class ApplicationNotFound(DossierError):
    exit_code = ExitCode.bad_args
    reason_zh = "找不到该申报项目"


class ChecklistError(ConfigError):
    reason_zh = "清单格式错误"


class StandardError(ConfigError):
    """A qualification standard file (shipped or a company's own) is malformed."""

    reason_zh = "资质标准文件格式错误"


class GateRefused(DossierError):
    """The packet was not bound: open blocking discrepancies or missing checklist items.

    ``reason_zh`` lists them, one per line, so the list survives pickling and reaches the user;
    ``findings`` holds the same lines for callers that want them separately.
    """

    exit_code = ExitCode.gate_refused
    reason_zh = "存在未处理的阻断性问题或缺失材料，拒绝装订（可用 --draft 装订草稿）"

    @property
    def findings(self) -> list[str]:
        return [line[2:] for line in self.reason_zh.splitlines() if line.startswith("- ")]


class FontMissing(DossierError):
    """The CJK font needed to draw the packet's own pages (cover, 目录, stamps) is not installed."""

    exit_code = ExitCode.missing_dependency
    reason_zh = "缺少中文字体文件（pip install justmytype-intl-cjk，或在 dossier.toml 中用 font_path 指定字体）"


class ReviewError(DossierError):
    """A review decision that cannot be taken as given (no comment on a waiver, no value to
    correct to, a finding that does not exist)."""

    exit_code = ExitCode.bad_args
    reason_zh = "审核操作无效"


class NotifyError(DossierError):
    """A reminder was not delivered on a channel. ``path`` names the channel (``通知渠道「…」``);
    the message holds no secret of it (password, key, token, signing secret): see
    ``dossier.notify.channels.Channel.scrub``."""

    reason_zh = "提醒发送失败"


class PlanError(DossierError):
    """A renewal plan cannot be made (no such company in the archive, no qualification named)."""

    exit_code = ExitCode.bad_args
    reason_zh = "无法生成续期计划"


class LifecycleError(DossierError):
    """An application cannot be deleted, restored or purged as asked (not deleted, already
    deleted, a purge whose typed confirmation does not match)."""

    exit_code = ExitCode.bad_args
    reason_zh = "申报项目操作无效"
