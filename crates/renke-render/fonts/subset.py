#!/usr/bin/env python3
"""Regenerates the bundled CJK fonts of renke-render (see README.md in this folder).

Subsets Noto Serif CJK SC Regular and Noto Sans CJK SC Bold, from Debian's fonts-noto-cjk
(`apt-get install fonts-noto-cjk`), with fontTools (`pip install fonttools`), to:

  * GB/T 2312 (every character of the standard: 6,763 hanzi and 682 symbols), and the
    symbols GBK adds in the same rows (A1–A9),
  * ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width forms,
    enclosed and Roman numerals,
  * every character listed in extra-chars.txt (the characters of the two seed notices and of
    the demo data that the ranges above miss).

Usage:
    python3 subset.py                 # rebuild both fonts from extra-chars.txt
    python3 subset.py FILE...         # first add FILE's characters outside the set to
                                      # extra-chars.txt, then rebuild

Writes NotoSerifCJKsc-Regular-subset.otf and NotoSansCJKsc-Bold-subset.otf beside itself.
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("NOTO_CJK_DIR", "/usr/share/fonts/opentype/noto")
# (source collection, index of the SC face in it, output file)
FONTS = [
    ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "NotoSerifCJKsc-Regular-subset.otf"),
    ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC Bold", "NotoSansCJKsc-Bold-subset.otf"),
]
EXTRA = os.path.join(HERE, "extra-chars.txt")

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x2010, 0x205E),  # general punctuation (— – … ‘ ’ “ ” ‰ ※)
    (0x20A0, 0x20CF),  # currency symbols (€)
    (0x2100, 0x218F),  # letterlike symbols, Roman numerals
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed numerals ① ⑴ ⒈
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〔〕《》「」)
    (0xFF01, 0xFF5E),  # full-width ASCII
    (0xFFE0, 0xFFE6),  # full-width signs (￥)
]


def gb2312():
    out = set()
    for hi in range(0xA1, 0xFF):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def gbk_symbols():
    """Rows A1–A9 as GBK reads them: GB 2312's symbols plus GBK's additions there
    (€, pinyin ń ň ǹ ɑ ɡ ḿ, vertical presentation forms ︐–﹄)."""
    out = set()
    for hi in range(0xA1, 0xAA):
        for lo in range(0xA1, 0xFF):
            try:
                c = bytes([hi, lo]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= ord(c) <= 0xF8FF:
                out.add(c)
    # Cells Python's GBK codec leaves in the private use area but browsers (WHATWG GBK)
    # and GB 18030-2022 map to real characters.
    out.update("ǹḿ€︐︑︒︓︔︕︖︗︘︙")
    return out


def base_set():
    chars = gb2312() | gbk_symbols()
    for lo, hi in RANGES:
        chars.update(chr(c) for c in range(lo, hi + 1))
    return chars


def read_extra():
    if not os.path.exists(EXTRA):
        return set()
    with open(EXTRA, encoding="utf-8") as f:
        return {c for c in f.read() if not c.isspace()}


def face_index(path, full_name):
    from fontTools.ttLib import TTCollection

    for i, font in enumerate(TTCollection(path).fonts):
        if font["name"].getDebugName(4) == full_name:
            return i
    sys.exit(f"{full_name} not found in {path}")


def main(args):
    base = base_set()
    extra = read_extra()
    for name in args:
        with open(name, encoding="utf-8") as f:
            extra.update(c for c in f.read() if not c.isspace() and ord(c) > 0x7F)
    extra -= base
    with open(EXTRA, "w", encoding="utf-8") as f:
        text = "".join(sorted(extra))
        f.write("\n".join(text[i : i + 40] for i in range(0, len(text), 40)) + "\n")
    chars = base | extra
    for source, full_name, out in FONTS:
        path = os.path.join(SOURCE_DIR, source)
        index = face_index(path, full_name)
        options = subset.Options()
        options.hinting = False
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.font_number = index
        font = subset.load_font(path, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(chars)))
        subsetter.subset(font)
        target = os.path.join(HERE, out)
        subset.save_font(font, target, options)
        covered = len(TTFont(target).getBestCmap())
        print(f"{out}: {covered} characters, {os.path.getsize(target) / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
