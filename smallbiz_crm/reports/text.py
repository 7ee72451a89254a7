"""Any text the owner typed, made safe for a ReportLab Paragraph: cleaned, escaped, every script.

A Paragraph's text is XML markup: "x<y" raises, "Tom<Jerry>" loses "<Jerry>", "AT&T" prints
"AT&T;" and a typed "<b>" turns bold. Everything the user typed goes through `markup()`, which
drops characters XML cannot hold, escapes what is left (quotes too), puts characters DejaVu Sans
lacks into the fallback CJK font, and turns line breaks into <br/>.

Right-to-left text: without the optional rlbidi/uharfbuzz packages ReportLab draws letters in
the order they are stored, so an Arabic or Hebrew name would read backwards and Arabic letters
would not join. `visual_order()` gives Arabic letters their joined forms (Unicode presentation
forms, which DejaVu Sans has) and reverses right-to-left runs into the order they are seen.
That is right for names and short lines; a right-to-left note long enough to wrap keeps its
lines in reading order but each is filled from the wrong end.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from smallbiz_crm.reports.fonts import FontSet, runs

# Characters XML 1.0 cannot hold (and C1 controls, which print as nothing useful).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029\x0b\x0c]")
_ENTITIES = {'"': "&quot;", "'": "&#39;"}

_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_HAS_RTL = re.compile(f"[{_RTL}]")
# A right-to-left run: from one RTL letter to the last RTL letter before anything
# left-to-right, taking the spaces, digits, marks and punctuation between them along.
_RTL_RUN = re.compile(f"[{_RTL}](?:[{_RTL}\\s\\d.,:;!?'\"()\\[\\]{{}}\\-–—_/]*[{_RTL}])?")
_CLUSTER = re.compile(r"\d+(?:[.,:/]\d+)*|.[\u064b-\u065f\u0670\u0300-\u036f\u05b0-\u05c7]*",
                      re.DOTALL)
_MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def clean(text: str | None) -> str:
    """`text` with line breaks as "\\n", tabs as spaces and XML-illegal characters dropped."""
    if not text:
        return ""
    value = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _ILLEGAL.sub("", value)


def one_line(text: str | None) -> str:
    """`clean(text)` with its lines joined by spaces (for table cells that show a gist)."""
    return " ".join(clean(text).split())


def markup(text: str | None, font_set: FontSet) -> str:
    """Paragraph markup that prints `text` exactly as typed, in fonts that can draw it."""
    value = clean(text)
    if not value:
        return ""
    if _HAS_RTL.search(value) and not _reportlab_does_bidi():
        value = "\n".join(visual_order(line) for line in value.split("\n"))
    parts = []
    for font, chunk in runs(value, font_set):
        escaped = escape(chunk, _ENTITIES)
        parts.append(escaped if font is None else f'<font face="{font}">{escaped}</font>')
    return "".join(parts).replace("\n", "<br/>")


def _reportlab_does_bidi() -> bool:
    from reportlab.pdfgen import textobject

    return bool(getattr(textobject, "rtlSupport", False))


# -- right-to-left --------------------------------------------------------------------------

def _presentation_forms() -> dict[str, tuple[str, ...]]:
    """Arabic letter → its (isolated, final[, initial, medial]) forms, in Presentation Forms-B.

    The block lists the letters in alphabetical order, two forms for letters that join only to
    the letter before them, four for letters that join on both sides, one for the hamza.
    """
    right_joining = set("آأؤإاةدذرزوى")
    forms: dict[str, tuple[str, ...]] = {}
    code = 0xFE80
    for letter in "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي":
        count = 1 if letter == "ء" else 2 if letter in right_joining else 4
        forms[letter] = tuple(chr(code + offset) for offset in range(count))
        code += count
    return forms


_FORMS = _presentation_forms()
_TATWEEL = "\u0640"
_LAM_ALEF = {"آ": "\ufef5", "أ": "\ufef7", "إ": "\ufef9", "ا": "\ufefb"}  # isolated; +1 final


def _transparent(char: str) -> bool:
    return "\u064b" <= char <= "\u065f" or char == "\u0670"


def _joins_forward(char: str | None) -> bool:
    """Whether `char` connects to the letter after it (dual-joining letters and tatweel)."""
    return char == _TATWEEL or (char is not None and len(_FORMS.get(char, ())) == 4)


def _joins_backward(char: str | None) -> bool:
    return char == _TATWEEL or (char is not None and len(_FORMS.get(char, ())) >= 2)


def shape_arabic(text: str) -> str:
    """Arabic letters in their contextual (joined) forms, lam-alef as one ligature."""
    letters = [(index, char) for index, char in enumerate(text) if not _transparent(char)]
    out = list(text)
    skip = set()
    for position, (index, char) in enumerate(letters):
        if index in skip or char not in _FORMS:
            continue
        before = letters[position - 1][1] if position > 0 else None
        after = letters[position + 1][1] if position + 1 < len(letters) else None
        joined_before = _joins_forward(before)
        if char == "ل" and after in _LAM_ALEF:
            ligature = _LAM_ALEF[after]
            out[index] = chr(ord(ligature) + 1) if joined_before else ligature
            out[letters[position + 1][0]] = ""
            skip.add(letters[position + 1][0])
            continue
        forms = _FORMS[char]
        joined_after = len(forms) == 4 and _joins_backward(after)
        if joined_before and joined_after:
            out[index] = forms[3]
        elif joined_before:
            out[index] = forms[1]
        elif joined_after:
            out[index] = forms[2]
        else:
            out[index] = forms[0]
    return "".join(out)


def visual_order(line: str) -> str:
    """One line of mostly left-to-right text with its right-to-left runs as they are seen."""
    if not _HAS_RTL.search(line):
        return line
    shaped = shape_arabic(line)

    def flip(match: re.Match[str]) -> str:
        clusters = _CLUSTER.findall(match.group(0))
        return "".join(reversed(clusters)).translate(_MIRRORED)

    return _RTL_RUN.sub(flip, shaped)
