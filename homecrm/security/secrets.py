"""Secrets at rest: Fernet encryption of settings such as SMTP passwords and API keys.

The key ring comes from ``HOMECRM_SECRET_KEY`` (comma-separated Fernet keys, first is current)
or, by default, from ``<data dir>/secret.key``, created with mode 0600 on first use (one key per
line). Back that file up with the database: without it the stored secrets cannot be read.
Rotation adds a new key first, re-encrypts every secret, then drops the old keys, so an
interruption never leaves a secret unreadable.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from homecrm.config import load_config
from homecrm.errors import HomecrmError
from homecrm.i18n import _

ENV_KEY = "HOMECRM_SECRET_KEY"


class SecretKeyError(HomecrmError):
    """The key ring is missing, unreadable, or cannot decrypt a stored secret."""


def key_file() -> Path:
    return load_config().data_dir / "secret.key"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def load_keys(*, create: bool = True) -> list[bytes]:
    """Current key first. Creates the key file (0600) on first use unless the env provides keys."""
    env = os.environ.get(ENV_KEY, "").strip()
    if env:
        return [k.strip().encode() for k in env.split(",") if k.strip()]
    path = key_file()
    if not path.exists():
        if not create:
            raise SecretKeyError(_("No secret key: {path} is missing.").format(path=path))
        _write_private(path, Fernet.generate_key().decode() + "\n")
    keys = [line.strip().encode() for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise SecretKeyError(_("The secret key file {path} is empty.").format(path=path))
    return keys


def _fernet(keys: list[bytes] | None = None) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in (keys or load_keys())])
    except ValueError as exc:
        raise SecretKeyError(_("The secret key is not a valid Fernet key.")) from exc


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretKeyError(
            _("A stored secret cannot be decrypted with the current key (was the key file replaced?).")
        ) from None


def rotate_keys(reencrypt) -> str:
    """Make a new key current and re-encrypt through ``reencrypt(rotate_fn)``; returns the new key.

    With keys from the environment, the new key ring is returned for the operator to set.
    """
    old = load_keys()
    new = Fernet.generate_key()
    ring = [new, *old]
    from_env = bool(os.environ.get(ENV_KEY, "").strip())
    if not from_env:
        _write_private(key_file(), "\n".join(k.decode() for k in ring) + "\n")
    fernet = MultiFernet([Fernet(k) for k in ring])
    reencrypt(lambda token: fernet.rotate(token.encode("ascii")).decode("ascii"))
    if not from_env:
        _write_private(key_file(), new.decode() + "\n")
    return new.decode()
