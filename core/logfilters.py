"""Keep private-link tokens out of every log line, whatever logged it and however it failed."""

import logging
import re

# A private link's token is the path segment after these prefixes; whatever the token looks
# like (even a mangled one), the whole segment goes.
TOKEN_PATH = re.compile(
    r"(/(?:intake|manage)/)(?!(?:step|support|done|confirm|change|cancel)(?:[/\s?#'\"]|$))[^/\s?#'\"]+"
)
REDACTED = "[token]"


def redact(text: str) -> str:
    return TOKEN_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactTokensFilter(logging.Filter):
    """Set on every handler (clinic/settings.py LOGGING), so records from any logger are cleaned."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
