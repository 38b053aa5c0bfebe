"""Our VAPID key pair (RFC 8292): the private key signs every push request, the public one
is what a browser subscribes with (`applicationServerKey`). Both come from the environment
(VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY); `make run` writes a development pair to
var/vapid.json (manage.py vapid_keys) when there is none."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_pair_new() -> dict[str, str]:
    """A new pair as web push tools write it: the private key's 32 bytes and the public
    key's uncompressed point (65 bytes), each base64url without padding."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"private_key": _b64url(private), "public_key": _b64url(public)}


def vapid_pair_from_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {"private_key": data.get("private_key", ""), "public_key": data.get("public_key", "")}
