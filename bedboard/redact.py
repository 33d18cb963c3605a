"""No credential in anything a person or a log reads.

A PostgreSQL URL carries its password (`postgresql://night:s3cret@db/beds`), and that URL
travels: into error texts (SQLAlchemy's "could not parse URL '...'", a driver's DSN), into
tracebacks (and their locals), into messages that name the database. Every text that leaves the
program for a screen, stderr, a log or the audit log passes `scrub()` at that edge: passwords in
URLs and in `password=` pairs are masked, and so is every password of a URL this process has
connected with, wherever else it turns up (a driver may quote it on its own).
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import unquote, urlsplit

MASK = "***"
# user:password@ after a scheme; greedy up to the last @ of the word (a password may hold @).
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^:/@\s'\"]*:)[^\s'\"]*(?=@)", re.I)
# libpq's key=value form and its relatives: password=..., PGPASSWORD=..., "password": ...
_PAIR_PASSWORD = re.compile(
    r"(?P<head>\b(?:pg)?pass(?:word)?\b['\"]?\s*[=:]\s*['\"]?)(?P<value>[^\s'\",;&)]+)", re.I
)
# A password this short would mask ordinary words; the patterns above still catch it in place.
_MIN_REMEMBERED = 6

_remembered: set[str] = set()
_lock = threading.Lock()


def remember_url(url: str) -> None:
    """Note the password of a URL this process uses, to mask it wherever it turns up."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return
    if password:
        with _lock:
            for form in {password, unquote(password)}:
                if len(form) >= _MIN_REMEMBERED:
                    _remembered.add(form)


def remember_secret(secret: str) -> None:
    """Note a secret this process uses that is no URL's password (an encrypted database's
    passphrase), to mask it wherever it turns up."""
    if len(secret) >= _MIN_REMEMBERED:
        with _lock:
            _remembered.add(secret)


def scrub(text: str, *, remembered: bool = True) -> str:
    """`text` with every password masked. `remembered=False` masks only passwords in their
    place (URLs, password=): for records that must keep every other word as it was."""
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    text = _PAIR_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    if remembered:
        for secret in sorted(_remembered, key=len, reverse=True):
            text = text.replace(secret, MASK)
    return text


def mask_url(url: str) -> str:
    """A database URL fit to show: `postgresql://night:***@db/beds`."""
    return scrub(url)


def error_line(exc: BaseException) -> str:
    """One line for an unexpected error, scrubbed: the first line of its text, or its type."""
    lines = str(exc).strip().splitlines()
    return scrub(lines[0] if lines else type(exc).__name__)


def install_log_scrubber() -> None:
    """Scrub every log record as it is made, its traceback included: handlers added later
    (a test's, a library's) then never see a password."""
    current = logging.getLogRecordFactory()
    if getattr(current, "bedboard_scrubs", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = current(*args, **kwargs)
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return record

    factory.bedboard_scrubs = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
