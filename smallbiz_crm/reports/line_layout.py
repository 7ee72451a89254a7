"""Plain text laid out in lines by hand, for printouts with thousands of short texts.

ReportLab Paragraphs parse markup and wrap twice (once to keep a block together, once to place
it): for a 1,000-item checklist, 6,000 short texts, that costs several seconds. This layout puts
plain strings on the canvas instead, so there is no markup to escape; the text is still cleaned,
cut into runs per font (DejaVu Sans, or the CJK fallback) and put in visual order for
right-to-left scripts.
"""

from __future__ import annotations

import re
from typing import Any

from smallbiz_crm.reports.fonts import FontSet, runs
from smallbiz_crm.reports.text import clean, visual_order

_TOKENS = re.compile(r"\S+|\s+")
_SPACES = re.compile(r"\s+")

# One drawn piece of a line: x offset, text, font name, size, grey level.
Piece = tuple[float, str, str, float, float]


class LineLayout:
    """Greedy line breaking of plain text runs, with word widths cached across the document."""

    def __init__(self, font_set: FontSet) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.fonts = font_set
        self._string_width = stringWidth
        self._widths: dict[tuple[str, str], float] = {}

    def width(self, text: str, font: str, size: float) -> float:
        key = (text, font)
        known = self._widths.get(key)
        if known is None:
            known = self._string_width(text, font, 1000.0)
            if len(self._widths) < 200_000:
                self._widths[key] = known
        return known * size / 1000.0

    def spans(self, text: str, bold: bool, size: float,
              grey: float) -> list[tuple[str, str, float, float]]:
        """(text, font, size, grey) runs for one line of user text, in visual order."""
        # Spaces at either end are kept: they separate this run from its neighbours.
        value = visual_order(_SPACES.sub(" ", clean(text)))
        base = self.fonts.bold if bold else self.fonts.regular
        return [(chunk, font or base, size, grey) for font, chunk in runs(value, self.fonts)]

    def lines(self, spans: list[tuple[str, str, float, float]],
              width: float) -> list[list[Piece]]:
        result: list[list[Piece]] = []
        line: list[Piece] = []
        x = 0.0
        space = 0.0  # the width of a space waiting between the last word and the next one
        for text, font, size, grey in spans:
            for token in _TOKENS.findall(text):
                if token.isspace():
                    if line:
                        space = self.width(" ", font, size)
                    continue
                word = self.width(token, font, size)
                if x + space + word <= width or (not line and word <= width):
                    line.append((x + space, token, font, size, grey))
                    x += space + word
                elif word <= width:
                    result.append(line)
                    line, x = [(0.0, token, font, size, grey)], word
                else:
                    # Longer than a whole line (a 200-letter word, a run of CJK): cut it.
                    if line:
                        result.append(line)
                    line, x = [], 0.0
                    for part in self._cut(token, font, size, width):
                        if line:
                            result.append(line)
                        line = [(0.0, part, font, size, grey)]
                        x = self.width(part, font, size)
                space = 0.0
        if line:
            result.append(line)
        return [_merged(pieces, self) for pieces in result]

    def _cut(self, word: str, font: str, size: float, width: float) -> list[str]:
        parts = []
        start = 0
        x = 0.0
        for index, char in enumerate(word):
            char_width = self.width(char, font, size)
            if x + char_width > width and index > start:
                parts.append(word[start:index])
                start, x = index, 0.0
            x += char_width
        parts.append(word[start:])
        return parts


def _merged(pieces: list[Piece], layout: LineLayout) -> list[Piece]:
    """Neighbouring pieces in the same font joined into one string (fewer drawing calls)."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1][2:] == piece[2:]:
            x, text, font, size, grey = merged[-1]
            end = x + layout.width(text, font, size)
            gap = piece[0] - end
            space_width = layout.width(" ", font, size)
            if abs(gap - space_width) < 0.01:
                merged[-1] = (x, f"{text} {piece[1]}", font, size, grey)
                continue
            if abs(gap) < 0.01:
                merged[-1] = (x, text + piece[1], font, size, grey)
                continue
        merged.append(piece)
    return merged


def draw_pieces(canvas: Any, pieces: tuple[Piece, ...], x0: float, baseline: float) -> None:
    for x, text, font, size, grey in pieces:
        canvas.setFont(font, size)
        canvas.setFillGray(grey)
        canvas.drawString(x0 + x, baseline, text)
