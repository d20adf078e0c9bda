"""How a delivery is signed, and how a receiver checks it (docs/api.md has the same in prose).

Each request carries `Webhook-Id` (the event's id: the same on every retry, so a receiver can
ignore repeats), `Webhook-Timestamp` (Unix seconds) and `Webhook-Signature: v1=<hex>`, the
HMAC-SHA256 of `"<timestamp>.<body>"` under the subscription's secret. A receiver recomputes
it over the raw body, compares in constant time and refuses timestamps older than 5 minutes.
"""

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def signed_headers(secret: str, event_id: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": "TJSL-Webhooks/1",
        "Webhook-Id": event_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret, timestamp, body),
    }


def verify(secret: str, headers, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does (the docs show this function): True for a genuine, fresh request."""
    try:
        timestamp = int(headers["Webhook-Timestamp"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), headers.get("Webhook-Signature", ""))
