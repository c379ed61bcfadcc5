#!/usr/bin/env python3
"""Checks that redis-py, configured for one standalone server, works against a whole Redis Cluster through Slotgate.

Usage: check_slotgate.py [HOST [PORT]]  (defaults: $SLOTGATE_HOST or 127.0.0.1, $SLOTGATE_PORT or 7000)

Every section is a function in SECTIONS; each runs even when an earlier one failed, so one run reports every mismatch.
Exit code 0 only when every section passed. Keys start with "py:" so several clients can share one cluster.
"""

import hashlib
import os
import sys
import threading
import time
import traceback

import redis

PREFIX = "py:"
# MULTI_KEY_COUNT keys named py:m:0 .. py:m:39 land on every shard of a 3-primary cluster; the xunit test asserts that.
MULTI_KEY_COUNT = 40
PIPELINE_ROUNDS = 60  # 4 commands per round: 240 commands in one pipeline
CROSSSLOT_ERROR = "CROSSSLOT Keys in request don't hash to the same slot"
# redis-py strips the EXECABORT code from the message and raises ExecAbortError.
EXECABORT_MESSAGE = "Transaction discarded because of previous errors."
# TX_CROSS_KEY hashes to another slot than the {py:tx} keys; the xunit test asserts that.
TX_CROSS_KEY = PREFIX + "tx:cross"
PROMPT_LIMIT = 1.0  # seconds a command may take while another connection is blocked (generous: CI machines are loaded; a command queued behind the BLPOP would never answer before the release)
BLOCK_DELAY = 0.3  # seconds the other connection waits before it releases a blocked command
PUBSUB_MESSAGES = 12  # messages published to each channel
PUBSUB_WAIT = 5  # seconds the subscriber waits for every message
CHANNELS = [PREFIX + "ps:news", PREFIX + "ps:sport"]
PATTERN = PREFIX + "ps:evt:*"
PATTERN_CHANNELS = [PREFIX + "ps:evt:a", PREFIX + "ps:evt:b"]
# Slotgate puts each subscriber on some primary; with several, some are most likely on different primaries.
EXTRA_PATTERN_SUBSCRIBERS = 3
# The shard channels' slots belong to three different primaries; the xunit test asserts that.
SHARD_CHANNELS = ["{py:sh:a}:chan", "{py:sh:b}:chan", "{py:sh:c}:chan"]
# Keys {py:lua:0}:... .. {py:lua:5}:... land on every primary; the xunit test asserts that.
SCRIPT_TAGS = [f"{{{PREFIX}lua:{i}}}" for i in range(6)]
SET_AND_GET = "redis.call('SET', KEYS[1], ARGV[1]) return {KEYS[1], redis.call('GET', KEYS[1])}"
PUSH_TWO = "redis.call('RPUSH', KEYS[1], ARGV[1]) redis.call('RPUSH', KEYS[2], ARGV[2]) " \
           "return redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2])"
NO_KEYS = "return {ARGV[1], 42, 'lua'}"
INCR_BY = "return redis.call('INCRBY', KEYS[1], ARGV[1])"
LIBRARY_NAME = "pylib"
LIBRARY = f"""#!lua name={LIBRARY_NAME}
redis.register_function('py_swap', function(keys, args)
  local old = redis.call('GET', keys[1])
  redis.call('SET', keys[1], args[1])
  return old or ''
end)
"""

# Keys this run created and did not delete; the last section checks them with EXISTS and DBSIZE.
live_keys = set()


class Mismatch(Exception):
    pass


def expect(actual, expected, what):
    if actual != expected:
        raise Mismatch(f"{what}: expected {expected!r}, got {actual!r}")


def expect_true(condition, what):
    if not condition:
        raise Mismatch(what)


def expect_error(call, message, what):
    try:
        reply = call()
    except redis.ResponseError as error:
        expect(str(error), message, what)
        return
    raise Mismatch(f"{what}: expected error {message!r}, got reply {reply!r}")


def fresh(r, *names):
    """Deletes leftovers of an earlier run and returns the prefixed key names."""
    keys = [PREFIX + name for name in names]
    r.delete(*keys)
    live_keys.difference_update(keys)
    return keys


def tagged(r, tag, *names):
    """Like fresh, for keys on one hashtag: {py:tag}:name."""
    keys = [f"{{{PREFIX}{tag}}}:{name}" for name in names]
    r.delete(*keys)
    live_keys.difference_update(keys)
    return keys


def second_client(r):
    """A client with one connection of its own, so it never shares a socket with r."""
    settings = r.connection_pool.connection_kwargs
    return redis.Redis(host=settings["host"], port=settings["port"], decode_responses=True, socket_timeout=10,
                       socket_connect_timeout=10, single_connection_client=True)


def timed(call):
    started = time.monotonic()
    reply = call()
    return reply, time.monotonic() - started


class Background:
    """Runs a (blocking) call on a thread; join() returns its reply and how long it took; answered_at is when the
    reply arrived, on time.monotonic()'s clock."""

    def __init__(self, call):
        self.reply, self.error, self.elapsed, self.answered_at = None, None, None, None
        self.thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self.thread.start()

    def _run(self, call):
        started = time.monotonic()
        try:
            self.reply = call()
        except Exception as error:  # reported by join()
            self.error = error
        self.answered_at = time.monotonic()
        self.elapsed = self.answered_at - started

    def join(self, what, timeout=10):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise Mismatch(f"{what}: still blocked after {timeout} s")
        if self.error is not None:
            raise Mismatch(f"{what}: raised {self.error!r}")
        return self.reply, self.elapsed


def section_connection(r):
    expect(r.ping(), True, "PING")
    expect(r.echo("hello slotgate"), "hello slotgate", "ECHO")
    expect(r.execute_command("SELECT", 0), True, "SELECT 0")
    expect(r.client_setname("py-check"), True, "CLIENT SETNAME")
    expect(r.client_getname(), "py-check", "CLIENT GETNAME")
    info = r.info()
    expect(info.get("redis_mode"), "standalone", "INFO redis_mode")


def section_strings(r):
    text, counter, appended, binary = fresh(r, "str:text", "str:counter", "str:append", "str:binary")
    expect(r.set(text, "héllo wörld"), True, "SET")
    expect(r.get(text), "héllo wörld", "GET")
    expect(r.get(PREFIX + "str:missing"), None, "GET missing key")
    expect(r.strlen(text), len("héllo wörld".encode()), "STRLEN counts bytes")
    expect(r.set(text, "other", nx=True), None, "SET NX on an existing key")
    expect(r.incr(counter), 1, "INCR")
    expect(r.incrby(counter, 41), 42, "INCRBY")
    expect(r.decr(counter), 41, "DECR")
    expect(r.incrbyfloat(counter, 0.5), 41.5, "INCRBYFLOAT")
    expect(r.append(appended, "hello"), 5, "APPEND to a new key")
    expect(r.append(appended, " world"), 11, "APPEND")
    expect(r.getrange(appended, 6, -1), "world", "GETRANGE")
    expect(r.setrange(appended, 0, "HELLO"), 11, "SETRANGE")
    expect(r.get(appended), "HELLO world", "GET after SETRANGE")
    blob = bytes(range(256)) + b"\r\n$-1\r\n*3\r\n"
    settings = r.connection_pool.connection_kwargs
    raw = redis.Redis(host=settings["host"], port=settings["port"], socket_timeout=10)  # replies as bytes
    expect(raw.set(binary, blob), True, "SET binary value with CRLF and RESP bytes")
    expect(raw.get(binary), blob, "GET binary value")
    raw.close()
    live_keys.update([text, counter, appended, binary])


def section_expiry(r):
    ttl_key, short = fresh(r, "exp:ttl", "exp:short")
    expect(r.set(ttl_key, "x", ex=100), True, "SET EX")
    ttl = r.ttl(ttl_key)
    expect_true(90 <= ttl <= 100, f"TTL after SET EX 100: expected 90..100, got {ttl}")
    pttl = r.pttl(ttl_key)
    expect_true(90_000 <= pttl <= 100_000, f"PTTL after SET EX 100: expected 90000..100000, got {pttl}")
    expect(r.persist(ttl_key), True, "PERSIST")
    expect(r.ttl(ttl_key), -1, "TTL after PERSIST")
    expect(r.persist(ttl_key), False, "PERSIST on a key without expiry")
    expect(r.expire(ttl_key, 50), True, "EXPIRE")
    expect_true(40 <= r.ttl(ttl_key) <= 50, "TTL after EXPIRE 50")
    expect(r.ttl(PREFIX + "exp:missing"), -2, "TTL of a missing key")
    expect(r.set(short, "x", px=50), True, "SET PX 50")
    time.sleep(0.2)
    expect(r.exists(short), 0, "EXISTS after the key expired")
    expect(r.get(short), None, "GET after the key expired")
    live_keys.add(ttl_key)


def section_hashes(r):
    (h,) = fresh(r, "hash")
    expect(r.hset(h, mapping={"a": "1", "b": "2", "c": "3"}), 3, "HSET three fields")
    expect(r.hget(h, "b"), "2", "HGET")
    expect(r.hmget(h, ["a", "missing", "c"]), ["1", None, "3"], "HMGET")
    expect(r.hincrby(h, "a", 10), 11, "HINCRBY")
    expect(r.hgetall(h), {"a": "11", "b": "2", "c": "3"}, "HGETALL")
    expect(r.hexists(h, "c"), True, "HEXISTS")
    expect(r.hdel(h, "c", "missing"), 1, "HDEL")
    expect(r.hlen(h), 2, "HLEN")
    expect(sorted(r.hkeys(h)), ["a", "b"], "HKEYS")
    live_keys.add(h)


def section_lists(r):
    (lst,) = fresh(r, "list")
    expect(r.rpush(lst, "b", "c", "d"), 3, "RPUSH")
    expect(r.lpush(lst, "a"), 4, "LPUSH")
    expect(r.lrange(lst, 0, -1), ["a", "b", "c", "d"], "LRANGE")
    expect(r.lindex(lst, 2), "c", "LINDEX")
    expect(r.lpop(lst), "a", "LPOP")
    expect(r.rpop(lst), "d", "RPOP")
    expect(r.llen(lst), 2, "LLEN")
    expect(r.lrange(lst, 0, -1), ["b", "c"], "LRANGE after pops")
    live_keys.add(lst)


def section_sets(r):
    (s,) = fresh(r, "set")
    expect(r.sadd(s, "p", "q", "r"), 3, "SADD")
    expect(r.sadd(s, "q"), 0, "SADD an existing member")
    expect(r.sismember(s, "q"), True, "SISMEMBER")
    expect(r.sismember(s, "z"), False, "SISMEMBER missing member")
    expect(r.smembers(s), {"p", "q", "r"}, "SMEMBERS")
    expect(r.srem(s, "p"), 1, "SREM")
    expect(r.scard(s), 2, "SCARD")
    live_keys.add(s)


def section_sorted_sets(r):
    (z,) = fresh(r, "zset")
    expect(r.zadd(z, {"low": 1, "mid": 5, "high": 10}), 3, "ZADD")
    expect(r.zrange(z, 0, -1), ["low", "mid", "high"], "ZRANGE")
    expect(r.zrange(z, 0, -1, withscores=True), [("low", 1.0), ("mid", 5.0), ("high", 10.0)], "ZRANGE WITHSCORES")
    expect(r.zscore(z, "mid"), 5.0, "ZSCORE")
    expect(r.zincrby(z, 20, "low"), 21.0, "ZINCRBY")
    expect(r.zrank(z, "low"), 2, "ZRANK after ZINCRBY")
    expect(r.zrangebyscore(z, 4, 11), ["mid", "high"], "ZRANGEBYSCORE")
    expect(r.zcard(z), 3, "ZCARD")
    live_keys.add(z)


def section_hyperloglog(r):
    a, b, merged = fresh(r, "{hll}:a", "{hll}:b", "{hll}:merged")
    expect(r.pfadd(a, "x", "y", "z"), 1, "PFADD")
    expect(r.pfadd(a, "x"), 0, "PFADD an existing element")
    expect(r.pfcount(a), 3, "PFCOUNT")
    expect(r.pfadd(b, "z", "w"), 1, "PFADD second")
    expect(r.pfmerge(merged, a, b), True, "PFMERGE with one hashtag")
    expect(r.pfcount(merged), 4, "PFCOUNT after PFMERGE")
    live_keys.update([a, b, merged])


def section_streams(r):
    (stream,) = fresh(r, "stream")
    first = r.xadd(stream, {"field": "one"})
    second = r.xadd(stream, {"field": "two"})
    expect(r.xlen(stream), 2, "XLEN")
    expect(r.xrange(stream), [(first, {"field": "one"}), (second, {"field": "two"})], "XRANGE")
    expect(r.xgroup_create(stream, "group", id="0"), True, "XGROUP CREATE")
    read = r.xreadgroup("group", "consumer", {stream: ">"}, count=10)
    expect(read, [[stream, [(first, {"field": "one"}), (second, {"field": "two"})]]], "XREADGROUP without BLOCK")
    expect(r.xpending(stream, "group")["pending"], 2, "XPENDING before XACK")
    expect(r.xack(stream, "group", first, second), 2, "XACK")
    expect(r.xpending(stream, "group")["pending"], 0, "XPENDING after XACK")
    live_keys.add(stream)


def section_multi_key(r):
    keys = fresh(r, *[f"m:{i}" for i in range(MULTI_KEY_COUNT)])
    missing = PREFIX + "m:missing"
    expect(r.mset({key: f"value {i}" for i, key in enumerate(keys)}), True, "MSET across shards")
    expect(r.mget(keys), [f"value {i}" for i in range(MULTI_KEY_COUNT)], "MGET across shards, in order")
    with_gap = keys[:10] + [missing] + keys[10:]
    expect(r.mget(with_gap), [f"value {i}" for i in range(10)] + [None] + [f"value {i}" for i in range(10, MULTI_KEY_COUNT)],
           "MGET with a missing key in the middle")
    expect(r.exists(*keys, missing), MULTI_KEY_COUNT, "EXISTS across shards")
    expect(r.delete(*keys[:20], missing), 20, "DEL across shards")
    expect(r.mget(keys[:20]), [None] * 20, "MGET of deleted keys")
    expect(r.exists(*keys), MULTI_KEY_COUNT - 20, "EXISTS after DEL")
    live_keys.update(keys[20:])


def section_pipeline(r):
    counter = PREFIX + "pipe:counter"
    keys = fresh(r, *[f"pipe:{i}" for i in range(PIPELINE_ROUNDS)], "pipe:counter")[:-1]
    pipe = r.pipeline(transaction=False)
    for i, key in enumerate(keys):
        pipe.set(key, f"v{i}")
        pipe.incr(counter)
        pipe.get(key)
        pipe.append(key, "!")
    replies = pipe.execute()
    expect(len(replies), 4 * PIPELINE_ROUNDS, "number of pipeline replies")
    for i, key in enumerate(keys):
        expect(replies[4 * i: 4 * i + 4], [True, i + 1, f"v{i}", len(f"v{i}!")], f"pipeline replies of round {i}")
    expect(r.mget(keys), [f"v{i}!" for i in range(PIPELINE_ROUNDS)], "values written by the pipeline")
    live_keys.update(keys + [counter])


def section_hashtag_and_crossslot(r):
    a, b, dst = fresh(r, "{t}:a", "{t}:b", "{t}:dst")
    r.sadd(a, "1", "2")
    r.sadd(b, "2", "3")
    expect(r.sunionstore(dst, a, b), 3, "SUNIONSTORE within one hashtag")
    expect(r.smembers(dst), {"1", "2", "3"}, "SMEMBERS of the union")
    live_keys.update([a, b, dst])
    # py:cross:dst, py:cross:a and py:cross:b hash to slots 14175, 13935 and 1548.
    cross = fresh(r, "cross:dst", "cross:a", "cross:b")
    expect_error(lambda: r.sunionstore(*cross), CROSSSLOT_ERROR, "SUNIONSTORE across slots")


def section_transactions(r):
    a, b, c, watched = tagged(r, "tx", "a", "b", "c", "watched")
    r.delete(TX_CROSS_KEY)
    # redis-py's default pipeline is a transaction: MULTI, the commands and EXEC in one round trip.
    pipe = r.pipeline()
    pipe.set(a, "1").incr(a).rpush(b, "x", "y").get(a).lrange(b, 0, -1).hset(c, "f", "v").hgetall(c)
    expect(pipe.execute(), [True, 2, 2, "2", ["x", "y"], 1, {"f": "v"}], "MULTI/EXEC replies, in order")

    raw = second_client(r)
    try:
        expect(raw.execute_command("MULTI"), "OK", "MULTI")
        expect(raw.execute_command("APPEND", a, "discarded"), "QUEUED", "APPEND inside MULTI")
        expect(raw.execute_command("RPOP", b), "QUEUED", "RPOP inside MULTI")
        expect(raw.execute_command("DISCARD"), "OK", "DISCARD")
        expect(r.get(a), "2", "value after DISCARD")
        expect(r.lrange(b, 0, -1), ["x", "y"], "list after DISCARD")

        # WATCH: another connection changes the watched key between WATCH and EXEC, so EXEC answers nil.
        r.set(watched, "10")
        with r.pipeline() as tx:
            tx.watch(watched)
            current = int(tx.get(watched))
            expect(raw.set(watched, "changed"), True, "SET of the watched key from another connection")
            tx.multi()
            tx.set(watched, str(current + 1))
            try:
                replies = tx.execute()
                raise Mismatch(f"EXEC after the watched key changed: expected WatchError, got {replies!r}")
            except redis.WatchError:
                pass
        expect(r.get(watched), "changed", "watched key after the aborted EXEC")
        with r.pipeline() as tx:
            tx.watch(watched)
            current = tx.get(watched)
            tx.multi()
            tx.set(watched, current + "+1")
            tx.get(watched)
            expect(tx.execute(), [True, "changed+1"], "WATCH/MULTI/EXEC without interference")

        # Keys in two slots: the second command is refused when queued and EXEC aborts the whole transaction.
        pipe = r.pipeline()
        pipe.set(a, "cross").set(TX_CROSS_KEY, "cross")
        try:
            replies = pipe.execute()
            raise Mismatch(f"transaction across slots: expected CROSSSLOT, got {replies!r}")
        except redis.ResponseError as error:  # redis-py raises the first queued error, annotated
            expect_true(str(error).endswith(CROSSSLOT_ERROR), f"transaction across slots: got {str(error)!r}")
        expect(raw.execute_command("MULTI"), "OK", "MULTI before keys in two slots")
        expect(raw.execute_command("APPEND", a, "cross"), "QUEUED", "APPEND inside MULTI")
        expect_error(lambda: raw.execute_command("APPEND", TX_CROSS_KEY, "cross"), CROSSSLOT_ERROR,
                     "APPEND to a key in another slot inside MULTI")
        try:
            reply = raw.execute_command("EXEC")
            raise Mismatch(f"EXEC after CROSSSLOT: expected EXECABORT, got {reply!r}")
        except redis.exceptions.ExecAbortError as error:
            expect(str(error), EXECABORT_MESSAGE, "EXEC after CROSSSLOT")
        expect(r.get(a), "2", "value after the aborted transaction")
        expect(r.exists(TX_CROSS_KEY), 0, "key in the other slot after the aborted transaction")
    finally:
        raw.close()
    live_keys.update([a, b, c, watched])


def section_blocking(r):
    empty, q, other, src, dst, stream = tagged(r, "blk", "empty", "q", "other", "src", "dst", "stream")
    blocker = second_client(r)
    try:
        reply, elapsed = timed(lambda: blocker.blpop([empty], timeout=1))
        expect(reply, None, "BLPOP with timeout 1 on an empty list")
        expect_true(0.9 <= elapsed <= 3, f"BLPOP with timeout 1 answered after {elapsed:.2f} s, expected about 1 s")

        # While blocker waits on {py:blk}:q, r's commands on the same hashtag answer at once.
        pop = Background(lambda: blocker.blpop([q], timeout=10))
        time.sleep(BLOCK_DELAY)
        for what, call, expected in [
            ("SET", lambda: r.set(other, "1"), True),
            ("INCR", lambda: r.incr(other), 2),
            ("GET", lambda: r.get(other), "2"),
            ("LLEN of the list BLPOP waits on", lambda: r.llen(q), 0),
            ("PING", lambda: r.ping(), True),
        ]:
            reply, elapsed = timed(call)
            expect(reply, expected, f"{what} while another connection is blocked")
            expect_true(elapsed < PROMPT_LIMIT, f"{what} while another connection is blocked on the same hashtag took "
                        f"{elapsed * 1000:.0f} ms, expected < {PROMPT_LIMIT * 1000:.0f} ms")
        # The thread's clock may start after the main thread began sleeping, so its duration says nothing about
        # the RPUSH; when its reply arrived does.
        push_sent_at = time.monotonic()
        expect(r.rpush(q, "hello"), 1, "RPUSH that releases BLPOP")
        reply, _ = pop.join("BLPOP released by RPUSH")
        expect(reply, (q, "hello"), "BLPOP released by RPUSH from another connection")
        expect_true(pop.answered_at >= push_sent_at,
                    f"BLPOP answered {(push_sent_at - pop.answered_at) * 1000:.0f} ms before the RPUSH was sent")

        move = Background(lambda: blocker.brpoplpush(src, dst, timeout=10))
        time.sleep(BLOCK_DELAY)
        expect(r.rpush(src, "first"), 1, "RPUSH that releases BRPOPLPUSH")
        expect(move.join("BRPOPLPUSH released by RPUSH")[0], "first", "BRPOPLPUSH released by RPUSH")
        move = Background(lambda: blocker.blmove(src, dst, 10, "LEFT", "LEFT"))
        time.sleep(BLOCK_DELAY)
        expect(r.rpush(src, "second"), 1, "RPUSH that releases BLMOVE")
        expect(move.join("BLMOVE released by RPUSH")[0], "second", "BLMOVE released by RPUSH")
        expect(r.lrange(dst, 0, -1), ["second", "first"], "destination list after BRPOPLPUSH and BLMOVE")
        expect(r.llen(src), 0, "source list after BRPOPLPUSH and BLMOVE")

        r.xadd(stream, {"field": "old"})
        read = Background(lambda: blocker.xread({stream: "$"}, block=10_000))
        time.sleep(BLOCK_DELAY)
        added = r.xadd(stream, {"field": "new"})
        reply, elapsed = read.join("XREAD BLOCK released by XADD")
        expect(reply, [[stream, [(added, {"field": "new"})]]], "XREAD BLOCK receives the entry XADD added")
    finally:
        blocker.close()
    live_keys.update([other, dst, stream])


def read_messages(subscriber, count, what):
    """Reads count pub/sub messages (subscribe confirmations included) within PUBSUB_WAIT seconds."""
    messages = []
    deadline = time.monotonic() + PUBSUB_WAIT
    while len(messages) < count and time.monotonic() < deadline:
        message = subscriber.get_message(timeout=max(0.0, deadline - time.monotonic()))
        if message is not None:
            messages.append(message)
    expect_true(len(messages) == count, f"{what}: expected {count} messages within {PUBSUB_WAIT} s, got {len(messages)}: "
                f"{messages!r}")
    return messages


def section_pubsub(r):
    numpat_before = r.pubsub_numpat()
    subscriber = r.pubsub()
    try:
        subscriber.subscribe(*CHANNELS)
        subscriber.psubscribe(PATTERN)
        expect(read_messages(subscriber, 3, "subscribe confirmations"), [
            {"type": "subscribe", "pattern": None, "channel": CHANNELS[0], "data": 1},
            {"type": "subscribe", "pattern": None, "channel": CHANNELS[1], "data": 2},
            {"type": "psubscribe", "pattern": None, "channel": PATTERN, "data": 3},
        ], "SUBSCRIBE and PSUBSCRIBE confirmations")

        expect(sorted(r.pubsub_channels(PREFIX + "ps:*")), CHANNELS, "PUBSUB CHANNELS while subscribed")
        missing = PREFIX + "ps:nobody"
        expect(r.pubsub_numsub(*CHANNELS, missing), [(CHANNELS[0], 1), (CHANNELS[1], 1), (missing, 0)],
               "PUBSUB NUMSUB while subscribed (summed over every node)")
        expect(r.pubsub_numpat(), numpat_before + 1, "PUBSUB NUMPAT while subscribed")
        # NUMPAT counts distinct patterns, as Redis does: more subscribers of the same pattern do not change it.
        others = [r.pubsub() for _ in range(EXTRA_PATTERN_SUBSCRIBERS)]
        try:
            for other in others:
                other.psubscribe(PATTERN)
                expect(read_messages(other, 1, "PSUBSCRIBE confirmation of another subscriber"),
                       [{"type": "psubscribe", "pattern": None, "channel": PATTERN, "data": 1}],
                       "PSUBSCRIBE confirmation of another subscriber")
            numpat_shared = r.pubsub_numpat()  # compared at the end, so a wrong count hides no other check
        finally:
            for other in others:
                other.close()

        # Interleaved publishes from one connection; each channel's messages must arrive in publish order.
        # (PUBLISH's own reply is not checked: a Redis Cluster node counts only the subscribers connected to it.)
        published = CHANNELS + PATTERN_CHANNELS
        for i in range(PUBSUB_MESSAGES):
            for channel in published:
                r.publish(channel, f"{channel} #{i}")
        received = {channel: [] for channel in published}
        for message in read_messages(subscriber, len(published) * PUBSUB_MESSAGES, "published messages"):
            expect_true(message["channel"] in received, f"message on an unexpected channel: {message!r}")
            received[message["channel"]].append(message)
        for channel in CHANNELS:
            expect(received[channel], [{"type": "message", "pattern": None, "channel": channel, "data": f"{channel} #{i}"}
                                       for i in range(PUBSUB_MESSAGES)], f"messages on {channel}, in publish order")
        for channel in PATTERN_CHANNELS:
            expect(received[channel], [{"type": "pmessage", "pattern": PATTERN, "channel": channel, "data": f"{channel} #{i}"}
                                       for i in range(PUBSUB_MESSAGES)], f"pattern messages on {channel}, in publish order")

        subscriber.unsubscribe(CHANNELS[0])
        subscriber.punsubscribe(PATTERN)
        subscriber.unsubscribe(CHANNELS[1])
        expect(read_messages(subscriber, 3, "unsubscribe confirmations"), [
            {"type": "unsubscribe", "pattern": None, "channel": CHANNELS[0], "data": 2},
            {"type": "punsubscribe", "pattern": None, "channel": PATTERN, "data": 1},
            {"type": "unsubscribe", "pattern": None, "channel": CHANNELS[1], "data": 0},
        ], "UNSUBSCRIBE and PUNSUBSCRIBE confirmations")
        expect(r.pubsub_channels(PREFIX + "ps:*"), [], "PUBSUB CHANNELS after UNSUBSCRIBE")
        expect(r.pubsub_numsub(*CHANNELS), [(CHANNELS[0], 0), (CHANNELS[1], 0)], "PUBSUB NUMSUB after UNSUBSCRIBE")
        expect(r.pubsub_numpat(), numpat_before, "PUBSUB NUMPAT after PUNSUBSCRIBE")
    finally:
        subscriber.close()

    # Sharded pub/sub: redis-py 4.3 has no ssubscribe(), so the subscriber is a redis-py Connection of its own that
    # sends SSUBSCRIBE (one per channel: their slots differ) and reads the replies with the library's parser.
    settings = r.connection_pool.connection_kwargs
    shard = redis.Connection(host=settings["host"], port=settings["port"], decode_responses=True, socket_timeout=PUBSUB_WAIT)
    try:
        # As from one Redis server, each confirmation counts all of this connection's shard channels. The counts are
        # compared after the messages, so a wrong count does not hide whether delivery works.
        confirmations = []
        for channel in SHARD_CHANNELS:
            shard.send_command("SSUBSCRIBE", channel)
            confirmations.append(shard.read_response())
        expect(r.execute_command("PUBSUB", "SHARDNUMSUB", *SHARD_CHANNELS),
               [item for channel in SHARD_CHANNELS for item in (channel, 1)], "PUBSUB SHARDNUMSUB while subscribed")
        for i in range(PUBSUB_MESSAGES):
            for channel in SHARD_CHANNELS:
                expect(r.execute_command("SPUBLISH", channel, f"{channel} #{i}"), 1, f"SPUBLISH to {channel}")
        received = {channel: [] for channel in SHARD_CHANNELS}
        for _ in range(len(SHARD_CHANNELS) * PUBSUB_MESSAGES):
            message = shard.read_response()
            expect_true(isinstance(message, list) and len(message) == 3 and message[0] == "smessage"
                        and message[1] in received, f"expected an smessage, got {message!r}")
            received[message[1]].append(message[2])
        for channel in SHARD_CHANNELS:
            expect(received[channel], [f"{channel} #{i}" for i in range(PUBSUB_MESSAGES)],
                   f"shard messages on {channel}, in publish order")
        for channel in SHARD_CHANNELS:
            shard.send_command("SUNSUBSCRIBE", channel)
            confirmations.append(shard.read_response())
        expect(r.execute_command("PUBSUB", "SHARDNUMSUB", *SHARD_CHANNELS),
               [item for channel in SHARD_CHANNELS for item in (channel, 0)], "PUBSUB SHARDNUMSUB after SUNSUBSCRIBE")
        count = len(SHARD_CHANNELS)
        shard_counts = (confirmations, [["ssubscribe", channel, i + 1] for i, channel in enumerate(SHARD_CHANNELS)]
                        + [["sunsubscribe", channel, count - i - 1] for i, channel in enumerate(SHARD_CHANNELS)],
                        "SSUBSCRIBE and SUNSUBSCRIBE confirmations, one channel each")
    finally:
        shard.disconnect()
    mismatches = [f"{what}: expected {expected!r}, got {actual!r}" for actual, expected, what in [
        (numpat_shared, numpat_before + 1, f"PUBSUB NUMPAT with {1 + EXTRA_PATTERN_SUBSCRIBERS} subscribers of one pattern"), shard_counts]
        if actual != expected]
    expect_true(not mismatches, "; ".join(mismatches))


def section_scripts(r):
    keys = [f"{tag}:k" for tag in SCRIPT_TAGS]
    lists = [(f"{tag}:l1", f"{tag}:l2") for tag in SCRIPT_TAGS]
    counters = [f"{tag}:n" for tag in SCRIPT_TAGS]
    swapped = [f"{tag}:f" for tag in SCRIPT_TAGS]
    r.delete(*keys, *[key for pair in lists for key in pair], *counters, *swapped)

    sha = r.script_load(SET_AND_GET)
    expect(sha, hashlib.sha1(SET_AND_GET.encode()).hexdigest(), "SCRIPT LOAD answers the script's SHA1")
    expect(r.script_exists(sha, "0" * 40), [True, False], "SCRIPT EXISTS of the loaded script and an unknown one")
    for i, key in enumerate(keys):
        expect(r.evalsha(sha, 1, key, f"v{i}"), [key, f"v{i}"], f"EVALSHA on {key}")
    expect(r.mget(keys), [f"v{i}" for i in range(len(keys))], "values the EVALSHAs set")
    for first, second in lists:
        expect(r.eval(PUSH_TWO, 2, first, second, "a", "b"), 2, f"EVAL with keys {first} {second}")
    expect(r.eval(NO_KEYS, 0, "no keys"), ["no keys", 42, "lua"], "EVAL with 0 keys")

    # redis-py's own helper: EVALSHA, and SCRIPT LOAD then EVALSHA again when the server answers NOSCRIPT.
    incr_by = r.register_script(INCR_BY)
    for key in counters:
        expect(incr_by(keys=[key], args=[5]), 5, f"register_script on {key}")
        expect(incr_by(keys=[key], args=[2]), 7, f"register_script again on {key}")
    expect(r.script_exists(incr_by.sha), [True], "SCRIPT EXISTS of the register_script script")

    expect(r.function_load(LIBRARY, replace=True), LIBRARY_NAME, "FUNCTION LOAD REPLACE")
    expect(r.function_load(LIBRARY, replace=True), LIBRARY_NAME, "FUNCTION LOAD REPLACE of a loaded library")
    try:
        for i, key in enumerate(swapped):
            expect(r.fcall("py_swap", 1, key, f"first {i}"), "", f"FCALL on {key} (no old value)")
            expect(r.fcall("py_swap", 1, key, f"second {i}"), f"first {i}", f"FCALL again on {key}")
    finally:
        expect(r.function_delete(LIBRARY_NAME), True, "FUNCTION DELETE")
    try:
        reply = r.fcall("py_swap", 1, swapped[0], "x")
        raise Mismatch(f"FCALL after FUNCTION DELETE: expected an error, got {reply!r}")
    except redis.ResponseError as error:
        expect_true("Function not found" in str(error), f"FCALL after FUNCTION DELETE: got {str(error)!r}")
    live_keys.update(keys + [key for pair in lists for key in pair] + counters + swapped)


def section_keyspace(r):
    keys = sorted(live_keys)
    expect(r.exists(*keys), len(keys), "EXISTS of every key this run left behind")
    size = r.dbsize()
    expect_true(size >= len(keys), f"DBSIZE: expected at least {len(keys)}, got {size}")


# The keyspace section stays last: it counts what the others left behind.
SECTIONS = [
    section_connection,
    section_strings,
    section_expiry,
    section_hashes,
    section_lists,
    section_sets,
    section_sorted_sets,
    section_hyperloglog,
    section_streams,
    section_multi_key,
    section_pipeline,
    section_hashtag_and_crossslot,
    section_transactions,
    section_blocking,
    section_pubsub,
    section_scripts,
    section_keyspace,
]


def main(argv):
    host = argv[1] if len(argv) > 1 else os.environ.get("SLOTGATE_HOST", "127.0.0.1")
    port = int(argv[2] if len(argv) > 2 else os.environ.get("SLOTGATE_PORT", "7000"))
    print(f"redis-py {redis.__version__} against {host}:{port}")
    r = redis.Redis(host=host, port=port, decode_responses=True, socket_timeout=10, socket_connect_timeout=10)
    failed = []
    for section in SECTIONS:
        name = section.__name__.removeprefix("section_")
        started = time.monotonic()
        try:
            section(r)
            print(f"PASS {name} ({(time.monotonic() - started) * 1000:.0f} ms)")
        except Mismatch as mismatch:
            failed.append(name)
            print(f"FAIL {name}: {mismatch}")
        except Exception:  # a library error is a failure of this section, not of the whole run
            failed.append(name)
            print(f"FAIL {name}: unexpected exception\n{traceback.format_exc()}")
    r.close()
    print(f"{len(SECTIONS) - len(failed)} sections passed, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
