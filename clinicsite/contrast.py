"""Colour contrast as WCAG 2.2 defines it (success criterion 1.4.3, "Contrast (Minimum)").

Pure Python: the brand colours a clinic picks in the admin are checked here before they are
saved, so that no choice of colour makes the site's text unreadable.

- Relative luminance and contrast ratio: W3C, 2023, "Web Content Accessibility Guidelines
  (WCAG) 2.2", definitions of "relative luminance" and "contrast ratio",
  https://www.w3.org/TR/WCAG22/#dfn-relative-luminance
- Level AA asks for at least 4.5:1 for normal text: https://www.w3.org/TR/WCAG22/#contrast-minimum
"""

import re

AA_NORMAL_TEXT = 4.5

WHITE = "#ffffff"
# The site's body text colour: the accent colour is a background behind it.
INK = "#1a1a1a"

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``#1d5c63``, ``1d5c63`` or ``#abc`` as (red, green, blue), 0 to 255 each."""
    found = _HEX.match(colour.strip())
    if not found:
        raise ValueError(f"{colour!r} is not a colour like #1d5c63.")
    digits = found.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def normalise(colour: str) -> str:
    """The colour as lower-case ``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*parse_hex(colour))


def _linear(channel: int) -> float:
    srgb = channel / 255
    # WCAG 2.2 gives 0.04045 (the sRGB standard's value; older WCAG text said 0.03928, which
    # gives the same result for 8-bit colours).
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    red, green, blue = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (no contrast) to 21 (black on white); the order of the colours does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def passes_aa(text: str, background: str) -> bool:
    return contrast_ratio(text, background) >= AA_NORMAL_TEXT


def darken(colour: str, amount: float) -> str:
    """The colour moved ``amount`` (0 to 1) of the way towards black: a hover or pressed state.
    Darker than a colour that passes against white, it passes too."""
    return "#{:02x}{:02x}{:02x}".format(*(round(c * (1 - amount)) for c in parse_hex(colour)))


def tint(colour: str, amount: float) -> str:
    """The colour moved ``amount`` (0 to 1) of the way towards white: a soft background."""
    return "#{:02x}{:02x}{:02x}".format(*(round(c + (255 - c) * amount) for c in parse_hex(colour)))
