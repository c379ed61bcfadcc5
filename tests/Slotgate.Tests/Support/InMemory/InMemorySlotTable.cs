using System.Text;
using Slotgate.Cluster;

namespace Slotgate.Tests.Support.InMemory;

/// <summary>
/// The slot layout an in-memory cluster's nodes share, as the real cluster's nodes agree on it through gossip: which
/// node owns each slot, and which slots are being migrated (<c>CLUSTER SETSLOT ... MIGRATING</c> on the owner,
/// <c>IMPORTING</c> on the target). The nodes answer <c>CLUSTER SHARDS</c>, <c>CLUSTER SLOTS</c>, <c>-MOVED</c> and
/// <c>-ASK</c> from it.
/// </summary>
internal sealed class InMemorySlotTable
{
    private readonly string?[] _owners = new string?[HashSlot.Count];
    private readonly string?[] _migratingTo = new string?[HashSlot.Count];
    private readonly object _gate = new();
    private (byte[] Shards, byte[] Slots)? _replies;

    /// <summary>False makes the nodes answer <c>CLUSTER SHARDS</c> as Redis 6 does (unknown subcommand), so clients fall back to <c>CLUSTER SLOTS</c>.</summary>
    public bool AnswersClusterShards { get; set; } = true;

    /// <summary>The node that owns <paramref name="slot"/>, or null when no node serves it.</summary>
    public string? OwnerOf(int slot) => Volatile.Read(ref _owners[slot]);

    /// <summary>Where <paramref name="slot"/> is being migrated to, or null when it is not being migrated.</summary>
    public string? MigratingTo(int slot) => Volatile.Read(ref _migratingTo[slot]);

    /// <summary>Gives slots <paramref name="first"/> to <paramref name="last"/> (inclusive) to <paramref name="endpoint"/>.</summary>
    public InMemorySlotTable Assign(int first, int last, string endpoint)
    {
        lock (_gate)
        {
            for (int slot = first; slot <= last; slot++)
            {
                _owners[slot] = endpoint;
                _migratingTo[slot] = null;
            }
            _replies = null;
        }
        return this;
    }

    /// <summary>
    /// Starts moving <paramref name="slot"/> to <paramref name="target"/> with every key already gone from its owner:
    /// the owner answers <c>-ASK</c>, the target serves the slot only after <c>ASKING</c> and answers <c>-MOVED</c> to
    /// the owner otherwise. The map in <c>CLUSTER SHARDS</c> still shows the owner, as in Redis until the migration ends.
    /// </summary>
    public void BeginMigration(int slot, string target) => Volatile.Write(ref _migratingTo[slot], target);

    /// <summary><c>CLUSTER SHARDS</c> (Redis 7) and <c>CLUSTER SLOTS</c> (Redis 6 format) for the current layout.</summary>
    public (byte[] Shards, byte[] Slots) Replies()
    {
        lock (_gate)
        {
            return _replies ??= (Encode(BuildShards()), Encode(BuildSlots()));
        }
    }

    /// <summary>A 40-character node id derived from the endpoint, stable across replies.</summary>
    public static string NodeId(string endpoint) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(endpoint)));

    private List<(int First, int Last, string Owner)> Ranges()
    {
        var ranges = new List<(int First, int Last, string Owner)>();
        for (int slot = 0; slot < HashSlot.Count; slot++)
        {
            string? owner = _owners[slot];
            if (owner is null)
            {
                continue;
            }
            if (ranges.Count > 0 && ranges[^1].Last == slot - 1 && ranges[^1].Owner == owner)
            {
                ranges[^1] = (ranges[^1].First, slot, owner);
            }
            else
            {
                ranges.Add((slot, slot, owner));
            }
        }
        return ranges;
    }

    private string BuildShards()
    {
        List<(int First, int Last, string Owner)> ranges = Ranges();
        List<string> owners = [.. ranges.Select(r => r.Owner).Distinct()];
        var reply = new StringBuilder($"*{owners.Count}\r\n");
        foreach (string owner in owners)
        {
            List<(int First, int Last, string Owner)> own = [.. ranges.Where(r => r.Owner == owner)];
            var (host, port) = Slotgate.Backend.BackendConnection.SplitEndpoint(owner);
            reply.Append("*4\r\n").Append(Bulk("slots")).Append($"*{own.Count * 2}\r\n");
            foreach (var range in own)
            {
                reply.Append($":{range.First}\r\n:{range.Last}\r\n");
            }
            reply.Append(Bulk("nodes")).Append("*1\r\n*12\r\n")
                .Append(Bulk("id")).Append(Bulk(NodeId(owner)))
                .Append(Bulk("port")).Append($":{port}\r\n")
                .Append(Bulk("ip")).Append(Bulk(host))
                .Append(Bulk("endpoint")).Append(Bulk(host))
                .Append(Bulk("role")).Append(Bulk("master"))
                .Append(Bulk("health")).Append(Bulk("online"));
        }
        return reply.ToString();
    }

    private string BuildSlots()
    {
        List<(int First, int Last, string Owner)> ranges = Ranges();
        var reply = new StringBuilder($"*{ranges.Count}\r\n");
        foreach (var (first, last, owner) in ranges)
        {
            var (host, port) = Slotgate.Backend.BackendConnection.SplitEndpoint(owner);
            reply.Append($"*3\r\n:{first}\r\n:{last}\r\n*3\r\n").Append(Bulk(host)).Append($":{port}\r\n").Append(Bulk(NodeId(owner)));
        }
        return reply.ToString();
    }

    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    private static byte[] Encode(string reply) => Encoding.UTF8.GetBytes(reply);
}
