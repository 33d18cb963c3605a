"""Settings: database, actor, rollover hour, currency, language and our organisation (for
the invoice basis), from flags, then the environment (BEDBOARD_*), then `<user config dir>/
bedboard/config.toml`, then defaults."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from bedboard.errors import BadInput
from bedboard.i18n import _

# The tags an inventory may use unless config.toml says otherwise (see services.beds.inventory).
DEFAULT_UNIT_TAGS = ("accessible", "children_ok", "women_only", "language_*")

LANGUAGES = ("en", "sv")
DEFAULT_ROLLOVER_HOUR = 12
DEFAULT_CURRENCY = "SEK"
DEFAULT_GUEST_CODE_PREFIX = "G-"
DEFAULT_LOCK_MINUTES = 10
MAX_USER_LENGTH = 100  # the audit log's actor column


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("bedboard", appauthor=False)) / "bedboard.sqlite3"


def export_folder() -> Path:
    """Where the board suggests writing an export: the user's documents folder (platformdirs),
    not the current folder, which under `make run` is the source checkout. The home folder when
    there is no documents folder."""
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def config_file() -> Path:
    return Path(platformdirs.user_config_dir("bedboard", appauthor=False)) / "config.toml"


@dataclass(frozen=True)
class Settings:
    db: str
    user: str
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    currency: str = DEFAULT_CURRENCY
    guest_code_prefix: str = DEFAULT_GUEST_CODE_PREFIX
    organisation_name: str = ""
    organisation_number: str = ""
    organisation_address: str = ""  # lines separated by newlines (or ", " typed in one line)
    unit_tags: tuple[str, ...] = DEFAULT_UNIT_TAGS  # the tags an inventory may use
    language: str | None = None  # "sv" or "en"; None: from the locale (bedboard.i18n)
    lock_minutes: int = DEFAULT_LOCK_MINUTES  # the board locks after this long idle
    # The SQLCipher passphrase of an encrypted SQLite file; never shown (repr=False).
    db_key: str | None = field(default=None, repr=False)


ORGANISATION_FIELDS = ("organisation_name", "organisation_number", "organisation_address")
MAX_ORGANISATION_FIELD = 500


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import tomllib  # only when there is a settings file: every command starts by looking

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(
            _("the settings file {path} is not valid TOML: {exc}").format(path=path, exc=exc)
        ) from exc


def _organisation_field(field: str, toml: dict[str, Any]) -> str:
    value = os.environ.get(f"BEDBOARD_{field.upper()}") or toml.get(field) or ""
    value = str(value).strip()
    printable = all(ch.isprintable() or ch == "\n" for ch in value)
    if len(value) > MAX_ORGANISATION_FIELD or not printable:
        raise BadInput(
            _(
                "the setting {field} must be at most {MAX_ORGANISATION_FIELD} printable characters"
            ).format(field=field, MAX_ORGANISATION_FIELD=MAX_ORGANISATION_FIELD)
        )
    return value


def configured_language() -> str | None:
    """The config file's `language` ("sv" or "en"), or None; never fails, so the language of an
    error about the settings file itself can still be chosen (load_settings reports it)."""
    try:
        value = _read_toml(config_file()).get("language")
    except BadInput:
        return None
    if isinstance(value, str) and value[:2].lower() in LANGUAGES:
        return value[:2].lower()
    return None


def _language(toml: dict[str, Any]) -> str | None:
    wanted = os.environ.get("BEDBOARD_LANG") or toml.get("language")
    if wanted is None or wanted == "":
        return None
    if not isinstance(wanted, str) or wanted[:2].lower() not in LANGUAGES:
        raise BadInput(_("the language must be sv or en, not {wanted!r}").format(wanted=wanted))
    return wanted[:2].lower()


def load_settings(db: str | None = None, user: str | None = None) -> Settings:
    toml = _read_toml(config_file())
    hour_text = os.environ.get("BEDBOARD_ROLLOVER_HOUR") or toml.get("rollover_hour")
    try:
        hour = int(hour_text) if hour_text is not None else DEFAULT_ROLLOVER_HOUR
    except ValueError:
        hour = -1
    if not 0 <= hour <= 23:
        raise BadInput(
            _("the rollover hour must be a whole hour from 0 to 23, not {hour_text!r}").format(
                hour_text=hour_text
            )
        )
    currency = os.environ.get("BEDBOARD_CURRENCY") or toml.get("currency") or DEFAULT_CURRENCY
    if len(currency) != 3 or not currency.isalpha():
        raise BadInput(
            _("the currency must be a three-letter code like SEK, not {currency!r}").format(
                currency=currency
            )
        )
    lock_text = os.environ.get("BEDBOARD_LOCK_MINUTES") or toml.get("lock_minutes")
    try:
        lock_minutes = int(lock_text) if lock_text is not None else DEFAULT_LOCK_MINUTES
    except ValueError:
        lock_minutes = 0
    if not 1 <= lock_minutes <= 1440:
        raise BadInput(
            _(
                "the board's lock time must be whole minutes from 1 to 1440, not {lock_text!r}"
            ).format(lock_text=lock_text)
        )
    actor = str(user or os.environ.get("BEDBOARD_USER") or toml.get("user") or _login_name())
    actor = actor.strip()
    if not actor or len(actor) > MAX_USER_LENGTH or not actor.isprintable():
        raise BadInput(
            _("the user name must be 1 to {MAX_USER_LENGTH} printable characters").format(
                MAX_USER_LENGTH=MAX_USER_LENGTH
            )
        )
    prefix = str(
        os.environ.get("BEDBOARD_GUEST_CODE_PREFIX")
        or toml.get("guest_code_prefix")
        or DEFAULT_GUEST_CODE_PREFIX
    ).strip()
    if len(prefix) > 20 or not prefix.isprintable():
        raise BadInput(_("the guest code prefix must be at most 20 printable characters"))
    organisation = {field: _organisation_field(field, toml) for field in ORGANISATION_FIELDS}
    return Settings(
        **organisation,
        db=db or os.environ.get("BEDBOARD_DB") or toml.get("db") or str(default_db_path()),
        user=actor,
        rollover_hour=hour,
        currency=currency.upper(),
        guest_code_prefix=prefix or DEFAULT_GUEST_CODE_PREFIX,
        unit_tags=_unit_tags(toml.get("unit_tags")),
        language=_language(toml),
        lock_minutes=lock_minutes,
        db_key=os.environ.get("BEDBOARD_DB_KEY") or None,
    )


def _unit_tags(value: Any) -> tuple[str, ...]:
    """`unit_tags = ["women_only", "pets_ok", "language_*"]` in config.toml replaces the list."""
    if value is None:
        return DEFAULT_UNIT_TAGS
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise BadInput(
            _('unit_tags in {path} must be a list of tags, like ["women_only", "pets_ok"]').format(
                path=config_file()
            )
        )
    return tuple(t.strip() for t in value)
