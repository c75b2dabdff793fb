"""The CJK font dossier draws with: the packet's own pages and the web UI's text-only page images.

It comes with ``pip install``: Noto Sans SC (SIL OFL 1.1) from the ``justmytype-intl-cjk`` wheel,
so neither a demo nor a packet needs root, apt or a network at run time. That file is a variable
TrueType font whose default instance is the Thin weight, and reportlab embeds only static
TrueType outlines (no CFF, no variations), so the Regular instance is made once with fontTools and
kept in the user's cache folder: about 25 s on the first use on a machine, nothing after. A
configured font (``font_path`` in dossier.toml, ``DOSSIER_FONT_PATH``) replaces it: any TrueType
file or collection (face 0), e.g. the system's WenQuanYi Zen Hei.
"""

from __future__ import annotations

from importlib import metadata, resources
from pathlib import Path

from dossier.errors import FontMissing
from dossier.prepared import prepare_once

BUNDLED_PACKAGE = "justmytype_intl_cjk"
BUNDLED_DISTRIBUTION = "justmytype-intl-cjk"
BUNDLED_RELATIVE = "fonts/ofl/notosanssc/NotoSansSC[wght].ttf"
REGULAR_WEIGHT = 400.0
# bump when the way the instance is made changes: cached instances are then made again
INSTANCE_VERSION = "1"


def bundled_variable_font() -> Path:
    """The variable Noto Sans SC inside its wheel (PIL can use it directly, at any weight)."""
    try:
        path = Path(str(resources.files(BUNDLED_PACKAGE) / BUNDLED_RELATIVE))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise FontMissing(f"bundled CJK font missing: install {BUNDLED_DISTRIBUTION}",
                          reason_zh=f"缺少内置中文字体（pip install {BUNDLED_DISTRIBUTION}），"
                                    "或在 dossier.toml 中用 font_path 指定 TrueType 字体")
    return path


def cjk_font_file(configured: Path | None = None, cache_dir: Path | None = None) -> Path:
    """The TrueType file to embed: ``configured`` when given (it must exist), else the bundled
    Noto Sans SC at Regular weight, made on first use into ``cache_dir`` (default: the user's
    cache folder, see ``dossier.config.default_cache_dir``)."""
    if configured is not None:
        if not configured.is_file():
            raise FontMissing(f"CJK font not found at {configured}", path=configured,
                              reason_zh=f"找不到配置的中文字体文件：{configured}")
        return configured
    if cache_dir is None:
        from dossier.config import default_cache_dir

        cache_dir = default_cache_dir()
    return regular_instance(bundled_variable_font(), cache_dir / "fonts")


def regular_instance(source: Path, folder: Path) -> Path:
    """A static Regular TrueType instance of the variable font ``source``, cached in ``folder``.

    The name carries the source's size and the versions that shape the result, so an upgraded
    wheel or fontTools makes a new one; made once however many processes ask (``prepare_once``).
    """
    try:
        release = metadata.version(BUNDLED_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        release = "0"
    target = folder / f"{source.stem.split('[')[0]}-Regular-{release}-{source.stat().st_size}-v{INSTANCE_VERSION}.ttf"
    return prepare_once(target, lambda path: _instantiate(source, path), "the bundled CJK font (about 30 s)")


def _instantiate(source: Path, target: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(source))
    # layout tables are not drawn by reportlab and instancing them costs time
    for tag in ("GSUB", "GPOS", "BASE", "GDEF"):
        if tag in font:
            del font[tag]
    instancer.instantiateVariableFont(font, {"wght": REGULAR_WEIGHT}, inplace=True, updateFontNames=True)
    font.save(str(target))
