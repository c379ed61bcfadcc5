using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Protocol;

namespace Slotgate.Tests.Support.InMemory;

/// <summary>
/// A minimal Redis Cluster node living in memory, for measuring Slotgate itself (allocation tests, session benchmarks)
/// where a real server's variance or cost would drown the signal, and for redirects a real cluster cannot be made to
/// send on demand. It answers PING, GET (a fixed value), SET (+OK), ASKING, CLUSTER SHARDS and CLUSTER SLOTS, and
/// allocates nothing per command. Alone it owns all 16384 slots; in an <see cref="InMemorySlotTable"/> it answers
/// <c>-MOVED</c> for slots it does not own and <c>-ASK</c> for a slot it is migrating, and serves a slot it is
/// importing only after <c>ASKING</c>, as Redis does. Other behaviour tests use real redis-server.
/// </summary>
internal sealed class InMemoryRedisNode
{
    private static readonly byte[] GetReply = "$5\r\nvalue\r\n"u8.ToArray();
    private readonly InMemorySlotTable? _slots;
    private readonly (byte[] Shards, byte[] Slots) _ownReplies;

    private byte[]? _error;
    private int _errorsLeft;
    private int _keyedReceived;
    private int _keyed;
    private int _redirectsSent;
    private int _askingServed;
    private int _topologyQueries;

    /// <param name="slots">The cluster's shared layout; null for a node that owns every slot.</param>
    public InMemoryRedisNode(string endpoint, InMemorySlotTable? slots = null)
    {
        Endpoint = endpoint;
        _slots = slots;
        _ownReplies = new InMemorySlotTable().Assign(0, HashSlot.Count - 1, endpoint).Replies();
    }

    public string Endpoint { get; }

    /// <summary>GET and SET commands that reached this node, whatever it answered (counted with a slot table only).</summary>
    public int KeyedCommandsReceived => Volatile.Read(ref _keyedReceived);

    /// <summary><c>-MOVED</c> and <c>-ASK</c> this node answered from the slot table.</summary>
    public int RedirectsSent => Volatile.Read(ref _redirectsSent);

    /// <summary>GET and SET commands this node ran, not those it redirected or failed (counted with a slot table only).</summary>
    public int KeyedCommandsServed => Volatile.Read(ref _keyed);

    /// <summary>Commands this node ran for an importing slot because <c>ASKING</c> came first on their connection.</summary>
    public int AskingCommandsServed => Volatile.Read(ref _askingServed);

    /// <summary><c>CLUSTER SHARDS</c> and <c>CLUSTER SLOTS</c> asked of this node: each topology refresh asks one.</summary>
    public int TopologyQueries => Volatile.Read(ref _topologyQueries);

    /// <summary>
    /// Makes the next <paramref name="count"/> GETs and SETs answer <paramref name="error"/> instead (e.g. <c>LOADING ...</c>,
    /// <c>TRYAGAIN ...</c>, or a <c>MOVED</c> the slot table gives no reason for), before anything else is checked.
    /// </summary>
    public void FailNextKeyed(int count, string error)
    {
        _error = Encoding.UTF8.GetBytes("-" + error + "\r\n");
        Volatile.Write(ref _errorsLeft, count);
    }

    public async Task ServeAsync(IDuplexPipe connection)
    {
        var parser = new RequestParser();
        var frame = new RequestFrame();
        bool asking = false;
        try
        {
            while (true)
            {
                ReadResult result = await connection.Input.ReadAsync();
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (parser.TryParse(ref buffer, frame))
                {
                    Answer(frame, ref asking, connection.Output);
                }
                connection.Input.AdvanceTo(buffer.Start, buffer.End);
                FlushResult flush = await connection.Output.FlushAsync();
                if (result.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // The proxy side went away.
        }
        await connection.Input.CompleteAsync();
        await connection.Output.CompleteAsync();
    }

    private void Answer(RequestFrame frame, ref bool asking, PipeWriter output)
    {
        ReadOnlySpan<byte> name = frame.Arg(0);
        // ASKING holds for the one command after it, whatever that command is.
        bool askingNow = asking;
        asking = false;
        bool get = Ascii.EqualsIgnoreCase(name, "GET"u8);
        if (get || Ascii.EqualsIgnoreCase(name, "SET"u8))
        {
            // Counted in a cluster only: a lone node serves the allocation tests and benchmarks, which measure Slotgate alone.
            if (_slots is not null)
            {
                Interlocked.Increment(ref _keyedReceived);
            }
            if (Volatile.Read(ref _errorsLeft) > 0 && Interlocked.Decrement(ref _errorsLeft) >= 0)
            {
                output.Write(_error!);
                return;
            }
            if (_slots is not null)
            {
                if (frame.ArgCount > 1 && !ServesSlot(HashSlot.Of(frame.Arg(1)), askingNow, output))
                {
                    return;
                }
                Interlocked.Increment(ref _keyed);
            }
            output.Write(get ? GetReply : "+OK\r\n"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "PING"u8))
        {
            output.Write("+PONG\r\n"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "ASKING"u8))
        {
            asking = true;
            output.Write("+OK\r\n"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "CLUSTER"u8) && frame.ArgCount == 2)
        {
            output.Write(AnswerCluster(frame.Arg(1)));
        }
        else
        {
            output.Write("-ERR unknown command\r\n"u8);
        }
    }

    /// <summary>Redis's checks for a key's slot: owned and not migrated away, or importing and asked for; else a redirect.</summary>
    private bool ServesSlot(int slot, bool asking, PipeWriter output)
    {
        string? owner = _slots!.OwnerOf(slot);
        string? migratingTo = _slots.MigratingTo(slot);
        if (owner == Endpoint)
        {
            if (migratingTo is null)
            {
                return true;
            }
            Redirect(output, "ASK", slot, migratingTo);
            return false;
        }
        if (migratingTo == Endpoint && asking)
        {
            Interlocked.Increment(ref _askingServed);
            return true;
        }
        if (owner is null)
        {
            output.Write("-CLUSTERDOWN Hash slot not served\r\n"u8);
            return false;
        }
        Redirect(output, "MOVED", slot, owner);
        return false;
    }

    private void Redirect(PipeWriter output, string kind, int slot, string endpoint)
    {
        Interlocked.Increment(ref _redirectsSent);
        output.Write(Encoding.UTF8.GetBytes($"-{kind} {slot} {endpoint}\r\n"));
    }

    private ReadOnlySpan<byte> AnswerCluster(ReadOnlySpan<byte> subcommand)
    {
        (byte[] shards, byte[] slots) = _slots?.Replies() ?? _ownReplies;
        if (Ascii.EqualsIgnoreCase(subcommand, "SHARDS"u8))
        {
            if (_slots is { AnswersClusterShards: false })
            {
                return "-ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.\r\n"u8;
            }
            Interlocked.Increment(ref _topologyQueries);
            return shards;
        }
        if (Ascii.EqualsIgnoreCase(subcommand, "SLOTS"u8))
        {
            Interlocked.Increment(ref _topologyQueries);
            return slots;
        }
        return "-ERR unknown subcommand\r\n"u8;
    }
}
