"""A push service on loopback that does what Mozilla's autopush and Google's FCM do with our
requests, so the tests read what a phone would get.

It checks the VAPID header as RFC 8292 section 2-3 has it (`Authorization: vapid t=<JWT>,
k=<public key>`: an ES256 JWT whose `aud` is this service's origin, whose `exp` is in the
future and at most 24 hours away, with a `sub` that is a mailto: or https: URL, signed by the
key `k`, which must be the one the subscription was made with), reads `TTL` and `Urgency`
(RFC 8030 section 5.2-5.3), and decrypts the body with the subscription's private key and
auth secret (RFC 8291, `Content-Encoding: aes128gcm`) through http_ece, as a browser does. A
subscription is made as a browser's `pushManager.subscribe()` makes it: a P-256 key pair
and a 16-byte auth secret, its endpoint an address of this service.

Each subscription answers 201 unless told otherwise (`answer(sub, 410)`, or 429 with a
`Retry-After`), and every request is recorded, decrypted or refused."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece  # type: ignore[import-untyped]  # no types of its own
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscription:
    id: str
    endpoint: str
    application_server_key: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)


@dataclass
class Received:
    subscription_id: str
    status: int
    payload: dict[str, Any] | None
    ttl: int | None
    urgency: str | None
    claims: dict[str, Any] | None
    problem: str = ""


class PushService:
    def __init__(self) -> None:
        self.subscriptions: dict[str, Subscription] = {}
        self.received: list[Received] = []
        # Seconds each answer takes: a slow service, so that a worker killed mid-batch is
        # killed in the middle of a request.
        self.delay = 0.0
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                service._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def subscribe(self, application_server_key: str) -> Subscription:
        sub_id = b64url(os.urandom(12))
        subscription = Subscription(
            id=sub_id,
            endpoint=f"{self.origin}/push/{sub_id}",
            application_server_key=application_server_key,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
        )
        self.subscriptions[sub_id] = subscription
        return subscription

    def answer(self, subscription: Subscription, status: int, **headers: str) -> None:
        """The next request for `subscription` gets `status` (then 201 again)."""
        subscription.answers.append((status, headers))

    def delivered(self, subscription: Subscription | None = None) -> list[dict[str, Any]]:
        return [
            r.payload
            for r in self.received
            if r.status == 201
            and r.payload is not None
            and (subscription is None or r.subscription_id == subscription.id)
        ]

    # --- one request ---------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        sub_id = request.path.rsplit("/", 1)[-1]
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        subscription = self.subscriptions.get(sub_id)
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            if subscription is None:
                self._reply(request, Received(sub_id, 404, None, None, None, None, "unknown"))
                return
            try:
                claims = self._check_vapid(request.headers.get("Authorization", ""), subscription)
                if request.headers.get("Content-Encoding") != "aes128gcm":
                    raise ValueError("not aes128gcm")
                plain = http_ece.decrypt(
                    body,
                    private_key=subscription.private_key,
                    auth_secret=subscription.auth,
                    version="aes128gcm",
                )
                payload = json.loads(plain)
            except (ValueError, InvalidSignature, KeyError) as refused:
                self._reply(request, Received(sub_id, 400, None, None, None, None, str(refused)))
                return
            status, headers = subscription.answers.pop(0) if subscription.answers else (201, {})
            ttl = request.headers.get("TTL")
            received = Received(
                sub_id,
                status,
                payload,
                int(ttl) if ttl is not None else None,
                request.headers.get("Urgency"),
                claims,
            )
            self._reply(request, received, headers)

    def _reply(
        self,
        request: BaseHTTPRequestHandler,
        received: Received,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.received.append(received)
        request.send_response(received.status)
        for name, value in (headers or {}).items():
            request.send_header(name.replace("_", "-"), value)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _check_vapid(self, header: str, subscription: Subscription) -> dict[str, Any]:
        scheme, _, params = header.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError("no vapid authorization")
        parts = dict(part.strip().split("=", 1) for part in params.split(","))
        token, key = parts["t"], parts["k"]
        if key != subscription.application_server_key:
            raise ValueError("signed with another key than the subscription's")
        head_b64, claims_b64, signature_b64 = token.split(".")
        head = json.loads(unb64url(head_b64))
        if head.get("alg") != "ES256":
            raise ValueError("not ES256")
        raw = unb64url(signature_b64)
        if len(raw) != 64:
            raise ValueError("not a JWS ES256 signature")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        public.verify(
            encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
            f"{head_b64}.{claims_b64}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
        claims = json.loads(unb64url(claims_b64))
        now = time.time()
        if claims.get("aud") != self.origin:
            raise ValueError("aud is not this service's origin")
        if not now < claims.get("exp", 0) <= now + 24 * 3600:
            raise ValueError("exp not within 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("sub is not a mailto: or https: URL")
        return claims
