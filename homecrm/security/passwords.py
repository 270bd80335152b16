"""Password hashing with argon2id (argon2-cffi defaults) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from homecrm.errors import ValidationError
from homecrm.i18n import _

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
MIN_LENGTH = 10
# A hash of a random password, verified when the e-mail is unknown so timing does not tell.
_DUMMY_HASH = _hasher.hash("no-such-user-password")


def check_policy(password: str, *, email: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            _("The password must have at least {n} characters.").format(n=MIN_LENGTH), field="password"
        )
    if len({ch for ch in password if not ch.isspace()}) < 3:
        # ten spaces, "aaaaaaaaaa", "ababababab": long enough, guessed at once
        raise ValidationError(_("The password needs at least three different characters (spaces do not count)."),
                              field="password")
    if email and password.lower() == email.lower():
        raise ValidationError(_("The password cannot be the e-mail address."), field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
