using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Slotgate.Routing;

/// <summary>
/// Lua script bodies Slotgate has seen (EVAL, SCRIPT LOAD), by SHA1, so an EVALSHA that meets <c>-NOSCRIPT</c> on some
/// shard — a node that never saw the script, or a replica promoted after a failover (Redis does not replicate
/// SCRIPT LOAD) — can be repaired: the body is loaded there and the EVALSHA sent again, without the client noticing.
/// Bounded: past the limit, new scripts are not remembered (their NOSCRIPT reaches the client, as from Redis).
/// </summary>
internal sealed class ScriptCache(int maxScripts = 10_000)
{
    private readonly ConcurrentDictionary<string, byte[]> _bodies = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _bodies.Count;

    /// <summary>Remembers <paramref name="body"/>, keyed by its SHA1 as Redis computes it.</summary>
    public void Remember(ReadOnlySpan<byte> body)
    {
        if (_bodies.Count >= maxScripts)
        {
            return;
        }
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(body, hash);
        string sha = Convert.ToHexStringLower(hash);
        if (!_bodies.ContainsKey(sha))
        {
            _bodies.TryAdd(sha, body.ToArray());
        }
    }

    public bool TryGet(ReadOnlySpan<byte> sha, out byte[]? body)
    {
        body = null;
        return sha.Length == 40 && _bodies.TryGetValue(System.Text.Encoding.ASCII.GetString(sha), out body);
    }
}
