using System.IO.Pipelines;
using Slotgate.Backend;

namespace Slotgate.Tests.Support.InMemory;

/// <summary>Connects Slotgate's backend connections to <see cref="InMemoryRedisNode"/>s through in-memory pipes.</summary>
internal sealed class InMemoryConnector : IBackendConnector
{
    // Inline scheduling: continuations run on the writer's thread, so no thread-pool work item is allocated per wake-up
    // and the measurements see Slotgate's own allocations only.
    internal static readonly PipeOptions InlinePipe = new(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    private readonly Dictionary<string, InMemoryRedisNode> _nodes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Nodes that each own every slot.</summary>
    public InMemoryConnector(params string[] endpoints)
        : this(null, endpoints)
    {
    }

    /// <summary>Nodes of one cluster that share <paramref name="slots"/> (null: each owns every slot).</summary>
    public InMemoryConnector(InMemorySlotTable? slots, params string[] endpoints)
    {
        foreach (string endpoint in endpoints)
        {
            _nodes[endpoint] = new InMemoryRedisNode(endpoint, slots);
        }
    }

    public InMemoryRedisNode Node(string endpoint) => _nodes[endpoint];

    public Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (!_nodes.TryGetValue(endpoint, out InMemoryRedisNode? node))
        {
            throw new IOException($"no in-memory node at {endpoint}");
        }
        var toNode = new Pipe(InlinePipe);
        var fromNode = new Pipe(InlinePipe);
        _ = node.ServeAsync(new DuplexPipe(toNode.Reader, fromNode.Writer));
        var proxySide = new DuplexPipe(fromNode.Reader, toNode.Writer);
        return Task.FromResult(new BackendTransport(proxySide, () =>
        {
            toNode.Writer.Complete();
            fromNode.Reader.CancelPendingRead();
        }));
    }
}
