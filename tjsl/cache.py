"""A Redis cache that degrades to 'no cache' when Redis is unreachable.

The cache only ever speeds things up: if Redis stops, pages and writes carry on
(computing what they would have read) and a warning is logged once per call.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


def _tolerant(method_name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), method_name)(*args, **kwargs)
        except UNAVAILABLE as error:
            logger.warning("Cache unavailable (%s); carrying on without it.", type(error).__name__)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", {})
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", [])
    add = _tolerant("add", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    touch = _tolerant("touch", False)
    has_key = _tolerant("has_key", False)
    clear = _tolerant("clear", None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE:
            logger.warning("Cache unavailable; counter %s not incremented.", key)
            return 0

    def get_or_set(self, key, default, timeout=None, version=None):
        try:
            return super().get_or_set(key, default, timeout, version)
        except UNAVAILABLE:
            logger.warning("Cache unavailable; computing %s without it.", key)
            return default() if callable(default) else default
