"""Fails unless the packet embeds a CJK font of its own (the demo's proof that no system font was needed)."""

import sys
from pathlib import Path

from dossier.assemble.fonts import embedded_fonts

fonts = embedded_fonts(Path(sys.argv[1]))
print(f"{sys.argv[1]}: {[(f.name, 'embedded' if f.embedded else 'not embedded') for f in fonts]}")
sys.exit(0 if any(f.embedded and "SC" in f.name for f in fonts) else "no embedded CJK font in the packet")
