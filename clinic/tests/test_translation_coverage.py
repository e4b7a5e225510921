"""Every word a patient can read in a template is marked for translation, and the Spanish
catalog holds no English copied over as its own translation.

Each template under templates/ (staff pages apart) is split with Django's own template Lexer.
What is left of its literal text, once tags, comments, entities, punctuation, numbers and the
few untranslatable names are taken out, must be empty: words are written inside
``{% translate %}`` or ``{% blocktranslate %}`` instead. Attributes a person hears or sees
(alt, title, aria-label, placeholder, a meta description, an input button's value) are held to
the same rule. Text inside an element with a literal ``lang`` (``<div lang="en">`` around a
validated questionnaire's published English wording) is meant to stay as it is.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Read by staff only: the admin, and the emails that go to the clinic's own inboxes.
STAFF_ONLY = ("admin/", "booking/emails/staff_")
STAFF_ONLY_FOLDERS = ("/admin/",)

# Words that are the same in every language: product and instrument names. Nothing else.
UNTRANSLATABLE = ("SPRAVATO®", "SPRAVATO", "TMS", "PHQ-9")
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# The crisis numbers ("988", "911") and every other number go with the punctuation.
LETTER = re.compile(r"[^\W\d_]")
WORD = re.compile(r"[^\W\d_][\w'’-]*")

VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
# Stands for a {{ variable }} or {% tag %}: translated (or not words) wherever it comes from.
# Spaced, so that one right after a tag's name (<p{{ attrs }}>) reads as an attribute.
PLACEHOLDER = "\x00"
SPACED_PLACEHOLDER = f" {PLACEHOLDER} "
# Tags whose contents are Django's to leave alone: text there is not shown as it is written.
SKIPPED_BLOCKS = {"comment": "endcomment", "blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
# base.html's blocks that fill an attribute no one reads (a class name), not the page's text.
NOT_TEXT_BLOCKS = {"main_class"}


# Pages and emails, and texts; nothing else in the folder is a template (makemessages, for one,
# leaves its .html.py working copies there while it runs).
TEMPLATE_SUFFIXES = {".html", ".txt"}


def _relative(path: Path) -> str:
    return path.relative_to(TEMPLATES).as_posix()


def _is_staff_only(name: str) -> bool:
    return name.startswith(STAFF_ONLY) or any(folder in f"/{name}" for folder in STAFF_ONLY_FOLDERS)


def patient_templates() -> list[str]:
    names = sorted(_relative(path) for path in TEMPLATES.rglob("*") if path.suffix in TEMPLATE_SUFFIXES)
    return [name for name in names if not _is_staff_only(name)]


def leftover_words(text: str) -> str:
    """What a reader would still see as words once the untranslatable bits are taken out."""
    text = EMAIL_ADDRESS.sub(" ", text.replace(PLACEHOLDER, " "))
    for name in UNTRANSLATABLE:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", text)
    return " ".join(WORD.findall(text))


def literal_text(source: str) -> str:
    """The template with every Django tag, variable and comment replaced by PLACEHOLDER (and the
    insides of comment and blocktranslate blocks blanked), keeping every line where it was."""
    parts = []
    closing = None
    for token in Lexer(source).tokenize():
        lines = "\n" * token.contents.count("\n")
        words = token.contents.split() if token.token_type == TokenType.BLOCK else []
        if closing:
            if words and words[0] == closing:
                closing = None
            parts.append(SPACED_PLACEHOLDER + lines)
            continue
        if words and words[0] in SKIPPED_BLOCKS:
            closing = SKIPPED_BLOCKS[words[0]]
        elif words[:1] == ["block"] and words[1] in NOT_TEXT_BLOCKS:
            closing = "endblock"
        parts.append(token.contents if token.token_type == TokenType.TEXT else SPACED_PLACEHOLDER + lines)
    return "".join(parts)


class _Reader(HTMLParser):
    """Collects the words in the page's own text and in its visible attributes, with their lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden = None  # "script" or "style" while inside one
        self._other_language: list[list] = []  # [tag, depth] of elements with a literal lang

    def _flag(self, line: int, text: str):
        words = leftover_words(text)
        if words:
            self.found.append((line, words))

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self._flag(line, value)
        if tag == "meta" and (values.get("name") or "").lower() == "description":
            self._flag(line, values.get("content") or "")
        # An input button shows its value; a <button> shows its content (its value is for the server).
        if tag == "input" and (values.get("type") or "").lower() in {"submit", "button", "reset"}:
            self._flag(line, values.get("value") or "")
        if tag in {"script", "style"}:
            self._hidden = tag
        for entry in self._other_language:
            if entry[0] == tag:
                entry[1] += 1
        lang = values.get("lang")
        if lang and PLACEHOLDER not in lang and tag != "html":
            self._other_language.append([tag, 1])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == self._hidden:
            self._hidden = None
        for entry in list(self._other_language):
            if entry[0] == tag:
                entry[1] -= 1
                if entry[1] == 0:
                    self._other_language.remove(entry)

    def handle_data(self, data):
        if self._hidden or self._other_language:
            return
        start = self.getpos()[0]
        for offset, line in enumerate(data.split("\n")):
            self._flag(start + offset, line)


def untranslated_text(name: str, root: Path = TEMPLATES) -> list[tuple[int, str]]:
    """(line, words) for each piece of literal text a patient would read untranslated."""
    text = literal_text((root / name).read_text())
    if not name.endswith(".html"):  # plain-text emails and texts: all of it is read
        return [(number, words) for number, line in enumerate(text.split("\n"), 1) if (words := leftover_words(line))]
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.found


def test_every_patient_template_marks_its_words_for_translation():
    names = patient_templates()
    assert "base.html" in names and "clinicsite/team.html" in names and "includes/emails/_footer.txt" in names
    problems = [f"templates/{name}:{line}: {words!r}" for name in names for line, words in untranslated_text(name)]
    assert not problems, "Text a patient reads that is not marked for translation:\n" + "\n".join(problems)


# The checker itself, on small samples: what it must flag, and what it must leave alone.


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello there</p>", [(1, "Hello there")]),
        ("<p>\n  {% translate 'Hi' %}\n  Call us\n</p>", [(3, "Call us")]),
        ('<img src="x.png" alt="A smiling doctor">', [(1, "A smiling doctor")]),
        ('<input type="submit" value="Send">', [(1, "Send")]),
        ('<input type="button" value="Go" aria-label="Send now">', [(1, "Send now"), (1, "Go")]),
        ("<strong{{ name.lang_attr }}>Directions</strong>", [(1, "Directions")]),
        ("<p>TMS and SPRAVATO®</p>", [(1, "and")]),
        ('<meta name="description" content="About us">', [(1, "About us")]),
        ('<nav aria-label="{% translate "Main" %} menu">', [(1, "menu")]),
        ("{% block title %}Our team | {{ clinic.name }}{% endblock %}", [(1, "Our team")]),
        ("<p>Take SPRAVATO® daily</p>", [(1, "Take daily")]),
    ],
)
def test_the_checker_flags_words_left_untranslated(tmp_path, source, expected):
    (tmp_path / "sample.html").write_text(source)
    assert untranslated_text("sample.html", tmp_path) == expected


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<p>{% translate 'Hello there' %}</p>",
        "<p>{% blocktranslate trimmed %}Call us at\n{{ phone }} now{% endblocktranslate %}</p>",
        "{% comment %}Why this page exists, for developers.{% endcomment %}<p>{# a note #}</p>",
        "<!-- for developers --><p>&amp; &nbsp; · 988 911 — 2024</p>",
        '<p>TMS · SPRAVATO®: <a href="mailto:care@clinic.example">care@clinic.example</a></p>',
        "{% block main_class %}home{% endblock %}<p{{ attrs }}>{{ text }}</p>",
        '<script nonce="{{ CSP_NONCE }}">var x = "not shown";</script><style>.a { color: red }</style>',
        '<div lang="en"><p>Over the last 2 weeks, how often</p><div><p>Nested</p></div></div>',
        '<img alt="{{ person.name }}" src="{{ url }}" title="{% translate "Photo" %}">',
        '<button type="submit" name="action" value="next">{% translate "Save and continue" %}</button>',
        '<html lang="{{ LANGUAGE_CODE }}"><p>{{ text }}</p></html>',
    ],
)
def test_the_checker_leaves_translated_and_untranslatable_text_alone(tmp_path, source):
    (tmp_path / "sample.html").write_text(source)
    assert untranslated_text("sample.html", tmp_path) == []


def test_plain_text_templates_are_read_whole(tmp_path):
    (tmp_path / "note.txt").write_text("{% load i18n %}{% translate 'Hi' %}\nSee you soon\n{{ clinic.name }}\n")
    assert untranslated_text("note.txt", tmp_path) == [(2, "See you soon")]


def test_the_list_of_templates_leaves_out_staff_pages_and_only_those():
    names = patient_templates()
    assert not [name for name in names if name.startswith("admin/") or "/admin/" in name or "/staff_" in name]
    # Patient pages and emails of every app are checked.
    for name in [
        "booking/emails/request_received.txt",
        "booking/thanks.html",
        "booking/intake/step.html",
        "booking/emails/intake_received.txt",
        "scheduling/book.html",
        "education/article_detail.html",
    ]:
        assert name in names, name


# --- The catalog --------------------------------------------------------------------------

# Spanish that is spelled like its English: a word both languages share, or a name.
SAME_IN_BOTH = {"No", "TMS", "SPRAVATO", "PHQ-9"}
CATALOG_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|<[^>]+>")


def copied_entries(catalog) -> list[str]:
    copied = []
    for entry in catalog:
        if entry.obsolete:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid if n == 0 else entry.msgid_plural, text) for n, text in entry.msgstr_plural.items()]
        for source, translated in pairs:
            words = CATALOG_PLACEHOLDER.sub(" ", source)
            if translated == source and LETTER.search(words) and source not in SAME_IN_BOTH:
                copied.append(source)
    return copied


def test_no_spanish_entry_is_a_copy_of_its_english():
    polib = pytest.importorskip("polib")
    catalog = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 100
    copied = copied_entries(catalog)
    assert not copied, "Spanish entries that repeat the English (translate them):\n" + "\n".join(copied)


def test_a_copied_entry_is_caught_and_names_and_placeholders_are_not():
    polib = pytest.importorskip("polib")
    catalog = polib.POFile()
    for msgid, msgstr in [
        ("Our team", "Our team"),
        ("No", "No"),
        ("TMS", "TMS"),
        ("%(phone)s", "%(phone)s"),
        ("Hours", "Horario"),
    ]:
        catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    catalog.append(
        polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr_plural={0: "%(n)s día", 1: "%(n)s days"})
    )
    assert copied_entries(catalog) == ["Our team", "%(n)s days"]
