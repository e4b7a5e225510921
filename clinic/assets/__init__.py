"""The stylesheet bundles the public pages load: Bootstrap's CSS cut down to the rules a group of
pages uses (PurgeCSS, from npm), followed by the site's own stylesheet, in one file per group.

Bootstrap's full CSS is about 230 KB (31 KB compressed); a reading page uses a tenth of it. The
bundles are committed under static/css/bundles/, so the site runs without Node; `make css`
rebuilds them, and a test fails when a committed bundle differs from what the build gives.
A group's content files are every place a class name it needs can come from: its templates,
the Python that writes HTML or form markup, and the scripts that add classes.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import crispy_bootstrap5
import crispy_forms
import django
import xstatic.pkg.bootstrap

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BUNDLE_DIR = BASE_DIR / "static" / "css" / "bundles"
BOOTSTRAP_CSS = Path(xstatic.pkg.bootstrap.BASE_DIR) / "css" / "bootstrap.min.css"
SITE_CSS = BASE_DIR / "static" / "css" / "site.css"
# Every stylesheet of ours that pages load after (or beside) the bundle's Bootstrap rules.
OWN_CSS = (SITE_CSS, BASE_DIR / "scheduling" / "static" / "scheduling" / "scheduling.css")
CHARSET = '@charset "UTF-8";'
PURGE_SCRIPT = Path(__file__).resolve().parent / "purge.mjs"
CRISPY_BOOTSTRAP5 = Path(crispy_bootstrap5.__file__).resolve().parent
CRISPY_FORMS = Path(crispy_forms.__file__).resolve().parent
DJANGO_FORMS = Path(django.__file__).resolve().parent / "forms"

# Reading pages: home, guides, the clinic's pages, privacy, error pages.
READING = (
    "templates/base.html",
    "templates/*.html",
    "templates/includes/*.html",
    "templates/clinic/*.html",
    "templates/education/*.html",
    "templates/clinicsite/*.html",
    "education/content/*.md",
    "education/markup.py",
)
# Pages with forms: the consultation request, the intake, booking a time, the waitlist.
FORMS = (
    *READING,
    "templates/booking/*.html",
    "templates/booking/intake/*.html",
    "templates/scheduling/*.html",
    "booking/forms.py",
    "booking/intake_forms.py",
    "booking/intake_steps.py",
    "scheduling/waitlist_forms.py",
    "static/js/*.js",
    "scheduling/static/scheduling/*.js",
    str(CRISPY_BOOTSTRAP5 / "templates" / "bootstrap5" / "**" / "*.html"),
    str(CRISPY_FORMS / "layout.py"),
    str(CRISPY_FORMS / "bootstrap.py"),
    str(DJANGO_FORMS / "templates" / "django" / "forms" / "**" / "*.html"),
)


@dataclass(frozen=True)
class Bundle:
    name: str
    content: tuple[str, ...]

    @property
    def path(self) -> Path:
        return BUNDLE_DIR / f"{self.name}.css"

    @property
    def static_name(self) -> str:
        return f"css/bundles/{self.name}.css"


BUNDLES = (Bundle("reading", READING), Bundle("forms", FORMS))


def content_files(patterns) -> list[str]:
    found = set()
    for pattern in patterns:
        path = Path(pattern)
        base, rest = (path.anchor, str(path.relative_to(path.anchor))) if path.is_absolute() else (BASE_DIR, pattern)
        found.update(str(match) for match in Path(base).glob(rest) if match.is_file())
    return sorted(found)


def node() -> str:
    found = shutil.which("node")
    if not found:
        raise RuntimeError("Building the stylesheets needs Node.js (apt-get install nodejs npm), then `make css`.")
    if not (BASE_DIR / "node_modules" / "purgecss").is_dir():
        raise RuntimeError("PurgeCSS is missing: run `npm ci` (or `make css`).")
    return found


def purged_bootstrap(bundle: Bundle) -> str:
    # Bootstrap's custom properties that no kept rule reads are dropped too, except those the
    # site's own stylesheets read.
    own = "".join(path.read_text() for path in OWN_CSS)
    spec = {
        "css": [str(BOOTSTRAP_CSS)],
        "content": content_files(bundle.content),
        "safelist": {"variables": sorted(set(re.findall(r"var\((--[\w-]+)", own)))},
    }
    done = subprocess.run(
        [node(), str(PURGE_SCRIPT)],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        check=False,
        env={**os.environ, "NODE_PATH": str(BASE_DIR / "node_modules")},
    )
    if done.returncode:
        raise RuntimeError(f"PurgeCSS failed:\n{done.stderr}")
    return done.stdout


def build(bundle: Bundle) -> str:
    """The bundle's text: the rules of Bootstrap the group uses, then site.css as it is."""
    header = (
        f"/* {bundle.static_name}: built by `make css` from Bootstrap's CSS (XStatic-Bootstrap) and "
        "static/css/site.css. Do not edit; edit site.css or the templates and rebuild. */\n"
    )
    # @charset counts only as the very first thing in a file.
    bootstrap = purged_bootstrap(bundle).strip().removeprefix(CHARSET)
    return CHARSET + "\n" + header + bootstrap + "\n" + SITE_CSS.read_text()
