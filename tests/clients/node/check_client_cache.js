'use strict';
// Checks node-redis 5's client-side cache (RESP3, `clientSideCache`) through Slotgate: the client connects (it sends
// CLIENT TRACKING ON while connecting), a second read of a key comes from its cache, and a change made by another
// client invalidates the cached value, for keys on every shard.
//
// Usage: node check_client_cache.js [HOST [PORT]]  (defaults: $SLOTGATE_HOST or 127.0.0.1, $SLOTGATE_PORT or 7000)
// Needs `npm ci` in this folder first. Exit code 0 only when every section passed.

const { createClient, BasicClientSideCache } = require('redis');

const HOST = process.argv[2] || process.env.SLOTGATE_HOST || '127.0.0.1';
const PORT = Number(process.argv[3] || process.env.SLOTGATE_PORT || 7000);
const PREFIX = 'nodecsc:';
// nodecsc:k:0 .. nodecsc:k:29 land on every shard of a 3-primary cluster.
const KEY_COUNT = 30;
const INVALIDATION_WAIT_MS = 5000;

let failures = 0;

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function until(condition, what) {
  const deadline = Date.now() + INVALIDATION_WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function connect(options) {
  const client = createClient({ socket: { host: HOST, port: PORT, reconnectStrategy: false }, RESP: 3, ...options });
  client.on('error', (error) => console.log(`client error: ${error.message}`));
  return client.connect();
}

const SECTIONS = {
  async secondReadFromCache({ reader, writer, cache }) {
    const key = PREFIX + 'one';
    await writer.set(key, 'v1');
    const before = cache.stats();
    check(await reader.get(key) === 'v1', 'first GET did not return v1');
    check(await reader.get(key) === 'v1', 'second GET did not return v1');
    const after = cache.stats();
    check(after.hitCount - before.hitCount === 1, `expected 1 cache hit, got ${after.hitCount - before.hitCount}`);
    check(after.missCount - before.missCount === 1, `expected 1 cache miss, got ${after.missCount - before.missCount}`);
  },

  async otherClientsWriteInvalidates({ reader, writer, cache }) {
    const key = PREFIX + 'changed';
    await writer.set(key, 'old');
    check(await reader.get(key) === 'old', 'GET did not return old');
    check(await reader.get(key) === 'old', 'cached GET did not return old');
    const cached = cache.size();
    await writer.set(key, 'new');
    // The invalidation push removes the entry; the next read goes to the cluster and sees the new value.
    await until(() => cache.size() === cached - 1, 'the cached entry to be invalidated');
    const value = await reader.get(key);
    check(value === 'new', `GET after the change returned ${value}`);
  },

  async everyShardInvalidates({ reader, writer, cache }) {
    const keys = Array.from({ length: KEY_COUNT }, (_, i) => `${PREFIX}k:${i}`);
    for (const key of keys) {
      await writer.set(key, 'a');
    }
    for (const key of keys) {
      check(await reader.get(key) === 'a', `GET ${key} did not return a`);
    }
    const hits = cache.stats().hitCount;
    for (const key of keys) {
      check(await reader.get(key) === 'a', `cached GET ${key} did not return a`);
    }
    check(cache.stats().hitCount - hits === KEY_COUNT, 'the second reads were not all cache hits');
    const cached = cache.size();
    for (const key of keys) {
      await writer.set(key, 'b');
    }
    await until(() => cache.size() === cached - KEY_COUNT, 'every key to be invalidated');
    for (const key of keys) {
      const value = await reader.get(key);
      check(value === 'b', `GET ${key} after the change returned ${value}`);
    }
    await writer.del(keys);
  },

  async trackingInfo({ reader }) {
    const info = await reader.sendCommand(['CLIENT', 'TRACKINGINFO']);
    const flags = info.flags || info[1];
    check([...flags].map(String).includes('on'), `CLIENT TRACKINGINFO flags: ${JSON.stringify([...flags].map(String))}`);
  },
};

async function main() {
  const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  const reader = await connect({ clientSideCache: cache });
  const writer = await connect({});
  for (const [name, section] of Object.entries(SECTIONS)) {
    try {
      await section({ reader, writer, cache });
      console.log(`PASS ${name}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
    }
  }
  await writer.del([PREFIX + 'one', PREFIX + 'changed']);
  reader.destroy();
  writer.destroy();
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((error) => {
  console.log(`FAIL connect: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
