'use strict';
// Checks that ioredis, configured for one standalone server, works against a whole Redis Cluster through Slotgate.
//
// Usage: node check_slotgate.js [HOST [PORT]]  (defaults: $SLOTGATE_HOST or 127.0.0.1, $SLOTGATE_PORT or 7000)
// Needs `npm ci` in this folder first.
//
// Every section is a function in SECTIONS; each runs even when an earlier one failed, so one run reports every mismatch.
// Exit code 0 only when every section passed. Keys start with "node:" so several clients can share one cluster.

const crypto = require('node:crypto');
const util = require('node:util');
const Redis = require('ioredis');

const PREFIX = 'node:';
// node:m:0 .. node:m:39 land on every shard of a 3-primary cluster; the xunit test asserts that.
const MULTI_KEY_COUNT = 40;
const PIPELINE_ROUNDS = 60; // 4 commands per round: 240 commands in one pipeline
const CROSSSLOT_ERROR = "CROSSSLOT Keys in request don't hash to the same slot";
const EXECABORT_ERROR = 'EXECABORT Transaction discarded because of previous errors.';
// TX_CROSS_KEY hashes to another slot than the {node:tx} keys; the xunit test asserts that.
const TX_CROSS_KEY = PREFIX + 'tx:cross';
const PROMPT_LIMIT_MS = 1000; // how long a command may take while another connection is blocked on the same hashtag (generous: CI machines are loaded; a command queued behind the BLPOP would never answer before the release)
const BLOCK_DELAY_MS = 300; // how long the other connection waits before it releases a blocked command
const PUBSUB_MESSAGES = 12; // messages published to each channel
const PUBSUB_WAIT_MS = 5000; // how long the subscriber waits for every message
const CHANNELS = [PREFIX + 'ps:news', PREFIX + 'ps:sport'];
const PATTERN = PREFIX + 'ps:evt:*';
const PATTERN_CHANNELS = [PREFIX + 'ps:evt:a', PREFIX + 'ps:evt:b'];
// Slotgate puts each subscriber on some primary; with several, some are most likely on different primaries.
const EXTRA_PATTERN_SUBSCRIBERS = 3;
// The shard channels' slots belong to three different primaries; the xunit test asserts that.
const SHARD_CHANNELS = ['{node:sh:a}:chan', '{node:sh:b}:chan', '{node:sh:c}:chan'];
// Keys {node:lua:0}:... .. {node:lua:5}:... land on every primary; the xunit test asserts that.
const SCRIPT_TAGS = range(6).map((i) => `{${PREFIX}lua:${i}}`);
const SET_AND_GET = "redis.call('SET', KEYS[1], ARGV[1]) return {KEYS[1], redis.call('GET', KEYS[1])}";
const PUSH_TWO = "redis.call('RPUSH', KEYS[1], ARGV[1]) redis.call('RPUSH', KEYS[2], ARGV[2]) " +
  "return redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2])";
const NO_KEYS = "return {ARGV[1], 42, 'lua'}";
const INCR_BY = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
const LIBRARY_NAME = 'nodelib';
const LIBRARY = `#!lua name=${LIBRARY_NAME}
redis.register_function('node_swap', function(keys, args)
  local old = redis.call('GET', keys[1])
  redis.call('SET', keys[1], args[1])
  return old or ''
end)
`;

// Keys this run created and did not delete; the last section checks them with EXISTS and DBSIZE.
const liveKeys = new Set();

class Mismatch extends Error {}

function expect(actual, expected, what) {
  if (!util.isDeepStrictEqual(actual, expected)) {
    throw new Mismatch(`${what}: expected ${util.inspect(expected)}, got ${util.inspect(actual)}`);
  }
}

function expectTrue(condition, what) {
  if (!condition) {
    throw new Mismatch(what);
  }
}

async function expectError(promise, message, what) {
  let reply;
  try {
    reply = await promise;
  } catch (error) {
    if (error.name !== 'ReplyError') {
      throw error;
    }
    expect(error.message, message, what);
    return;
  }
  throw new Mismatch(`${what}: expected error ${util.inspect(message)}, got reply ${util.inspect(reply)}`);
}

function range(count) {
  return Array.from({ length: count }, (_, i) => i);
}

/** Deletes leftovers of an earlier run and returns the prefixed key names. */
async function fresh(r, ...names) {
  const keys = names.map((name) => PREFIX + name);
  await r.del(...keys);
  keys.forEach((key) => liveKeys.delete(key));
  return keys;
}

function keep(...keys) {
  keys.forEach((key) => liveKeys.add(key));
}

/** Like fresh, for keys on one hashtag: {node:tag}:name. */
async function tagged(r, tag, ...names) {
  const keys = names.map((name) => `{${PREFIX}${tag}}:${name}`);
  await r.del(...keys);
  keys.forEach((key) => liveKeys.delete(key));
  return keys;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Awaits a promise and returns its reply and how long it took from when it was started, in ms. */
async function timed(start) {
  const started = process.hrtime.bigint();
  const reply = await start();
  return [reply, Number(process.hrtime.bigint() - started) / 1e6];
}

/** A second client with a connection of its own, set up like the first. */
async function secondClient(r) {
  const client = new Redis({ ...r.options, lazyConnect: true });
  await client.connect();
  return client;
}

async function sectionConnection(r) {
  expect(await r.ping(), 'PONG', 'PING');
  expect(await r.echo('hello slotgate'), 'hello slotgate', 'ECHO');
  expect(await r.select(0), 'OK', 'SELECT 0');
  expect(await r.client('SETNAME', 'node-check'), 'OK', 'CLIENT SETNAME');
  expect(await r.client('GETNAME'), 'node-check', 'CLIENT GETNAME');
  const info = await r.info();
  expectTrue(/^redis_mode:standalone\r?$/m.test(info), `INFO contains redis_mode:standalone, got:\n${info}`);
}

async function sectionStrings(r) {
  const [text, counter, appended, binary] = await fresh(r, 'str:text', 'str:counter', 'str:append', 'str:binary');
  expect(await r.set(text, 'héllo wörld'), 'OK', 'SET');
  expect(await r.get(text), 'héllo wörld', 'GET');
  expect(await r.get(PREFIX + 'str:missing'), null, 'GET missing key');
  expect(await r.strlen(text), Buffer.byteLength('héllo wörld'), 'STRLEN counts bytes');
  expect(await r.set(text, 'other', 'NX'), null, 'SET NX on an existing key');
  expect(await r.incr(counter), 1, 'INCR');
  expect(await r.incrby(counter, 41), 42, 'INCRBY');
  expect(await r.decr(counter), 41, 'DECR');
  expect(await r.incrbyfloat(counter, 0.5), '41.5', 'INCRBYFLOAT');
  expect(await r.append(appended, 'hello'), 5, 'APPEND to a new key');
  expect(await r.append(appended, ' world'), 11, 'APPEND');
  expect(await r.getrange(appended, 6, -1), 'world', 'GETRANGE');
  expect(await r.setrange(appended, 0, 'HELLO'), 11, 'SETRANGE');
  expect(await r.get(appended), 'HELLO world', 'GET after SETRANGE');
  const blob = Buffer.concat([Buffer.from(range(256)), Buffer.from('\r\n$-1\r\n*3\r\n')]);
  expect(await r.set(binary, blob), 'OK', 'SET binary value with CRLF and RESP bytes');
  expect(await r.getBuffer(binary), blob, 'GET binary value');
  keep(text, counter, appended, binary);
}

async function sectionExpiry(r) {
  const [ttlKey, short] = await fresh(r, 'exp:ttl', 'exp:short');
  expect(await r.set(ttlKey, 'x', 'EX', 100), 'OK', 'SET EX');
  const ttl = await r.ttl(ttlKey);
  expectTrue(ttl >= 90 && ttl <= 100, `TTL after SET EX 100: expected 90..100, got ${ttl}`);
  const pttl = await r.pttl(ttlKey);
  expectTrue(pttl >= 90000 && pttl <= 100000, `PTTL after SET EX 100: expected 90000..100000, got ${pttl}`);
  expect(await r.persist(ttlKey), 1, 'PERSIST');
  expect(await r.ttl(ttlKey), -1, 'TTL after PERSIST');
  expect(await r.persist(ttlKey), 0, 'PERSIST on a key without expiry');
  expect(await r.expire(ttlKey, 50), 1, 'EXPIRE');
  const ttlAfterExpire = await r.ttl(ttlKey);
  expectTrue(ttlAfterExpire >= 40 && ttlAfterExpire <= 50, `TTL after EXPIRE 50: expected 40..50, got ${ttlAfterExpire}`);
  expect(await r.ttl(PREFIX + 'exp:missing'), -2, 'TTL of a missing key');
  expect(await r.set(short, 'x', 'PX', 50), 'OK', 'SET PX 50');
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await r.exists(short), 0, 'EXISTS after the key expired');
  expect(await r.get(short), null, 'GET after the key expired');
  keep(ttlKey);
}

async function sectionHashes(r) {
  const [h] = await fresh(r, 'hash');
  expect(await r.hset(h, { a: '1', b: '2', c: '3' }), 3, 'HSET three fields');
  expect(await r.hget(h, 'b'), '2', 'HGET');
  expect(await r.hmget(h, 'a', 'missing', 'c'), ['1', null, '3'], 'HMGET');
  expect(await r.hincrby(h, 'a', 10), 11, 'HINCRBY');
  expect(await r.hgetall(h), { a: '11', b: '2', c: '3' }, 'HGETALL');
  expect(await r.hexists(h, 'c'), 1, 'HEXISTS');
  expect(await r.hdel(h, 'c', 'missing'), 1, 'HDEL');
  expect(await r.hlen(h), 2, 'HLEN');
  expect((await r.hkeys(h)).sort(), ['a', 'b'], 'HKEYS');
  keep(h);
}

async function sectionLists(r) {
  const [list] = await fresh(r, 'list');
  expect(await r.rpush(list, 'b', 'c', 'd'), 3, 'RPUSH');
  expect(await r.lpush(list, 'a'), 4, 'LPUSH');
  expect(await r.lrange(list, 0, -1), ['a', 'b', 'c', 'd'], 'LRANGE');
  expect(await r.lindex(list, 2), 'c', 'LINDEX');
  expect(await r.lpop(list), 'a', 'LPOP');
  expect(await r.rpop(list), 'd', 'RPOP');
  expect(await r.llen(list), 2, 'LLEN');
  expect(await r.lrange(list, 0, -1), ['b', 'c'], 'LRANGE after pops');
  keep(list);
}

async function sectionSets(r) {
  const [set] = await fresh(r, 'set');
  expect(await r.sadd(set, 'p', 'q', 'r'), 3, 'SADD');
  expect(await r.sadd(set, 'q'), 0, 'SADD an existing member');
  expect(await r.sismember(set, 'q'), 1, 'SISMEMBER');
  expect(await r.sismember(set, 'z'), 0, 'SISMEMBER missing member');
  expect((await r.smembers(set)).sort(), ['p', 'q', 'r'], 'SMEMBERS');
  expect(await r.srem(set, 'p'), 1, 'SREM');
  expect(await r.scard(set), 2, 'SCARD');
  keep(set);
}

async function sectionSortedSets(r) {
  const [z] = await fresh(r, 'zset');
  expect(await r.zadd(z, 1, 'low', 5, 'mid', 10, 'high'), 3, 'ZADD');
  expect(await r.zrange(z, 0, -1), ['low', 'mid', 'high'], 'ZRANGE');
  expect(await r.zrange(z, 0, -1, 'WITHSCORES'), ['low', '1', 'mid', '5', 'high', '10'], 'ZRANGE WITHSCORES');
  expect(await r.zscore(z, 'mid'), '5', 'ZSCORE');
  expect(await r.zincrby(z, 20, 'low'), '21', 'ZINCRBY');
  expect(await r.zrank(z, 'low'), 2, 'ZRANK after ZINCRBY');
  expect(await r.zrangebyscore(z, 4, 11), ['mid', 'high'], 'ZRANGEBYSCORE');
  expect(await r.zcard(z), 3, 'ZCARD');
  keep(z);
}

async function sectionHyperLogLog(r) {
  const [a, b, merged] = await fresh(r, '{hll}:a', '{hll}:b', '{hll}:merged');
  expect(await r.pfadd(a, 'x', 'y', 'z'), 1, 'PFADD');
  expect(await r.pfadd(a, 'x'), 0, 'PFADD an existing element');
  expect(await r.pfcount(a), 3, 'PFCOUNT');
  expect(await r.pfadd(b, 'z', 'w'), 1, 'PFADD second');
  expect(await r.pfmerge(merged, a, b), 'OK', 'PFMERGE with one hashtag');
  expect(await r.pfcount(merged), 4, 'PFCOUNT after PFMERGE');
  keep(a, b, merged);
}

async function sectionStreams(r) {
  const [stream] = await fresh(r, 'stream');
  const first = await r.xadd(stream, '*', 'field', 'one');
  const second = await r.xadd(stream, '*', 'field', 'two');
  expect(await r.xlen(stream), 2, 'XLEN');
  const entries = [[first, ['field', 'one']], [second, ['field', 'two']]];
  expect(await r.xrange(stream, '-', '+'), entries, 'XRANGE');
  expect(await r.xgroup('CREATE', stream, 'group', '0'), 'OK', 'XGROUP CREATE');
  expect(await r.xreadgroup('GROUP', 'group', 'consumer', 'COUNT', 10, 'STREAMS', stream, '>'), [[stream, entries]],
    'XREADGROUP without BLOCK');
  expect((await r.xpending(stream, 'group'))[0], 2, 'XPENDING before XACK');
  expect(await r.xack(stream, 'group', first, second), 2, 'XACK');
  expect((await r.xpending(stream, 'group'))[0], 0, 'XPENDING after XACK');
  keep(stream);
}

async function sectionMultiKey(r) {
  const keys = await fresh(r, ...range(MULTI_KEY_COUNT).map((i) => `m:${i}`));
  const values = range(MULTI_KEY_COUNT).map((i) => `value ${i}`);
  const missing = PREFIX + 'm:missing';
  expect(await r.mset(Object.fromEntries(keys.map((key, i) => [key, values[i]]))), 'OK', 'MSET across shards');
  expect(await r.mget(keys), values, 'MGET across shards, in order');
  expect(await r.mget([...keys.slice(0, 10), missing, ...keys.slice(10)]), [...values.slice(0, 10), null, ...values.slice(10)],
    'MGET with a missing key in the middle');
  expect(await r.exists(...keys, missing), MULTI_KEY_COUNT, 'EXISTS across shards');
  expect(await r.del(...keys.slice(0, 20), missing), 20, 'DEL across shards');
  expect(await r.mget(keys.slice(0, 20)), new Array(20).fill(null), 'MGET of deleted keys');
  expect(await r.exists(...keys), MULTI_KEY_COUNT - 20, 'EXISTS after DEL');
  keep(...keys.slice(20));
}

async function sectionPipeline(r) {
  const keys = await fresh(r, ...range(PIPELINE_ROUNDS).map((i) => `pipe:${i}`));
  const [counter] = await fresh(r, 'pipe:counter');
  const pipeline = r.pipeline();
  keys.forEach((key, i) => {
    pipeline.set(key, `v${i}`).incr(counter).get(key).append(key, '!');
  });
  const results = await pipeline.exec();
  expect(results.length, 4 * PIPELINE_ROUNDS, 'number of pipeline replies');
  const errors = results.filter(([error]) => error !== null);
  expect(errors.map(([error]) => error.message), [], 'errors in the pipeline');
  const replies = results.map(([, reply]) => reply);
  keys.forEach((key, i) => {
    expect(replies.slice(4 * i, 4 * i + 4), ['OK', i + 1, `v${i}`, `v${i}!`.length], `pipeline replies of round ${i}`);
  });
  expect(await r.mget(keys), range(PIPELINE_ROUNDS).map((i) => `v${i}!`), 'values written by the pipeline');
  keep(...keys, counter);
}

async function sectionHashtagAndCrossSlot(r) {
  const [a, b, dst] = await fresh(r, '{t}:a', '{t}:b', '{t}:dst');
  await r.sadd(a, '1', '2');
  await r.sadd(b, '2', '3');
  expect(await r.sunionstore(dst, a, b), 3, 'SUNIONSTORE within one hashtag');
  expect((await r.smembers(dst)).sort(), ['1', '2', '3'], 'SMEMBERS of the union');
  keep(a, b, dst);
  // node:cross:dst, node:cross:a and node:cross:b hash to slots 3001, 12232 and 8107.
  const cross = await fresh(r, 'cross:dst', 'cross:a', 'cross:b');
  await expectError(r.sunionstore(...cross), CROSSSLOT_ERROR, 'SUNIONSTORE across slots');
}

async function sectionTransactions(r) {
  const [a, b, c, watched] = await tagged(r, 'tx', 'a', 'b', 'c', 'watched');
  await r.del(TX_CROSS_KEY);
  const results = await r.multi().set(a, '1').incr(a).rpush(b, 'x', 'y').get(a).lrange(b, 0, -1).hset(c, 'f', 'v')
    .hgetall(c).exec();
  expect(results, [[null, 'OK'], [null, 2], [null, 2], [null, '2'], [null, ['x', 'y']], [null, 1], [null, { f: 'v' }]],
    'MULTI/EXEC replies, in order');

  const other = await secondClient(r);
  try {
    // multi({ pipeline: false }) sends MULTI and every command at once, so DISCARD really goes to the server.
    expect(await other.multi({ pipeline: false }), 'OK', 'MULTI');
    expect(await other.append(a, 'discarded'), 'QUEUED', 'APPEND inside MULTI');
    expect(await other.rpop(b), 'QUEUED', 'RPOP inside MULTI');
    expect(await other.discard(), 'OK', 'DISCARD');
    expect(await r.get(a), '2', 'value after DISCARD');
    expect(await r.lrange(b, 0, -1), ['x', 'y'], 'list after DISCARD');

    // WATCH: another connection changes the watched key between WATCH and EXEC, so EXEC answers nil.
    await r.set(watched, '10');
    expect(await r.watch(watched), 'OK', 'WATCH');
    const current = await r.get(watched);
    expect(await other.set(watched, 'changed'), 'OK', 'SET of the watched key from another connection');
    expect(await r.multi().set(watched, `${Number(current) + 1}`).exec(), null, 'EXEC after the watched key changed');
    expect(await r.get(watched), 'changed', 'watched key after the aborted EXEC');
    expect(await r.watch(watched), 'OK', 'WATCH again');
    const unchanged = await r.get(watched);
    expect(await r.multi().set(watched, `${unchanged}+1`).get(watched).exec(), [[null, 'OK'], [null, 'changed+1']],
      'WATCH/MULTI/EXEC without interference');

    // Keys in two slots: the second command is refused when queued and EXEC aborts the whole transaction.
    let replies;
    try {
      replies = await r.multi().set(a, 'cross').set(TX_CROSS_KEY, 'cross').exec();
    } catch (error) {
      if (error.name !== 'ReplyError') {
        throw error;
      }
      expect(error.message, EXECABORT_ERROR, 'EXEC of a transaction across slots');
      expect((error.previousErrors ?? []).map((e) => e.message), [CROSSSLOT_ERROR], 'queued errors of a transaction across slots');
    }
    expect(replies, undefined, 'EXEC of a transaction across slots');
    expect(await r.get(a), '2', 'value after the aborted transaction');
    expect(await r.exists(TX_CROSS_KEY), 0, 'key in the other slot after the aborted transaction');
  } finally {
    other.disconnect();
  }
  keep(a, b, c, watched);
}

async function sectionBlocking(r) {
  const [empty, q, otherKey, src, dst, stream] = await tagged(r, 'blk', 'empty', 'q', 'other', 'src', 'dst', 'stream');
  const blocker = await secondClient(r);
  try {
    const [timedOut, waited] = await timed(() => blocker.blpop(empty, 1));
    expect(timedOut, null, 'BLPOP with timeout 1 on an empty list');
    expectTrue(waited >= 900 && waited <= 3000, `BLPOP with timeout 1 answered after ${waited.toFixed(0)} ms, expected about 1 s`);

    // While blocker waits on {node:blk}:q, r's commands on the same hashtag answer at once.
    // Resolves with the reply and when it arrived, so the check below compares that with when RPUSH was sent.
    const pop = blocker.blpop(q, 5).then((reply) => [reply, process.hrtime.bigint()]);
    await sleep(BLOCK_DELAY_MS);
    for (const [what, call, expected] of [
      ['SET', () => r.set(otherKey, '1'), 'OK'],
      ['INCR', () => r.incr(otherKey), 2],
      ['GET', () => r.get(otherKey), '2'],
      ['LLEN of the list BLPOP waits on', () => r.llen(q), 0],
      ['PING', () => r.ping(), 'PONG'],
    ]) {
      const [reply, elapsed] = await timed(call);
      expect(reply, expected, `${what} while another connection is blocked`);
      expectTrue(elapsed < PROMPT_LIMIT_MS, `${what} while another connection is blocked on the same hashtag took ` +
        `${elapsed.toFixed(0)} ms, expected < ${PROMPT_LIMIT_MS} ms`);
    }
    const pushSentAt = process.hrtime.bigint();
    expect(await r.rpush(q, 'hello'), 1, 'RPUSH that releases BLPOP');
    const [popped, answeredAt] = await pop;
    expect(popped, [q, 'hello'], 'BLPOP released by RPUSH from another connection');
    expectTrue(answeredAt >= pushSentAt, `BLPOP answered ${(Number(pushSentAt - answeredAt) / 1e6).toFixed(0)} ms before the RPUSH was sent`);

    const brpoplpush = blocker.brpoplpush(src, dst, 5);
    await sleep(BLOCK_DELAY_MS);
    expect(await r.rpush(src, 'first'), 1, 'RPUSH that releases BRPOPLPUSH');
    expect(await brpoplpush, 'first', 'BRPOPLPUSH released by RPUSH');
    const blmove = blocker.blmove(src, dst, 'LEFT', 'LEFT', 5);
    await sleep(BLOCK_DELAY_MS);
    expect(await r.rpush(src, 'second'), 1, 'RPUSH that releases BLMOVE');
    expect(await blmove, 'second', 'BLMOVE released by RPUSH');
    expect(await r.lrange(dst, 0, -1), ['second', 'first'], 'destination list after BRPOPLPUSH and BLMOVE');
    expect(await r.llen(src), 0, 'source list after BRPOPLPUSH and BLMOVE');

    await r.xadd(stream, '*', 'field', 'old');
    const read = blocker.xread('BLOCK', 5000, 'STREAMS', stream, '$');
    await sleep(BLOCK_DELAY_MS);
    const added = await r.xadd(stream, '*', 'field', 'new');
    expect(await read, [[stream, [[added, ['field', 'new']]]]], 'XREAD BLOCK receives the entry XADD added');
  } finally {
    blocker.disconnect();
  }
  keep(otherKey, dst, stream);
}

/** Collects a client's pub/sub events; waitFor() resolves once count of them arrived, or fails after PUBSUB_WAIT_MS. */
function collect(client, ...events) {
  const received = [];
  for (const event of events) {
    client.on(event, (...args) => received.push([event, ...args]));
  }
  return {
    received,
    async waitFor(count, what) {
      const deadline = Date.now() + PUBSUB_WAIT_MS;
      while (received.length < count && Date.now() < deadline) {
        await sleep(10);
      }
      expectTrue(received.length === count,
        `${what}: expected ${count} messages within ${PUBSUB_WAIT_MS} ms, got ${received.length}: ${util.inspect(received)}`);
      return received.splice(0, count);
    },
  };
}

async function sectionPubSub(r) {
  const numpatBefore = await r.pubsub('NUMPAT');
  let numpatShared;
  const subscriber = await secondClient(r);
  try {
    const messages = collect(subscriber, 'message', 'pmessage');
    expect(await subscriber.subscribe(...CHANNELS), 2, 'SUBSCRIBE to two channels (subscription count)');
    expect(await subscriber.psubscribe(PATTERN), 3, 'PSUBSCRIBE (subscription count)');

    expect((await r.pubsub('CHANNELS', PREFIX + 'ps:*')).sort(), CHANNELS, 'PUBSUB CHANNELS while subscribed');
    const missing = PREFIX + 'ps:nobody';
    expect(await r.pubsub('NUMSUB', ...CHANNELS, missing), [CHANNELS[0], 1, CHANNELS[1], 1, missing, 0],
      'PUBSUB NUMSUB while subscribed (summed over every node)');
    expect(await r.pubsub('NUMPAT'), numpatBefore + 1, 'PUBSUB NUMPAT while subscribed');
    // NUMPAT counts distinct patterns, as Redis does: more subscribers of the same pattern do not change it.
    const others = [];
    try {
      for (let i = 0; i < EXTRA_PATTERN_SUBSCRIBERS; i++) {
        others.push(await secondClient(r));
        expect(await others[i].psubscribe(PATTERN), 1, 'PSUBSCRIBE of another subscriber (subscription count)');
      }
      numpatShared = await r.pubsub('NUMPAT'); // compared at the end, so a wrong count hides no other check
    } finally {
      others.forEach((other) => other.disconnect());
    }

    // Interleaved publishes from one connection; each channel's messages must arrive in publish order.
    // (PUBLISH's own reply is not checked: a Redis Cluster node counts only the subscribers connected to it.)
    const published = [...CHANNELS, ...PATTERN_CHANNELS];
    for (let i = 0; i < PUBSUB_MESSAGES; i++) {
      for (const channel of published) {
        await r.publish(channel, `${channel} #${i}`);
      }
    }
    const byChannel = Object.fromEntries(published.map((channel) => [channel, []]));
    for (const event of await messages.waitFor(published.length * PUBSUB_MESSAGES, 'published messages')) {
      const channel = event[0] === 'pmessage' ? event[2] : event[1];
      expectTrue(channel in byChannel, `message on an unexpected channel: ${util.inspect(event)}`);
      byChannel[channel].push(event);
    }
    for (const channel of CHANNELS) {
      expect(byChannel[channel], range(PUBSUB_MESSAGES).map((i) => ['message', channel, `${channel} #${i}`]),
        `messages on ${channel}, in publish order`);
    }
    for (const channel of PATTERN_CHANNELS) {
      expect(byChannel[channel], range(PUBSUB_MESSAGES).map((i) => ['pmessage', PATTERN, channel, `${channel} #${i}`]),
        `pattern messages on ${channel}, in publish order`);
    }

    expect(await subscriber.unsubscribe(CHANNELS[0]), 2, `UNSUBSCRIBE ${CHANNELS[0]} (subscription count)`);
    expect(await subscriber.punsubscribe(PATTERN), 1, 'PUNSUBSCRIBE (subscription count)');
    expect(await subscriber.unsubscribe(CHANNELS[1]), 0, `UNSUBSCRIBE ${CHANNELS[1]} (subscription count)`);
    expect(await r.pubsub('CHANNELS', PREFIX + 'ps:*'), [], 'PUBSUB CHANNELS after UNSUBSCRIBE');
    expect(await r.pubsub('NUMSUB', ...CHANNELS), [CHANNELS[0], 0, CHANNELS[1], 0], 'PUBSUB NUMSUB after UNSUBSCRIBE');
    expect(await r.pubsub('NUMPAT'), numpatBefore, 'PUBSUB NUMPAT after PUNSUBSCRIBE');
  } finally {
    subscriber.disconnect();
  }

  // Sharded pub/sub: one SSUBSCRIBE per channel (their slots differ). As from one Redis server, each reply counts
  // all of this connection's shard channels; the counts are compared after the messages, so a wrong count does not
  // hide whether delivery works.
  let shardCounts;
  const shard = await secondClient(r);
  try {
    const messages = collect(shard, 'smessage');
    const counts = [];
    for (const channel of SHARD_CHANNELS) {
      counts.push(['ssubscribe', channel, await shard.ssubscribe(channel)]);
    }
    expect(await r.pubsub('SHARDNUMSUB', ...SHARD_CHANNELS), SHARD_CHANNELS.flatMap((channel) => [channel, 1]),
      'PUBSUB SHARDNUMSUB while subscribed');
    for (let i = 0; i < PUBSUB_MESSAGES; i++) {
      for (const channel of SHARD_CHANNELS) {
        expect(await r.spublish(channel, `${channel} #${i}`), 1, `SPUBLISH to ${channel}`);
      }
    }
    const byChannel = Object.fromEntries(SHARD_CHANNELS.map((channel) => [channel, []]));
    for (const [, channel, message] of await messages.waitFor(SHARD_CHANNELS.length * PUBSUB_MESSAGES, 'shard messages')) {
      expectTrue(channel in byChannel, `shard message on an unexpected channel: ${channel}`);
      byChannel[channel].push(message);
    }
    for (const channel of SHARD_CHANNELS) {
      expect(byChannel[channel], range(PUBSUB_MESSAGES).map((i) => `${channel} #${i}`), `shard messages on ${channel}, in publish order`);
    }
    for (const channel of SHARD_CHANNELS) {
      counts.push(['sunsubscribe', channel, await shard.sunsubscribe(channel)]);
    }
    expect(await r.pubsub('SHARDNUMSUB', ...SHARD_CHANNELS), SHARD_CHANNELS.flatMap((channel) => [channel, 0]),
      'PUBSUB SHARDNUMSUB after SUNSUBSCRIBE');
    shardCounts = [counts, [...SHARD_CHANNELS.map((channel, i) => ['ssubscribe', channel, i + 1]),
      ...SHARD_CHANNELS.map((channel, i) => ['sunsubscribe', channel, SHARD_CHANNELS.length - i - 1])],
    'SSUBSCRIBE and SUNSUBSCRIBE subscription counts, one channel each'];
  } finally {
    shard.disconnect();
  }
  const mismatches = [[numpatShared, numpatBefore + 1, `PUBSUB NUMPAT with ${1 + EXTRA_PATTERN_SUBSCRIBERS} subscribers of one pattern`], shardCounts]
    .filter(([actual, expected]) => !util.isDeepStrictEqual(actual, expected))
    .map(([actual, expected, what]) => `${what}: expected ${util.inspect(expected)}, got ${util.inspect(actual)}`);
  expectTrue(mismatches.length === 0, mismatches.join('; '));
}

async function sectionScripts(r) {
  const keys = SCRIPT_TAGS.map((tag) => `${tag}:k`);
  const lists = SCRIPT_TAGS.map((tag) => [`${tag}:l1`, `${tag}:l2`]);
  const counters = SCRIPT_TAGS.map((tag) => `${tag}:n`);
  const swapped = SCRIPT_TAGS.map((tag) => `${tag}:f`);
  await r.del(...keys, ...lists.flat(), ...counters, ...swapped);

  const sha = await r.script('LOAD', SET_AND_GET);
  expect(sha, crypto.createHash('sha1').update(SET_AND_GET).digest('hex'), "SCRIPT LOAD answers the script's SHA1");
  expect(await r.script('EXISTS', sha, '0'.repeat(40)), [1, 0], 'SCRIPT EXISTS of the loaded script and an unknown one');
  for (const [i, key] of keys.entries()) {
    expect(await r.evalsha(sha, 1, key, `v${i}`), [key, `v${i}`], `EVALSHA on ${key}`);
  }
  expect(await r.mget(keys), keys.map((_, i) => `v${i}`), 'values the EVALSHAs set');
  for (const [first, second] of lists) {
    expect(await r.eval(PUSH_TWO, 2, first, second, 'a', 'b'), 2, `EVAL with keys ${first} ${second}`);
  }
  expect(await r.eval(NO_KEYS, 0, 'no keys'), ['no keys', 42, 'lua'], 'EVAL with 0 keys');

  // ioredis's own helper: EVALSHA, and EVAL when the server answers NOSCRIPT.
  r.defineCommand('nodeIncrBy', { numberOfKeys: 1, lua: INCR_BY });
  for (const key of counters) {
    expect(await r.nodeIncrBy(key, 5), 5, `defineCommand on ${key}`);
    expect(await r.nodeIncrBy(key, 2), 7, `defineCommand again on ${key}`);
  }
  const incrSha = crypto.createHash('sha1').update(INCR_BY).digest('hex');
  expect(await r.script('EXISTS', incrSha), [1], 'SCRIPT EXISTS of the defineCommand script');

  expect(await r.function('LOAD', 'REPLACE', LIBRARY), LIBRARY_NAME, 'FUNCTION LOAD REPLACE');
  expect(await r.function('LOAD', 'REPLACE', LIBRARY), LIBRARY_NAME, 'FUNCTION LOAD REPLACE of a loaded library');
  try {
    for (const [i, key] of swapped.entries()) {
      expect(await r.fcall('node_swap', 1, key, `first ${i}`), '', `FCALL on ${key} (no old value)`);
      expect(await r.fcall('node_swap', 1, key, `second ${i}`), `first ${i}`, `FCALL again on ${key}`);
    }
  } finally {
    expect(await r.function('DELETE', LIBRARY_NAME), 'OK', 'FUNCTION DELETE');
  }
  let reply;
  try {
    reply = await r.fcall('node_swap', 1, swapped[0], 'x');
  } catch (error) {
    if (error.name !== 'ReplyError') {
      throw error;
    }
    expectTrue(error.message.includes('Function not found'), `FCALL after FUNCTION DELETE: got ${util.inspect(error.message)}`);
  }
  expect(reply, undefined, 'FCALL after FUNCTION DELETE');
  keep(...keys, ...lists.flat(), ...counters, ...swapped);
}

async function sectionKeyspace(r) {
  const keys = [...liveKeys];
  expect(await r.exists(...keys), keys.length, 'EXISTS of every key this run left behind');
  const size = await r.dbsize();
  expectTrue(size >= keys.length, `DBSIZE: expected at least ${keys.length}, got ${size}`);
}

// The keyspace section stays last: it counts what the others left behind.
const SECTIONS = {
  connection: sectionConnection,
  strings: sectionStrings,
  expiry: sectionExpiry,
  hashes: sectionHashes,
  lists: sectionLists,
  sets: sectionSets,
  sorted_sets: sectionSortedSets,
  hyperloglog: sectionHyperLogLog,
  streams: sectionStreams,
  multi_key: sectionMultiKey,
  pipeline: sectionPipeline,
  hashtag_and_crossslot: sectionHashtagAndCrossSlot,
  transactions: sectionTransactions,
  blocking: sectionBlocking,
  pubsub: sectionPubSub,
  scripts: sectionScripts,
  keyspace: sectionKeyspace,
};

async function main(argv) {
  const host = argv[2] ?? process.env.SLOTGATE_HOST ?? '127.0.0.1';
  const port = Number(argv[3] ?? process.env.SLOTGATE_PORT ?? '7000');
  const version = require('ioredis/package.json').version;
  console.log(`ioredis ${version} on Node.js ${process.versions.node} against ${host}:${port}`);
  // No reconnect loop and no offline queue: a broken connection must fail the run, not hang it.
  const r = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: 10000,
    commandTimeout: 10000,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  await r.connect();
  const failed = [];
  for (const [name, section] of Object.entries(SECTIONS)) {
    const started = process.hrtime.bigint();
    try {
      await section(r);
      console.log(`PASS ${name} (${(process.hrtime.bigint() - started) / 1000000n} ms)`);
    } catch (error) {
      failed.push(name);
      // A library error is a failure of this section, not of the whole run.
      console.log(error instanceof Mismatch ? `FAIL ${name}: ${error.message}` : `FAIL ${name}: unexpected ${error.stack}`);
    }
  }
  await r.quit();
  const total = Object.keys(SECTIONS).length;
  console.log(`${total - failed.length} sections passed, ${failed.length} failed${failed.length ? `: ${failed.join(', ')}` : ''}`);
  return failed.length === 0 ? 0 : 1;
}

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error) => {
    console.log(`FAIL: ${error.stack}`);
    process.exitCode = 1;
  });
