"""The packet's CJK font comes with ``pip install``: no system font, no root, no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from conftest import ROOT
from dossier.assemble.fonts import embedded_fonts
from dossier.errors import FontMissing
from dossier.fonts import bundled_variable_font, cjk_font_file, regular_instance

# Builds a packet in a fresh interpreter that records every file it opens: the build must not
# look at the system's fonts (a fresh machine has none), and must still embed a CJK font.
_BUILD = """
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and args
                 and isinstance(args[0], (str, bytes)) else None)
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from test_assemble_builders import upgrade_application
from dossier.assemble import build_packet
result = build_packet(upgrade_application(Path(sys.argv[2])), Path(sys.argv[3]))
print(json.dumps({"opened": [p for p in opened if "/share/fonts" in p or "fontconfig" in p],
                  "pages": result.pages}))
"""


def test_packet_builds_with_no_system_font_and_embeds_a_cjk_font(tmp_path):
    env = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "none.conf"), "XDG_DATA_DIRS": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", _BUILD, str(ROOT / "tests"), str(tmp_path / "in"),
                           str(tmp_path / "out")], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["opened"] == [] and report["pages"] > 3
    fonts = embedded_fonts(tmp_path / "out" / "packet.pdf")
    cjk = [font for font in fonts if "NotoSansSC" in font.name]
    assert cjk, fonts
    assert cjk[0].embedded and cjk[0].subset, cjk[0]
    # the cover's 汉字 map back to text: 申 (U+7533) of 建筑业企业资质申请附件材料
    assert "7533" in cjk[0].to_unicode.upper()


def test_regular_instance_is_static_regular_and_made_once(tmp_path):
    small = tmp_path / "Small[wght].ttf"
    font = TTFont(str(bundled_variable_font()))
    subsetter = subset.Subsetter(subset.Options(layout_features=[], notdef_outline=True))
    subsetter.populate(text="资质申报材料")
    subsetter.subset(font)
    font.save(str(small))
    made = regular_instance(small, tmp_path / "cache")
    static = TTFont(str(made))
    assert "fvar" not in static and "gvar" not in static and static["OS/2"].usWeightClass == 400
    assert static.getBestCmap()[ord("资")]
    stamp = made.stat().st_mtime_ns
    assert regular_instance(small, tmp_path / "cache") == made and made.stat().st_mtime_ns == stamp
    assert not list((tmp_path / "cache").glob(".tmp-*"))


def test_configured_font_replaces_the_bundled_one(tmp_path):
    mine = tmp_path / "mine.ttf"
    mine.write_bytes(cjk_font_file().read_bytes())
    assert cjk_font_file(mine) == mine
    with pytest.raises(FontMissing) as err:
        cjk_font_file(tmp_path / "gone.ttf")
    assert "gone.ttf" in err.value.user_message
