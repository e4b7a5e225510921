"""The saved article served by WhiteNoise alone, for bench/article_page.py.

Run under gunicorn with BENCH_STATIC_ROOT naming the folder that holds ``article/index.html``.
"""

import os

from whitenoise import WhiteNoise


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"Not found"]


application = WhiteNoise(not_found, root=os.environ["BENCH_STATIC_ROOT"], index_file=True, autorefresh=False)
