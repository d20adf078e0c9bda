"""The cache is optional: with Redis unreachable, reads miss and writes are skipped."""

import pytest

from conftest import requires_redis
from tjsl.cache import ResilientRedisCache


@pytest.fixture
def dead_cache():
    return ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})


def test_unreachable_redis_reads_as_a_miss(dead_cache):
    assert dead_cache.get("figures", "fallback") == "fallback"
    assert dead_cache.get_many(["a", "b"]) == {}


def test_unreachable_redis_skips_writes_without_raising(dead_cache):
    dead_cache.set("figures", 1)
    dead_cache.delete("figures")
    assert dead_cache.incr("version") == 0


def test_get_or_set_computes_when_redis_is_down(dead_cache):
    assert dead_cache.get_or_set("figures", lambda: 42) == 42


@requires_redis
def test_live_redis_still_caches():
    import os

    cache = ResilientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "tjsl-test-cache"})
    cache.set("figures", {"total": 200_000_000})
    assert cache.get("figures") == {"total": 200_000_000}
    cache.delete("figures")
