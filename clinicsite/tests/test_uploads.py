import pytest

from clinicsite import uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PLAIN_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle cx="2" cy="2" r="2" fill="#123"/></svg>'


def test_a_png_and_a_plain_svg_are_accepted():
    assert uploads.check_image(PNG, allowed={uploads.PNG, uploads.SVG}, max_bytes=1000) == "png"
    assert uploads.check_image(PLAIN_SVG, allowed={uploads.PNG, uploads.SVG}, max_bytes=1000) == "svg"


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><use x:href="https://evil.example/a.svg#a"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
    ],
)
def test_an_svg_that_could_run_or_fetch_anything_is_refused(svg):
    with pytest.raises(uploads.UploadRefused, match="cannot be used"):
        uploads.check_image(svg, allowed={uploads.SVG}, max_bytes=10_000)


def test_a_file_of_the_wrong_type_or_too_large_is_refused_whatever_its_name():
    with pytest.raises(uploads.UploadRefused, match="PNG"):
        uploads.check_image(b"<html><script></script></html>", allowed={uploads.PNG}, max_bytes=1000)
    with pytest.raises(uploads.UploadRefused, match="larger"):
        uploads.check_image(PNG + b"\x00" * 2000, allowed={uploads.PNG}, max_bytes=1000)
