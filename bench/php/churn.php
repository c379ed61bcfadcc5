<?php
// The PHP-FPM pattern: every "request" opens a connection, does one SET and one GET, and closes it, as a PHP process
// does when it serves a page. Prints one line: the mean latency per request in microseconds.
//
//   php churn.php single HOST:PORT N   phpredis Redis (one address: Slotgate, or any single server)
//   php churn.php cluster HOST:PORT N  phpredis RedisCluster (cluster-aware; rediscovers the slots on every request,
//                                      as a PHP process without a persistent slot cache does)
if ($argc < 4 || !in_array($argv[1], ['single', 'cluster'], true)) {
    fwrite(STDERR, "usage: php churn.php single|cluster HOST:PORT REQUESTS\n");
    exit(2);
}
[$host, $port] = explode(':', $argv[2]);
$mode = $argv[1];
$requests = (int)$argv[3];

$request = function (int $i) use ($mode, $host, $port): void {
    $key = 'churn:' . ($i % 1000);
    if ($mode === 'cluster') {
        $redis = new RedisCluster(null, ["$host:$port"], 1.0, 1.0);
    } else {
        $redis = new Redis();
        $redis->connect($host, (int)$port, 1.0);
    }
    $redis->set($key, 'v' . $i);
    if ($redis->get($key) !== 'v' . $i) {
        fwrite(STDERR, "churn.php: GET $key did not return what SET wrote\n");
        exit(1);
    }
    $redis->close();
};

// A short warm-up, so the first connection's one-off costs (DNS, the extension's lazy set-up) stay out of the figure.
for ($i = 0; $i < 50; $i++) {
    $request($i);
}
$start = hrtime(true);
for ($i = 0; $i < $requests; $i++) {
    $request($i);
}
$elapsed = hrtime(true) - $start;
printf("%.1f\n", $elapsed / 1000 / $requests);
