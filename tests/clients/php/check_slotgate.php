<?php
// Checks that phpredis, configured for one standalone server, works against a whole Redis Cluster through Slotgate.
//
// Usage: php check_slotgate.php [HOST [PORT]]  (defaults: $SLOTGATE_HOST or 127.0.0.1, $SLOTGATE_PORT or 7000)
//
// Every section is a function listed in SECTIONS; each runs even when an earlier one failed, so one run reports every
// mismatch. Exit code 0 only when every section passed. Keys start with "php:" so several clients can share one cluster.
// phpredis answers most error replies with false and keeps the message in getLastError(), which mismatch messages
// include; some error replies (CROSSSLOT among them) throw RedisException instead.

declare(strict_types=1);

const PREFIX = 'php:';
// php:m:0 .. php:m:39 land on every shard of a 3-primary cluster; the xunit test asserts that.
const MULTI_KEY_COUNT = 40;
const PIPELINE_ROUNDS = 60; // 4 commands per round: 240 commands in one pipeline
const CROSSSLOT_ERROR = "CROSSSLOT Keys in request don't hash to the same slot";
const EXECABORT_ERROR = 'EXECABORT Transaction discarded because of previous errors.';
// TX_CROSS_KEY hashes to another slot than the {php:tx} keys; the xunit test asserts that.
const TX_CROSS_KEY = PREFIX . 'tx:cross';
const PROMPT_LIMIT_MS = 1000; // how long a command may take while another connection is blocked on the same hashtag (generous: CI machines are loaded; a command queued behind the BLPOP would never answer before the release)
const BLOCK_DELAY_US = 300_000; // how long the other connection waits before it releases a blocked command
const PUBSUB_MESSAGES = 12; // messages published to each channel
const PUBSUB_WAIT_S = 5; // how long a subscriber waits for every message
const CHANNELS = [PREFIX . 'ps:news', PREFIX . 'ps:sport'];
const PATTERN = PREFIX . 'ps:evt:*';
const PATTERN_CHANNELS = [PREFIX . 'ps:evt:a', PREFIX . 'ps:evt:b'];
// Slotgate puts each subscriber on some primary; with several, some are most likely on different primaries.
const EXTRA_PATTERN_SUBSCRIBERS = 3;
// Matches PATTERN; published to until a forked phpredis subscriber shows it has subscribed.
const PROBE_CHANNEL = PREFIX . 'ps:evt:probe';
// The shard channels' slots belong to three different primaries; the xunit test asserts that.
const SHARD_CHANNELS = ['{php:sh:a}:chan', '{php:sh:b}:chan', '{php:sh:d}:chan'];
// Keys {php:lua:0}:... .. {php:lua:5}:... land on every primary; the xunit test asserts that.
const SCRIPT_TAG_COUNT = 6;
const SET_AND_GET = "redis.call('SET', KEYS[1], ARGV[1]) return {KEYS[1], redis.call('GET', KEYS[1])}";
const PUSH_TWO = "redis.call('RPUSH', KEYS[1], ARGV[1]) redis.call('RPUSH', KEYS[2], ARGV[2]) "
    . "return redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2])";
const NO_KEYS = "return {ARGV[1], 42, 'lua'}";
const LIBRARY_NAME = 'phplib';
const LIBRARY = "#!lua name=" . LIBRARY_NAME . "
redis.register_function('php_swap', function(keys, args)
  local old = redis.call('GET', keys[1])
  redis.call('SET', keys[1], args[1])
  return old or ''
end)
";

final class Mismatch extends Exception
{
}

/** @var array<string, true> keys this run created and did not delete; the last section checks them. */
$liveKeys = [];

function expect(Redis $r, mixed $actual, mixed $expected, string $what): void
{
    if ($actual !== $expected) {
        $error = $r->getLastError();
        throw new Mismatch(sprintf('%s: expected %s, got %s%s', $what, var_export($expected, true), var_export($actual, true),
            $error === null ? '' : " (last error: $error)"));
    }
}

function expectTrue(Redis $r, bool $condition, string $what): void
{
    expect($r, $condition, true, $what);
}

/**
 * phpredis throws RedisException for error replies other than ERR and the like (CROSSSLOT among them); the exception's
 * message is the reply without "-". (getLastError() then holds the same text with a trailing space in phpredis 5.3.7,
 * against Redis itself too, so the exception is what we compare.)
 */
function expectError(Redis $r, callable $call, string $message, string $what): void
{
    try {
        $reply = $call();
    } catch (RedisException $error) {
        expect($r, $error->getMessage(), $message, $what);
        $r->clearLastError();
        return;
    }
    throw new Mismatch(sprintf('%s: expected error %s, got reply %s (last error %s)', $what, var_export($message, true),
        var_export($reply, true), var_export($r->getLastError(), true)));
}

/** Deletes leftovers of an earlier run and returns the prefixed key names. */
function fresh(Redis $r, string ...$names): array
{
    global $liveKeys;
    $keys = array_map(fn (string $name) => PREFIX . $name, $names);
    $r->del($keys);
    foreach ($keys as $key) {
        unset($liveKeys[$key]);
    }
    return $keys;
}

function keep(string ...$keys): void
{
    global $liveKeys;
    foreach ($keys as $key) {
        $liveKeys[$key] = true;
    }
}

/** Like fresh, for keys on one hashtag: {php:tag}:name. */
function tagged(Redis $r, string $tag, string ...$names): array
{
    global $liveKeys;
    $keys = array_map(fn (string $name) => '{' . PREFIX . "$tag}:$name", $names);
    $r->del($keys);
    foreach ($keys as $key) {
        unset($liveKeys[$key]);
    }
    return $keys;
}

/** Another connection to the same address as $r. */
function connectLike(Redis $r): Redis
{
    $other = new Redis();
    $other->connect($r->getHost(), $r->getPort(), 10.0);
    $other->setOption(Redis::OPT_READ_TIMEOUT, 10.0);
    return $other;
}

/** Runs $call and returns its reply and how long it took, in ms. */
function timed(callable $call): array
{
    $started = hrtime(true);
    $reply = $call();
    return [$reply, (hrtime(true) - $started) / 1e6];
}

/**
 * phpredis waits for every reply, so a blocking command runs in a forked child with a connection of its own while
 * this process goes on with $r. The child sends back its reply and how long the call took; waitForChild() reads them.
 */
function startInChild(Redis $r, callable $call): array
{
    [$parentEnd, $childEnd] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
    $pid = pcntl_fork();
    if ($pid === -1) {
        throw new RuntimeException('pcntl_fork failed');
    }
    if ($pid === 0) {
        fclose($parentEnd);
        try {
            $blocker = connectLike($r);
            [$reply, $elapsed] = timed(fn () => $call($blocker));
            // hrtime is the system's monotonic clock, the same in parent and child: the parent compares it with
            // when it sent the command that released this one.
            $result = ['reply' => $reply, 'elapsed' => $elapsed, 'answeredAt' => hrtime(true)];
        } catch (Throwable $error) {
            $result = ['error' => get_class($error) . ': ' . $error->getMessage()];
        }
        fwrite($childEnd, serialize($result));
        fclose($childEnd);
        // No shutdown functions or destructors: $r's socket is shared with the parent.
        posix_kill(posix_getpid(), SIGKILL);
    }
    fclose($childEnd);
    return [$pid, $parentEnd];
}

function waitForChild(array $child, string $what): array
{
    [$pid, $pipe] = $child;
    stream_set_timeout($pipe, 10);
    $data = stream_get_contents($pipe);
    $timedOut = stream_get_meta_data($pipe)['timed_out'];
    fclose($pipe);
    if ($timedOut) {
        posix_kill($pid, SIGKILL);
    }
    pcntl_waitpid($pid, $status);
    if ($timedOut || $data === '' || $data === false) {
        throw new Mismatch("$what: no reply from the blocked connection within 10 s");
    }
    $result = unserialize($data);
    if (isset($result['error'])) {
        throw new Mismatch("$what: {$result['error']}");
    }
    return [$result['reply'], $result['elapsed'], $result['answeredAt']];
}

function section_connection(Redis $r): void
{
    expect($r, $r->ping(), true, 'PING');
    expect($r, $r->echo('hello slotgate'), 'hello slotgate', 'ECHO');
    expect($r, $r->select(0), true, 'SELECT 0');
    expect($r, $r->client('setname', 'php-check'), true, 'CLIENT SETNAME');
    expect($r, $r->client('getname'), 'php-check', 'CLIENT GETNAME');
    $info = $r->info();
    expect($r, $info['redis_mode'] ?? null, 'standalone', 'INFO redis_mode');
}

function section_strings(Redis $r): void
{
    [$text, $counter, $appended, $binary] = fresh($r, 'str:text', 'str:counter', 'str:append', 'str:binary');
    expect($r, $r->set($text, 'héllo wörld'), true, 'SET');
    expect($r, $r->get($text), 'héllo wörld', 'GET');
    expect($r, $r->get(PREFIX . 'str:missing'), false, 'GET missing key');
    expect($r, $r->strlen($text), strlen('héllo wörld'), 'STRLEN counts bytes');
    expect($r, $r->set($text, 'other', ['nx']), false, 'SET NX on an existing key');
    expect($r, $r->incr($counter), 1, 'INCR');
    expect($r, $r->incrBy($counter, 41), 42, 'INCRBY');
    expect($r, $r->decr($counter), 41, 'DECR');
    expect($r, $r->incrByFloat($counter, 0.5), 41.5, 'INCRBYFLOAT');
    expect($r, $r->append($appended, 'hello'), 5, 'APPEND to a new key');
    expect($r, $r->append($appended, ' world'), 11, 'APPEND');
    expect($r, $r->getRange($appended, 6, -1), 'world', 'GETRANGE');
    expect($r, $r->setRange($appended, 0, 'HELLO'), 11, 'SETRANGE');
    expect($r, $r->get($appended), 'HELLO world', 'GET after SETRANGE');
    $blob = implode('', array_map('chr', range(0, 255))) . "\r\n\$-1\r\n*3\r\n";
    expect($r, $r->set($binary, $blob), true, 'SET binary value with CRLF and RESP bytes');
    expect($r, $r->get($binary), $blob, 'GET binary value');
    keep($text, $counter, $appended, $binary);
}

function section_expiry(Redis $r): void
{
    [$ttlKey, $short] = fresh($r, 'exp:ttl', 'exp:short');
    expect($r, $r->set($ttlKey, 'x', ['ex' => 100]), true, 'SET EX');
    $ttl = $r->ttl($ttlKey);
    expectTrue($r, $ttl >= 90 && $ttl <= 100, "TTL after SET EX 100: expected 90..100, got $ttl");
    $pttl = $r->pttl($ttlKey);
    expectTrue($r, $pttl >= 90000 && $pttl <= 100000, "PTTL after SET EX 100: expected 90000..100000, got $pttl");
    expect($r, $r->persist($ttlKey), true, 'PERSIST');
    expect($r, $r->ttl($ttlKey), -1, 'TTL after PERSIST');
    expect($r, $r->persist($ttlKey), false, 'PERSIST on a key without expiry');
    expect($r, $r->expire($ttlKey, 50), true, 'EXPIRE');
    $ttl = $r->ttl($ttlKey);
    expectTrue($r, $ttl >= 40 && $ttl <= 50, "TTL after EXPIRE 50: expected 40..50, got $ttl");
    expect($r, $r->ttl(PREFIX . 'exp:missing'), -2, 'TTL of a missing key');
    expect($r, $r->set($short, 'x', ['px' => 50]), true, 'SET PX 50');
    usleep(200_000);
    expect($r, $r->exists($short), 0, 'EXISTS after the key expired');
    expect($r, $r->get($short), false, 'GET after the key expired');
    keep($ttlKey);
}

function section_hashes(Redis $r): void
{
    [$h] = fresh($r, 'hash');
    expect($r, $r->hSet($h, 'a', '1'), 1, 'HSET');
    expect($r, $r->hMSet($h, ['b' => '2', 'c' => '3']), true, 'HMSET');
    expect($r, $r->hGet($h, 'b'), '2', 'HGET');
    expect($r, $r->hMGet($h, ['a', 'missing', 'c']), ['a' => '1', 'missing' => false, 'c' => '3'], 'HMGET');
    expect($r, $r->hIncrBy($h, 'a', 10), 11, 'HINCRBY');
    expect($r, $r->hGetAll($h), ['a' => '11', 'b' => '2', 'c' => '3'], 'HGETALL');
    expect($r, $r->hExists($h, 'c'), true, 'HEXISTS');
    expect($r, $r->hDel($h, 'c', 'missing'), 1, 'HDEL');
    expect($r, $r->hLen($h), 2, 'HLEN');
    $fields = $r->hKeys($h);
    sort($fields);
    expect($r, $fields, ['a', 'b'], 'HKEYS');
    keep($h);
}

function section_lists(Redis $r): void
{
    [$list] = fresh($r, 'list');
    expect($r, $r->rPush($list, 'b', 'c', 'd'), 3, 'RPUSH');
    expect($r, $r->lPush($list, 'a'), 4, 'LPUSH');
    expect($r, $r->lRange($list, 0, -1), ['a', 'b', 'c', 'd'], 'LRANGE');
    expect($r, $r->lIndex($list, 2), 'c', 'LINDEX');
    expect($r, $r->lPop($list), 'a', 'LPOP');
    expect($r, $r->rPop($list), 'd', 'RPOP');
    expect($r, $r->lLen($list), 2, 'LLEN');
    expect($r, $r->lRange($list, 0, -1), ['b', 'c'], 'LRANGE after pops');
    keep($list);
}

function section_sets(Redis $r): void
{
    [$set] = fresh($r, 'set');
    expect($r, $r->sAdd($set, 'p', 'q', 'r'), 3, 'SADD');
    expect($r, $r->sAdd($set, 'q'), 0, 'SADD an existing member');
    expect($r, $r->sIsMember($set, 'q'), true, 'SISMEMBER');
    expect($r, $r->sIsMember($set, 'z'), false, 'SISMEMBER missing member');
    $members = $r->sMembers($set);
    sort($members);
    expect($r, $members, ['p', 'q', 'r'], 'SMEMBERS');
    expect($r, $r->sRem($set, 'p'), 1, 'SREM');
    expect($r, $r->sCard($set), 2, 'SCARD');
    keep($set);
}

function section_sorted_sets(Redis $r): void
{
    [$z] = fresh($r, 'zset');
    expect($r, $r->zAdd($z, 1, 'low', 5, 'mid', 10, 'high'), 3, 'ZADD');
    expect($r, $r->zRange($z, 0, -1), ['low', 'mid', 'high'], 'ZRANGE');
    expect($r, $r->zRange($z, 0, -1, true), ['low' => 1.0, 'mid' => 5.0, 'high' => 10.0], 'ZRANGE WITHSCORES');
    expect($r, $r->zScore($z, 'mid'), 5.0, 'ZSCORE');
    expect($r, $r->zIncrBy($z, 20, 'low'), 21.0, 'ZINCRBY');
    expect($r, $r->zRank($z, 'low'), 2, 'ZRANK after ZINCRBY');
    expect($r, $r->zRangeByScore($z, '4', '11'), ['mid', 'high'], 'ZRANGEBYSCORE');
    expect($r, $r->zCard($z), 3, 'ZCARD');
    keep($z);
}

function section_hyperloglog(Redis $r): void
{
    [$a, $b, $merged] = fresh($r, '{hll}:a', '{hll}:b', '{hll}:merged');
    expect($r, $r->pfAdd($a, ['x', 'y', 'z']), 1, 'PFADD');
    expect($r, $r->pfAdd($a, ['x']), 0, 'PFADD an existing element');
    expect($r, $r->pfCount($a), 3, 'PFCOUNT');
    expect($r, $r->pfAdd($b, ['z', 'w']), 1, 'PFADD second');
    expect($r, $r->pfMerge($merged, [$a, $b]), true, 'PFMERGE with one hashtag');
    expect($r, $r->pfCount($merged), 4, 'PFCOUNT after PFMERGE');
    keep($a, $b, $merged);
}

function section_streams(Redis $r): void
{
    [$stream] = fresh($r, 'stream');
    $first = $r->xAdd($stream, '*', ['field' => 'one']);
    $second = $r->xAdd($stream, '*', ['field' => 'two']);
    expectTrue($r, is_string($first) && is_string($second), 'XADD returns entry ids');
    expect($r, $r->xLen($stream), 2, 'XLEN');
    expect($r, $r->xRange($stream, '-', '+'), [$first => ['field' => 'one'], $second => ['field' => 'two']], 'XRANGE');
    expect($r, $r->xGroup('CREATE', $stream, 'group', '0'), true, 'XGROUP CREATE');
    expect($r, $r->xReadGroup('group', 'consumer', [$stream => '>'], 10),
        [$stream => [$first => ['field' => 'one'], $second => ['field' => 'two']]], 'XREADGROUP without BLOCK');
    expect($r, $r->xPending($stream, 'group')[0] ?? null, 2, 'XPENDING before XACK');
    expect($r, $r->xAck($stream, 'group', [$first, $second]), 2, 'XACK');
    expect($r, $r->xPending($stream, 'group')[0] ?? null, 0, 'XPENDING after XACK');
    keep($stream);
}

function section_multi_key(Redis $r): void
{
    $keys = fresh($r, ...array_map(fn (int $i) => "m:$i", range(0, MULTI_KEY_COUNT - 1)));
    $values = array_map(fn (int $i) => "value $i", range(0, MULTI_KEY_COUNT - 1));
    $missing = PREFIX . 'm:missing';
    expect($r, $r->mSet(array_combine($keys, $values)), true, 'MSET across shards');
    expect($r, $r->mGet($keys), $values, 'MGET across shards, in order');
    $withGap = array_merge(array_slice($keys, 0, 10), [$missing], array_slice($keys, 10));
    $expected = array_merge(array_slice($values, 0, 10), [false], array_slice($values, 10));
    expect($r, $r->mGet($withGap), $expected, 'MGET with a missing key in the middle');
    expect($r, $r->exists(...$keys, ...[$missing]), MULTI_KEY_COUNT, 'EXISTS across shards');
    expect($r, $r->del(array_merge(array_slice($keys, 0, 20), [$missing])), 20, 'DEL across shards');
    expect($r, $r->mGet(array_slice($keys, 0, 20)), array_fill(0, 20, false), 'MGET of deleted keys');
    expect($r, $r->exists(...$keys), MULTI_KEY_COUNT - 20, 'EXISTS after DEL');
    keep(...array_slice($keys, 20));
}

function section_pipeline(Redis $r): void
{
    $names = array_map(fn (int $i) => "pipe:$i", range(0, PIPELINE_ROUNDS - 1));
    $keys = fresh($r, ...$names);
    [$counter] = fresh($r, 'pipe:counter');
    $r->pipeline();
    foreach ($keys as $i => $key) {
        $r->set($key, "v$i");
        $r->incr($counter);
        $r->get($key);
        $r->append($key, '!');
    }
    $replies = $r->exec();
    expectTrue($r, is_array($replies), 'pipeline exec returns an array');
    expect($r, count($replies), 4 * PIPELINE_ROUNDS, 'number of pipeline replies');
    foreach ($keys as $i => $key) {
        expect($r, array_slice($replies, 4 * $i, 4), [true, $i + 1, "v$i", strlen("v$i!")], "pipeline replies of round $i");
    }
    expect($r, $r->mGet($keys), array_map(fn (int $i) => "v$i!", range(0, PIPELINE_ROUNDS - 1)), 'values written by the pipeline');
    keep(...$keys, ...[$counter]);
}

function section_hashtag_and_crossslot(Redis $r): void
{
    [$a, $b, $dst] = fresh($r, '{t}:a', '{t}:b', '{t}:dst');
    $r->sAdd($a, '1', '2');
    $r->sAdd($b, '2', '3');
    expect($r, $r->sUnionStore($dst, $a, $b), 3, 'SUNIONSTORE within one hashtag');
    $members = $r->sMembers($dst);
    sort($members);
    expect($r, $members, ['1', '2', '3'], 'SMEMBERS of the union');
    keep($a, $b, $dst);
    // php:cross:dst, php:cross:a and php:cross:b hash to slots 108, 4604 and 8607.
    [$crossDst, $crossA, $crossB] = fresh($r, 'cross:dst', 'cross:a', 'cross:b');
    expectError($r, fn () => $r->sUnionStore($crossDst, $crossA, $crossB), CROSSSLOT_ERROR, 'SUNIONSTORE across slots');
}

function section_transactions(Redis $r): void
{
    [$a, $b, $c, $watched] = tagged($r, 'tx', 'a', 'b', 'c', 'watched');
    $r->del(TX_CROSS_KEY);
    $replies = $r->multi()->set($a, '1')->incr($a)->rPush($b, 'x', 'y')->get($a)->lRange($b, 0, -1)->hSet($c, 'f', 'v')
        ->hGetAll($c)->exec();
    expect($r, $replies, [true, 2, 2, '2', ['x', 'y'], 1, ['f' => 'v']], 'MULTI/EXEC replies, in order');

    $r->multi();
    $r->append($a, 'discarded');
    $r->rPop($b);
    expect($r, $r->discard(), true, 'DISCARD');
    expect($r, $r->get($a), '2', 'value after DISCARD');
    expect($r, $r->lRange($b, 0, -1), ['x', 'y'], 'list after DISCARD');

    // WATCH: another connection changes the watched key between WATCH and EXEC, so EXEC answers nil (false).
    $other = connectLike($r);
    $r->set($watched, '10');
    expect($r, $r->watch($watched), true, 'WATCH');
    $current = (int) $r->get($watched);
    expect($r, $other->set($watched, 'changed'), true, 'SET of the watched key from another connection');
    expect($r, $r->multi()->set($watched, (string) ($current + 1))->exec(), false, 'EXEC after the watched key changed');
    expect($r, $r->get($watched), 'changed', 'watched key after the aborted EXEC');
    expect($r, $r->watch($watched), true, 'WATCH again');
    $unchanged = $r->get($watched);
    expect($r, $r->multi()->set($watched, "$unchanged+1")->get($watched)->exec(), [true, 'changed+1'],
        'WATCH/MULTI/EXEC without interference');

    $other->close();

    // Keys in two slots: the second command is refused when queued and EXEC aborts the whole transaction. phpredis
    // throws the queued CROSSSLOT; its exec() then waits out the read timeout and throws "read error on connection"
    // (phpredis 5.3.7 does the same against Redis itself after any queued error), so the EXECABORT text is read with
    // rawCommand on another connection.
    $crossing = connectLike($r);
    $crossing->setOption(Redis::OPT_READ_TIMEOUT, 1.0);
    $crossing->multi();
    $crossing->set($a, 'cross');
    expectError($crossing, fn () => $crossing->set(TX_CROSS_KEY, 'cross'), CROSSSLOT_ERROR, 'SET of a key in another slot inside multi()');
    try {
        $execReply = $crossing->exec();
    } catch (RedisException $error) {
        $execReply = null;
    }
    expectTrue($r, !is_array($execReply), 'exec() after CROSSSLOT returns no results, got ' . var_export($execReply, true));
    $crossing->close();
    $raw = connectLike($r);
    expect($raw, $raw->rawCommand('MULTI'), true, 'MULTI');
    expect($raw, $raw->rawCommand('APPEND', $a, 'cross'), true, 'APPEND inside MULTI (QUEUED)');
    expectError($raw, fn () => $raw->rawCommand('APPEND', TX_CROSS_KEY, 'cross'), CROSSSLOT_ERROR,
        'APPEND to a key in another slot inside MULTI');
    expectError($raw, fn () => $raw->rawCommand('EXEC'), EXECABORT_ERROR, 'EXEC after CROSSSLOT');
    $raw->close();
    expect($r, $r->get($a), '2', 'value after the aborted transactions');
    expect($r, $r->exists(TX_CROSS_KEY), 0, 'key in the other slot after the aborted transactions');
    keep($a, $b, $c, $watched);
}

function section_blocking(Redis $r): void
{
    [$empty, $q, $other, $src, $dst, $stream] = tagged($r, 'blk', 'empty', 'q', 'other', 'src', 'dst', 'stream');
    $blocker = connectLike($r);
    [$reply, $elapsed] = timed(fn () => $blocker->blPop([$empty], 1));
    $blocker->close();
    // phpredis answers a BLPOP timeout (nil) with an empty array.
    expect($r, $reply, [], 'BLPOP with timeout 1 on an empty list');
    expectTrue($r, $elapsed >= 900 && $elapsed <= 3000, sprintf('BLPOP with timeout 1 answered after %.0f ms, expected about 1 s', $elapsed));

    // While a child's connection waits on {php:blk}:q, $r's commands on the same hashtag answer at once.
    $pop = startInChild($r, fn (Redis $blocker) => $blocker->blPop([$q], 5));
    usleep(BLOCK_DELAY_US);
    $checks = [
        ['SET', fn () => $r->set($other, '1'), true],
        ['INCR', fn () => $r->incr($other), 2],
        ['GET', fn () => $r->get($other), '2'],
        ['LLEN of the list BLPOP waits on', fn () => $r->lLen($q), 0],
        ['PING', fn () => $r->ping(), true],
    ];
    foreach ($checks as [$what, $call, $expected]) {
        [$reply, $elapsed] = timed($call);
        expect($r, $reply, $expected, "$what while another connection is blocked");
        expectTrue($r, $elapsed < PROMPT_LIMIT_MS, sprintf('%s while another connection is blocked on the same hashtag took %.0f ms, expected < %d ms',
            $what, $elapsed, PROMPT_LIMIT_MS));
    }
    // The child's clock starts only once it has connected, after the parent began waiting, so how long its BLPOP
    // took says nothing about the RPUSH; when its reply arrived, on the clock both share, does.
    $pushSentAt = hrtime(true);
    expect($r, $r->rPush($q, 'hello'), 1, 'RPUSH that releases BLPOP');
    [$popped, , $answeredAt] = waitForChild($pop, 'BLPOP released by RPUSH');
    expect($r, $popped, [$q, 'hello'], 'BLPOP released by RPUSH from another connection');
    expectTrue($r, $answeredAt >= $pushSentAt, sprintf('BLPOP answered %.0f ms before the RPUSH was sent', ($pushSentAt - $answeredAt) / 1e6));

    $move = startInChild($r, fn (Redis $blocker) => $blocker->brpoplpush($src, $dst, 5));
    usleep(BLOCK_DELAY_US);
    expect($r, $r->rPush($src, 'first'), 1, 'RPUSH that releases BRPOPLPUSH');
    expect($r, waitForChild($move, 'BRPOPLPUSH released by RPUSH')[0], 'first', 'BRPOPLPUSH released by RPUSH');
    $move = startInChild($r, fn (Redis $blocker) => $blocker->rawCommand('BLMOVE', $src, $dst, 'LEFT', 'LEFT', '5'));
    usleep(BLOCK_DELAY_US);
    expect($r, $r->rPush($src, 'second'), 1, 'RPUSH that releases BLMOVE');
    expect($r, waitForChild($move, 'BLMOVE released by RPUSH')[0], 'second', 'BLMOVE released by RPUSH');
    expect($r, $r->lRange($dst, 0, -1), ['second', 'first'], 'destination list after BRPOPLPUSH and BLMOVE');
    expect($r, $r->lLen($src), 0, 'source list after BRPOPLPUSH and BLMOVE');

    $r->xAdd($stream, '*', ['field' => 'old']);
    $read = startInChild($r, fn (Redis $blocker) => $blocker->xRead([$stream => '$'], -1, 5000));
    usleep(BLOCK_DELAY_US);
    $added = $r->xAdd($stream, '*', ['field' => 'new']);
    expect($r, waitForChild($read, 'XREAD BLOCK released by XADD')[0], [$stream => [$added => ['field' => 'new']]],
        'XREAD BLOCK receives the entry XADD added');
    keep($other, $dst, $stream);
}

/**
 * A plain RESP2 connection. phpredis 5.3.7 hides subscription counts, cannot SUBSCRIBE and PSUBSCRIBE on one
 * connection (subscribe() blocks until the connection fails) and has no ssubscribe(), so the pub/sub section's main
 * subscriber speaks RESP itself; phpredis's own subscribe()/psubscribe() run in forked children beside it.
 */
final class RespConnection
{
    /** @var resource */
    private $stream;

    public function __construct(string $host, int $port)
    {
        $stream = stream_socket_client("tcp://$host:$port", $errno, $error, 10.0);
        if ($stream === false) {
            throw new RuntimeException("connect to $host:$port: $error");
        }
        stream_set_timeout($stream, PUBSUB_WAIT_S);
        $this->stream = $stream;
    }

    public function send(string ...$args): void
    {
        $command = '*' . count($args) . "\r\n";
        foreach ($args as $arg) {
            $command .= '$' . strlen($arg) . "\r\n$arg\r\n";
        }
        fwrite($this->stream, $command);
    }

    /** The next reply; an error reply comes back as ['error' => message]. */
    public function read(): mixed
    {
        $line = fgets($this->stream);
        if ($line === false) {
            throw new Mismatch('no reply within ' . PUBSUB_WAIT_S . ' s');
        }
        $rest = substr($line, 1, -2);
        switch ($line[0]) {
            case '+':
                return $rest;
            case '-':
                return ['error' => $rest];
            case ':':
                return (int) $rest;
            case '$':
                return $rest === '-1' ? null : substr(stream_get_contents($this->stream, (int) $rest + 2), 0, -2);
            case '*':
                return $rest === '-1' ? null : array_map(fn () => $this->read(), range(1, (int) $rest));
        }
        throw new Mismatch('unexpected reply ' . var_export($line, true));
    }

    public function close(): void
    {
        fclose($this->stream);
    }
}

/**
 * Runs phpredis's blocking $subscribe in a forked child until it received $count messages, then unsubscribes with
 * $unsubscribe. phpredis 5.3.7's subscribe() returns only when the connection fails, so after unsubscribing the
 * callback shortens the read timeout and the read error that follows ends it. Messages on PROBE_CHANNEL are not
 * counted: the first one makes the child write a line to the returned stream, which tells the parent it subscribed.
 */
function subscribeInChild(Redis $r, string $subscribe, string $unsubscribe, array $targets, int $count): array
{
    [$readyParent, $readyChild] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
    $child = startInChild($r, function (Redis $sub) use ($subscribe, $unsubscribe, $targets, $count, $readyChild) {
        $messages = [];
        $left = null;
        $callback = function (Redis $redis, string ...$args) use (&$messages, &$left, $unsubscribe, $targets, $count, $readyChild) {
            if (in_array(PROBE_CHANNEL, $args, true)) {
                fwrite($readyChild, "ready\n");
                return;
            }
            $messages[] = $args;
            if (count($messages) === $count) {
                $left = $redis->$unsubscribe($targets);
                $redis->setOption(Redis::OPT_READ_TIMEOUT, 0.2);
            }
        };
        try {
            $sub->$subscribe($targets, $callback);
        } catch (RedisException $error) {
            if ($left === null) {
                throw $error;
            }
        }
        return ['messages' => $messages, 'unsubscribe' => $left];
    });
    fclose($readyChild);
    return [$child, $readyParent];
}

/** Publishes to PROBE_CHANNEL until the child of subscribeInChild() has seen it. */
function waitUntilSubscribed(Redis $r, $ready, string $what): void
{
    $deadline = microtime(true) + PUBSUB_WAIT_S;
    do {
        $r->publish(PROBE_CHANNEL, 'probe');
        $read = [$ready];
        $none = [];
    } while (stream_select($read, $none, $none, 0, 50_000) === 0 && microtime(true) < $deadline);
    expectTrue($r, fgets($ready) === "ready\n", "$what: no message on " . PROBE_CHANNEL . ' within ' . PUBSUB_WAIT_S . ' s');
    fclose($ready);
}

function section_pubsub(Redis $r): void
{
    $numpatBefore = $r->pubsub('numpat');
    $published = array_merge(CHANNELS, PATTERN_CHANNELS);
    $expected = [];
    foreach ($published as $channel) {
        $expected[$channel] = array_map(fn (int $i) => "$channel #$i", range(0, PUBSUB_MESSAGES - 1));
    }

    $sub = new RespConnection($r->getHost(), $r->getPort());
    [$channelsChild, $channelsReady] = subscribeInChild($r, 'subscribe', 'unsubscribe', CHANNELS, count(CHANNELS) * PUBSUB_MESSAGES);
    [$patternChild, $patternReady] = subscribeInChild($r, 'psubscribe', 'punsubscribe', [PATTERN], count(PATTERN_CHANNELS) * PUBSUB_MESSAGES);
    fclose($channelsReady); // its subscriptions show in PUBSUB NUMSUB
    try {
        $sub->send('SUBSCRIBE', ...CHANNELS);
        $sub->send('PSUBSCRIBE', PATTERN);
        expect($r, [$sub->read(), $sub->read(), $sub->read()],
            [['subscribe', CHANNELS[0], 1], ['subscribe', CHANNELS[1], 2], ['psubscribe', PATTERN, 3]],
            'SUBSCRIBE and PSUBSCRIBE confirmations');

        // Two subscribers per channel and per pattern: this connection and the children's, once they subscribed.
        waitUntilSubscribed($r, $patternReady, 'phpredis psubscribe()');
        $deadline = microtime(true) + PUBSUB_WAIT_S;
        while (($numsub = $r->pubsub('numsub', CHANNELS)) !== [CHANNELS[0] => 2, CHANNELS[1] => 2] && microtime(true) < $deadline) {
            usleep(20_000);
        }
        expect($r, $numsub, [CHANNELS[0] => 2, CHANNELS[1] => 2], 'PUBSUB NUMSUB with two subscribers per channel (summed over every node)');
        // NUMPAT counts distinct patterns, as Redis does: more subscribers of one pattern count once. Compared at the
        // end of the section, so a wrong count does not hide the checks after it.
        $others = [];
        for ($i = 0; $i < EXTRA_PATTERN_SUBSCRIBERS - 1; $i++) { // the phpredis child is one of them
            $others[] = $other = new RespConnection($r->getHost(), $r->getPort());
            $other->send('PSUBSCRIBE', PATTERN);
            expect($r, $other->read(), ['psubscribe', PATTERN, 1], 'PSUBSCRIBE confirmation of another subscriber');
        }
        $numpatShared = $r->pubsub('numpat');
        array_walk($others, fn (RespConnection $other) => $other->close());
        $channels = $r->pubsub('channels', PREFIX . 'ps:*');
        sort($channels);
        expect($r, $channels, CHANNELS, 'PUBSUB CHANNELS while subscribed');
        expect($r, $r->pubsub('numsub', [PREFIX . 'ps:nobody']), [PREFIX . 'ps:nobody' => 0], 'PUBSUB NUMSUB of a channel nobody subscribed');
        // Interleaved publishes from one connection; each channel's messages must arrive in publish order.
        // (PUBLISH's own reply is not checked: a Redis Cluster node counts only the subscribers connected to it.)
        for ($i = 0; $i < PUBSUB_MESSAGES; $i++) {
            foreach ($published as $channel) {
                $r->publish($channel, "$channel #$i");
            }
        }
        $received = array_fill_keys($published, []);
        for ($i = 0; $i < count($published) * PUBSUB_MESSAGES;) {
            $message = $sub->read();
            $channel = ($message[0] ?? null) === 'pmessage' ? $message[2] : ($message[1] ?? null);
            if ($channel === PROBE_CHANNEL) {
                continue; // this connection matches the probes too
            }
            $i++;
            expectTrue($r, isset($received[$channel]), 'message on an unexpected channel: ' . var_export($message, true));
            $received[$channel][] = $message;
        }
        foreach (CHANNELS as $channel) {
            expect($r, $received[$channel], array_map(fn (string $m) => ['message', $channel, $m], $expected[$channel]),
                "messages on $channel, in publish order");
        }
        foreach (PATTERN_CHANNELS as $channel) {
            expect($r, $received[$channel], array_map(fn (string $m) => ['pmessage', PATTERN, $channel, $m], $expected[$channel]),
                "pattern messages on $channel, in publish order");
        }

        [$child] = waitForChild($channelsChild, 'phpredis subscribe()');
        $byChannel = array_fill_keys(CHANNELS, []);
        foreach ($child['messages'] as [$channel, $message]) {
            $byChannel[$channel][] = $message;
        }
        foreach (CHANNELS as $channel) {
            expect($r, $byChannel[$channel] ?? null, $expected[$channel], "phpredis subscribe() messages on $channel, in publish order");
        }
        expect($r, $child['unsubscribe'], array_fill_keys(CHANNELS, true), 'phpredis unsubscribe()');
        [$child] = waitForChild($patternChild, 'phpredis psubscribe()');
        $byChannel = array_fill_keys(PATTERN_CHANNELS, []);
        foreach ($child['messages'] as [$pattern, $channel, $message]) {
            expect($r, $pattern, PATTERN, 'pattern of a phpredis psubscribe() message');
            $byChannel[$channel][] = $message;
        }
        foreach (PATTERN_CHANNELS as $channel) {
            expect($r, $byChannel[$channel] ?? null, $expected[$channel], "phpredis psubscribe() messages on $channel, in publish order");
        }
        expect($r, $child['unsubscribe'], [PATTERN => true], 'phpredis punsubscribe()');

        $sub->send('UNSUBSCRIBE', CHANNELS[0]);
        $sub->send('PUNSUBSCRIBE', PATTERN);
        $sub->send('UNSUBSCRIBE', CHANNELS[1]);
        expect($r, [$sub->read(), $sub->read(), $sub->read()],
            [['unsubscribe', CHANNELS[0], 2], ['punsubscribe', PATTERN, 1], ['unsubscribe', CHANNELS[1], 0]],
            'UNSUBSCRIBE and PUNSUBSCRIBE confirmations');
        expect($r, $r->pubsub('channels', PREFIX . 'ps:*'), [], 'PUBSUB CHANNELS after UNSUBSCRIBE');
        expect($r, $r->pubsub('numsub', CHANNELS), [CHANNELS[0] => 0, CHANNELS[1] => 0], 'PUBSUB NUMSUB after UNSUBSCRIBE');
        expect($r, $r->pubsub('numpat'), $numpatBefore, 'PUBSUB NUMPAT after PUNSUBSCRIBE');
    } finally {
        $sub->close();
    }

    // Sharded pub/sub: one SSUBSCRIBE per channel (their slots differ). As from one Redis server, each reply counts all
    // of this connection's shard channels; the counts are compared after the messages, so a wrong count does not hide
    // whether delivery works.
    $shard = new RespConnection($r->getHost(), $r->getPort());
    try {
        $confirmations = [];
        foreach (SHARD_CHANNELS as $channel) {
            $shard->send('SSUBSCRIBE', $channel);
            $confirmations[] = $shard->read();
        }
        $numsub = array_merge(...array_map(fn (string $channel) => [$channel, 1], SHARD_CHANNELS));
        expect($r, $r->rawCommand('PUBSUB', 'SHARDNUMSUB', ...SHARD_CHANNELS), $numsub, 'PUBSUB SHARDNUMSUB while subscribed');
        for ($i = 0; $i < PUBSUB_MESSAGES; $i++) {
            foreach (SHARD_CHANNELS as $channel) {
                expect($r, $r->rawCommand('SPUBLISH', $channel, "$channel #$i"), 1, "SPUBLISH to $channel");
            }
        }
        $received = array_fill_keys(SHARD_CHANNELS, []);
        for ($i = 0; $i < count(SHARD_CHANNELS) * PUBSUB_MESSAGES; $i++) {
            $message = $shard->read();
            expectTrue($r, is_array($message) && count($message) === 3 && $message[0] === 'smessage' && isset($received[$message[1]]),
                'expected an smessage, got ' . var_export($message, true));
            $received[$message[1]][] = $message[2];
        }
        foreach (SHARD_CHANNELS as $channel) {
            expect($r, $received[$channel], array_map(fn (int $i) => "$channel #$i", range(0, PUBSUB_MESSAGES - 1)),
                "shard messages on $channel, in publish order");
        }
        foreach (SHARD_CHANNELS as $channel) {
            $shard->send('SUNSUBSCRIBE', $channel);
            $confirmations[] = $shard->read();
        }
        $numsub = array_merge(...array_map(fn (string $channel) => [$channel, 0], SHARD_CHANNELS));
        expect($r, $r->rawCommand('PUBSUB', 'SHARDNUMSUB', ...SHARD_CHANNELS), $numsub, 'PUBSUB SHARDNUMSUB after SUNSUBSCRIBE');
        $count = count(SHARD_CHANNELS);
        $shardCounts = [$confirmations, array_merge(
            array_map(fn (string $channel, int $i) => ['ssubscribe', $channel, $i + 1], SHARD_CHANNELS, range(0, $count - 1)),
            array_map(fn (string $channel, int $i) => ['sunsubscribe', $channel, $count - $i - 1], SHARD_CHANNELS, range(0, $count - 1))),
            'SSUBSCRIBE and SUNSUBSCRIBE confirmations, one channel each'];
    } finally {
        $shard->close();
    }
    $mismatches = [];
    foreach ([[$numpatShared, $numpatBefore + 1, sprintf('PUBSUB NUMPAT with %d subscribers of one pattern', 1 + EXTRA_PATTERN_SUBSCRIBERS)], $shardCounts] as [$actual, $expected, $what]) {
        if ($actual !== $expected) {
            $mismatches[] = sprintf('%s: expected %s, got %s', $what, json_encode($expected), json_encode($actual));
        }
    }
    expectTrue($r, $mismatches === [], implode('; ', $mismatches));
}

function section_scripts(Redis $r): void
{
    $tags = array_map(fn (int $i) => '{' . PREFIX . "lua:$i}", range(0, SCRIPT_TAG_COUNT - 1));
    $keys = array_map(fn (string $tag) => "$tag:k", $tags);
    $lists = array_map(fn (string $tag) => ["$tag:l1", "$tag:l2"], $tags);
    $swapped = array_map(fn (string $tag) => "$tag:f", $tags);
    $r->del(array_merge($keys, array_merge(...$lists), $swapped));

    $sha = $r->script('load', SET_AND_GET);
    expect($r, $sha, sha1(SET_AND_GET), "SCRIPT LOAD answers the script's SHA1");
    expect($r, $r->script('exists', $sha, str_repeat('0', 40)), [1, 0], 'SCRIPT EXISTS of the loaded script and an unknown one');
    foreach ($keys as $i => $key) {
        expect($r, $r->evalSha($sha, [$key, "v$i"], 1), [$key, "v$i"], "EVALSHA on $key");
    }
    expect($r, $r->mGet($keys), array_map(fn (int $i) => "v$i", array_keys($keys)), 'values the EVALSHAs set');
    foreach ($lists as [$first, $second]) {
        expect($r, $r->eval(PUSH_TWO, [$first, $second, 'a', 'b'], 2), 2, "EVAL with keys $first $second");
    }
    expect($r, $r->eval(NO_KEYS, ['no keys'], 0), ['no keys', 42, 'lua'], 'EVAL with 0 keys');

    expect($r, $r->rawCommand('FUNCTION', 'LOAD', 'REPLACE', LIBRARY), LIBRARY_NAME, 'FUNCTION LOAD REPLACE');
    expect($r, $r->rawCommand('FUNCTION', 'LOAD', 'REPLACE', LIBRARY), LIBRARY_NAME, 'FUNCTION LOAD REPLACE of a loaded library');
    try {
        foreach ($swapped as $i => $key) {
            expect($r, $r->rawCommand('FCALL', 'php_swap', '1', $key, "first $i"), '', "FCALL on $key (no old value)");
            expect($r, $r->rawCommand('FCALL', 'php_swap', '1', $key, "second $i"), "first $i", "FCALL again on $key");
        }
    } finally {
        expect($r, $r->rawCommand('FUNCTION', 'DELETE', LIBRARY_NAME), true, 'FUNCTION DELETE');
    }
    $r->clearLastError();
    try {
        $reply = $r->rawCommand('FCALL', 'php_swap', '1', $swapped[0], 'x');
        $error = $r->getLastError();
    } catch (RedisException $exception) {
        $reply = false;
        $error = $exception->getMessage();
    }
    expectTrue($r, $reply === false && str_contains((string) $error, 'Function not found'),
        'FCALL after FUNCTION DELETE: expected an error, got ' . var_export($reply, true) . ' (error ' . var_export($error, true) . ')');
    $r->clearLastError();
    keep(...$keys, ...array_merge(...$lists), ...$swapped);
}

function section_keyspace(Redis $r): void
{
    global $liveKeys;
    $keys = array_keys($liveKeys);
    expect($r, $r->exists(...$keys), count($keys), 'EXISTS of every key this run left behind');
    $size = $r->dbSize();
    expectTrue($r, $size >= count($keys), sprintf('DBSIZE: expected at least %d, got %s', count($keys), var_export($size, true)));
}

// The keyspace section stays last: it counts what the others left behind.
const SECTIONS = [
    'section_connection',
    'section_strings',
    'section_expiry',
    'section_hashes',
    'section_lists',
    'section_sets',
    'section_sorted_sets',
    'section_hyperloglog',
    'section_streams',
    'section_multi_key',
    'section_pipeline',
    'section_hashtag_and_crossslot',
    'section_transactions',
    'section_blocking',
    'section_pubsub',
    'section_scripts',
    'section_keyspace',
];

function main(array $argv): int
{
    $host = $argv[1] ?? (getenv('SLOTGATE_HOST') ?: '127.0.0.1');
    $port = (int) ($argv[2] ?? (getenv('SLOTGATE_PORT') ?: '7000'));
    printf("phpredis %s on PHP %s against %s:%d\n", phpversion('redis'), PHP_VERSION, $host, $port);
    $r = new Redis();
    $r->connect($host, $port, 10.0);
    $r->setOption(Redis::OPT_READ_TIMEOUT, 10.0);
    $failed = [];
    foreach (SECTIONS as $section) {
        $name = substr($section, strlen('section_'));
        $started = hrtime(true);
        $r->clearLastError();
        try {
            $section($r);
            printf("PASS %s (%d ms)\n", $name, (hrtime(true) - $started) / 1e6);
        } catch (Mismatch $mismatch) {
            $failed[] = $name;
            printf("FAIL %s: %s\n", $name, $mismatch->getMessage());
        } catch (Throwable $error) { // a library error is a failure of this section, not of the whole run
            $failed[] = $name;
            printf("FAIL %s: unexpected %s\n", $name, $error);
            if ($r->getMode() !== Redis::ATOMIC) {
                $r->discard();
            }
        }
    }
    $r->close();
    printf("%d sections passed, %d failed%s\n", count(SECTIONS) - count($failed), count($failed),
        $failed === [] ? '' : ': ' . implode(', ', $failed));
    return $failed === [] ? 0 : 1;
}

exit(main($argv));
