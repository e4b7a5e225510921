"""Build the stylesheet bundles in static/css/bundles/ (see clinic/assets), or check them."""

from django.core.management.base import BaseCommand, CommandError

from clinic import assets


class Command(BaseCommand):
    help = "Build each page group's stylesheet (Bootstrap's rules it uses, then site.css); --check compares."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail when a committed bundle is out of date.")

    def handle(self, *args, check=False, **options):
        try:
            built = {bundle: assets.build(bundle) for bundle in assets.BUNDLES}
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        stale = [
            bundle for bundle, text in built.items() if not bundle.path.is_file() or bundle.path.read_text() != text
        ]
        if check:
            if stale:
                names = ", ".join(bundle.static_name for bundle in stale)
                raise CommandError(f"Out of date: {names}. Run `make css` and commit the result.")
            self.stdout.write("The stylesheet bundles are up to date.")
            return
        assets.BUNDLE_DIR.mkdir(parents=True, exist_ok=True)
        for bundle, text in built.items():
            bundle.path.write_text(text)
            self.stdout.write(f"{bundle.static_name}: {len(text.encode()):,} bytes")
