from education.markup import markdown_to_text, render_markdown


def test_markdown_becomes_html():
    html = render_markdown("## Side effects\n\n- **Headache**, often mild\n- [NIMH](https://www.nimh.nih.gov/)")
    assert "<h2>Side effects</h2>" in html
    assert "<strong>Headache</strong>" in html
    assert '<a href="https://www.nimh.nih.gov/" rel="noopener noreferrer">NIMH</a>' in html


def test_scripts_event_handlers_and_styles_are_removed():
    html = render_markdown(
        'Hello <script>alert("x")</script>\n\n<img src="x" onerror="alert(1)">\n\n'
        '<p style="color:red" onclick="steal()">Styled</p>\n\n[click](javascript:alert(1))'
    )
    assert "<script" not in html
    assert "alert" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "style=" not in html
    assert "javascript:" not in html
    assert "Styled" in html


def test_a_level_one_heading_in_a_body_does_not_compete_with_the_page_title():
    html = render_markdown("# Big heading\n\nText.")
    assert "<h1" not in html
    assert "Big heading" in html


def test_plain_text_drops_the_markup():
    assert markdown_to_text("## Title\n\nSome **bold** text.").split() == ["Title", "Some", "bold", "text."]
