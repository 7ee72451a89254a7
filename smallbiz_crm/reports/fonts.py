"""The fonts the reports print with: bundled DejaVu Sans, and a CJK font where one is installed.

DejaVu Sans (regular and bold, shipped in resources/fonts) covers Latin with every accent, Greek,
Cyrillic, Armenian, Georgian, Hebrew and Arabic (with its presentation forms). It has no Chinese,
Japanese or Korean glyphs, and no free CJK font is small enough to ship, so for characters DejaVu
lacks the reports fall back, run by run, to the first CJK-capable TrueType font found on the
machine (SMALLBIZ_CRM_CJK_FONT names one explicitly). ReportLab reads TrueType outlines only:
OpenType/CFF files such as Noto Sans CJK's .ttc are tried and skipped, which is why WenQuanYi,
Droid Sans Fallback, IPA, Nanum, Microsoft YaHei, SimSun, Malgun and Arial Unicode come first.
With none installed, those characters print as empty boxes; nothing fails.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smallbiz_crm.paths import resource

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FALLBACK = "SmallbizFallback"
FALLBACK_ENV = "SMALLBIZ_CRM_CJK_FONT"

# File names worth trying, best first, looked for in every font folder and below.
_CJK_NAMES = (
    "wqy-microhei.ttc", "wqy-zenhei.ttc", "DroidSansFallbackFull.ttf", "DroidSansFallback.ttf",
    "NotoSansCJK*-Regular.ttf", "NotoSans[SJKT]C-Regular.ttf", "ipaexg.ttf", "ipag.ttf",
    "ipagp.ttf", "TakaoPGothic.ttf", "VL-PGothic-Regular.ttf", "NanumGothic.ttf",
    "uming.ttc", "ukai.ttc", "UnDotum.ttf",
    # Windows
    "msyh.ttc", "msyh.ttf", "simsun.ttc", "simhei.ttf", "msgothic.ttc", "meiryo.ttc",
    "YuGothM.ttc", "malgun.ttf", "mingliu.ttc",
    # macOS
    "Arial Unicode.ttf", "STHeiti Light.ttc", "STHeiti Medium.ttc", "AppleGothic.ttf",
    "AppleSDGothicNeo.ttc", "PingFang.ttc", "Hiragino Sans GB.ttc",
    # CFF-flavoured: ReportLab refuses them, but a future ReportLab may not.
    "NotoSansCJK*-Regular.ttc", "NotoSansCJK-Regular.ttc",
)


def font_dirs() -> list[Path]:
    """Where fonts live on this kind of machine (user folders too)."""
    home = Path.home()
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
                Path("/Library/Fonts"), home / "Library" / "Fonts"]
    data_home = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), data_home / "fonts",
            home / ".fonts"]


def cjk_candidates() -> list[Path]:
    """Installed files that may hold CJK glyphs, in the order they are tried."""
    found: list[Path] = []
    explicit = os.environ.get(FALLBACK_ENV)
    if explicit:
        found.append(Path(explicit))
    # One walk per folder (a machine may have thousands of fonts), then match names in order.
    installed: list[Path] = []
    for folder in font_dirs():
        for root, _dirs, files in os.walk(folder):
            installed.extend(Path(root) / name for name in sorted(files))
    for pattern in _CJK_NAMES:
        for path in installed:
            if fnmatch.fnmatch(path.name.lower(), pattern.lower()) and path not in found:
                found.append(path)
    return found


@dataclass(frozen=True, slots=True)
class FontSet:
    """Registered font names, and which characters each one can draw."""

    regular: str
    bold: str
    covered: frozenset[int]  # code points DejaVu Sans has glyphs for

    def fallback(self) -> Fallback | None:
        return _fallback()


@dataclass(frozen=True, slots=True)
class Fallback:
    name: str
    path: Path
    covered: frozenset[int]


def _ttfont(name: str, path: Path) -> Any:
    from reportlab.pdfbase.ttfonts import TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        return TTFont(name, str(path), subfontIndex=0)
    return TTFont(name, str(path))


@functools.cache
def registered_fonts() -> FontSet:
    """Register DejaVu Sans (regular, bold) as a family; once per process."""
    from reportlab.pdfbase import pdfmetrics

    regular = _ttfont(REGULAR, resource("fonts", "DejaVuSans.ttf"))
    bold = _ttfont(BOLD, resource("fonts", "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    # No italic is shipped: italic markup falls back to the upright faces instead of failing.
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    covered = frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)
    return FontSet(regular=REGULAR, bold=BOLD, covered=covered)


@functools.cache
def _fallback() -> Fallback | None:
    """The first installed CJK font ReportLab can read, registered; None when there is none.

    Looked for only when some text needs it, so a report in Latin letters never pays for it.
    """
    from reportlab.pdfbase import pdfmetrics

    for path in cjk_candidates():
        try:
            font = _ttfont(FALLBACK, path)
        except Exception:  # noqa: BLE001 - CFF outlines, damaged files: try the next
            continue
        covered = frozenset(font.face.charToGlyph)
        if ord("中") not in covered:
            continue
        pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(FALLBACK, normal=FALLBACK, bold=FALLBACK,
                                      italic=FALLBACK, boldItalic=FALLBACK)
        return Fallback(name=FALLBACK, path=path, covered=covered)
    return None


def runs(text: str, font_set: FontSet) -> list[tuple[str | None, str]]:
    """`text` cut into runs of (font name, or None for DejaVu Sans; characters).

    A character goes to the fallback font only when DejaVu lacks it and the fallback has it;
    anything neither has stays in DejaVu (a box) so nothing is ever lost.
    """
    if text.isascii():
        return [(None, text)]
    covered = font_set.covered
    result: list[tuple[str | None, str]] = []
    current: str | None = None
    start = 0
    for index, char in enumerate(text):
        code = ord(char)
        if code in covered or char.isspace():
            font = None if current is None or not char.isspace() else current
        else:
            fallback = font_set.fallback()
            font = fallback.name if fallback is not None and code in fallback.covered else None
        if font != current:
            if index > start:
                result.append((current, text[start:index]))
            current, start = font, index
    if start < len(text):
        result.append((current, text[start:]))
    return result
