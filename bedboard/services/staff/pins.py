"""PINs are kept only as salted scrypt hashes (standard library), never as typed. scrypt is
slow on purpose, which with the stored backoff (see signin) makes guessing a short PIN slow."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bedboard.errors import BadInput
from bedboard.i18n import _

# n=2**14, r=8, p=1: about 16 MiB and a few tens of milliseconds per try.
_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 4
MAX_LENGTH = 64


def check_new_pin(pin: str) -> str:
    pin = pin.strip()
    if not MIN_LENGTH <= len(pin) <= MAX_LENGTH or not pin.isprintable():
        raise BadInput(
            _("a PIN must be {low} to {high} printable characters").format(
                low=MIN_LENGTH, high=MAX_LENGTH
            )
        )
    return pin


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        again = hashlib.scrypt(
            pin.strip().encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(again.hex(), digest)
