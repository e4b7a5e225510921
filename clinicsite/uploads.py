"""What an uploaded image must be before it is stored: small, and a PNG, JPEG or a plain SVG.

Pure Python. A file's type is read from its first bytes, never from its name or from the
browser's say-so. An SVG is a document that can carry scripts and fetch other addresses, so
it is refused (not rewritten) when it holds anything beyond drawing: scripts, event handlers,
embedded HTML, links or styles that reach outside the file, entity declarations. What passes
is also only ever shown through ``<img>`` and served with ``Content-Security-Policy:
default-src 'none'`` (see README.md, "Uploaded files"), so a script that slipped past would
still not run.
"""

import re
import xml.etree.ElementTree as ET

PNG = "png"
JPEG = "jpeg"
SVG = "svg"
ICO = "ico"

_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Drawing elements only: shapes, text, gradients, patterns, groups, clipping, symbols.
SVG_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask",
    "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood", "feComposite",
    "feMerge", "feMergeNode", "style",
}  # fmt: skip
_OUTSIDE = re.compile(r"url\(\s*['\"]?(?!#)|@import|javascript:|expression\(", re.IGNORECASE)


class UploadRefused(ValueError):
    """The file cannot be used; the message says why, in words for the person uploading it."""


def sniff(data: bytes) -> str | None:
    """The file's type from its content: png, jpeg, ico, svg, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x00\x00\x01\x00"):
        return ICO
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        return SVG
    return None


def svg_problems(data: bytes) -> list[str]:
    """Why this SVG may not be used; an empty list when it is plain drawing."""
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        return ["it declares a document type or entities"]
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return ["it is not well-formed SVG"]
    problems = []
    if root.tag != f"{_SVG_NS}svg":
        problems.append("its outer element is not <svg> in the SVG namespace")
    for element in root.iter():
        name = element.tag.removeprefix(_SVG_NS)
        if name not in SVG_ELEMENTS:
            problems.append(f"it contains <{name}>")
            continue
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                problems.append(f"it has an event handler ({local})")
            elif (local == "href" or attribute == _XLINK_HREF) and not value.startswith("#"):
                problems.append("it links outside the file")
            elif _OUTSIDE.search(value):
                problems.append("an attribute reaches outside the file")
        if name == "style" and _OUTSIDE.search(element.text or ""):
            problems.append("its styles reach outside the file")
    return sorted(set(problems))


def check_image(data: bytes, *, allowed: set[str], max_bytes: int) -> str:
    """The type of an acceptable image, or UploadRefused saying what is wrong."""
    if len(data) > max_bytes:
        raise UploadRefused(f"The file is larger than {max_bytes // 1024} KB; please use a smaller one.")
    kind = sniff(data)
    if kind not in allowed:
        names = ", ".join(sorted(k.upper() for k in allowed))
        raise UploadRefused(f"Please upload a {names} file.")
    if kind == SVG and (problems := svg_problems(data)):
        raise UploadRefused("This SVG cannot be used because " + "; ".join(problems) + ". Export a plain SVG or a PNG.")
    return kind
