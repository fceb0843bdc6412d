"""Display text as people type it — names of nodes, accounts, packages, residents — made
safe to store and show.

The length is checked *after* Unicode normalisation, on the text as it will be stored: some
characters expand (U+FB2C becomes 3 under NFC, U+FDFA 18 under NFKC), so a check before it
lets an overlong name into a fixed-size column. NFC, not NFKC: NFKC would turn Chinese
full-width punctuation （） into ASCII () and change what people typed.
Line breaks, control, bidi-override and zero-width characters are refused: in a name they
only serve to make one thing look like another (U+202E turns "gpj.exe" around).
"""

import unicodedata

from core.api.errors import ServiceError

# Cc controls (CR, LF, tab …), Cf formats (U+202E bidi override, U+200B zero width …),
# Zl/Zp line and paragraph separators, Cs lone surrogates. Private-use characters stay
# allowed: registers encode rare characters of Chinese names (生僻字) there.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def clean_text(value, *, label, pointer, max_length, required=True):
    """``value`` normalised (NFC) and trimmed, or ServiceError 422 naming ``label`` and
    ``pointer`` — never repeating the value itself."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ServiceError(422, f"{label}必须是文字。", pointer)
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        if required:
            raise ServiceError(422, f"{label}不能为空。", pointer)
        return ""
    if any(unicodedata.category(char) in FORBIDDEN_CATEGORIES for char in text):
        raise ServiceError(422, f"{label}不能包含换行、控制字符或不可见的格式字符。", pointer)
    if len(text) > max_length:
        raise ServiceError(422, f"{label}不能超过 {max_length} 个字符。", pointer)
    return text
