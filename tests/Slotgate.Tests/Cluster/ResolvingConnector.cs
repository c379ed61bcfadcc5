using System.Collections.Concurrent;
using System.IO.Pipelines;
using Slotgate.Backend;
using Slotgate.Tests.Support.InMemory;

namespace Slotgate.Tests.Cluster;

/// <summary>
/// In-memory nodes behind a fake DNS: a host name resolves, at every connect, to whichever node it names at that
/// moment (as a Kubernetes pod name after the pod was recreated with a new IP). Nodes can be killed: their connections
/// drop and new ones are refused.
/// </summary>
internal sealed class ResolvingConnector : IBackendConnector
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, InMemoryRedisNode> _nodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ConcurrentBag<BackendTransport>> _open = new(StringComparer.OrdinalIgnoreCase);

    public void AddNode(string endpoint) => _nodes[endpoint] = new InMemoryRedisNode(endpoint);

    /// <summary>From now on <paramref name="name"/> (host:port) resolves to <paramref name="endpoint"/>.</summary>
    public void Point(string name, string endpoint) => _names[name] = endpoint;

    public void Kill(string endpoint)
    {
        _nodes.TryRemove(endpoint, out _);
        foreach (BackendTransport transport in _open.GetValueOrDefault(endpoint) ?? [])
        {
            transport.Abort();
        }
    }

    public Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        string target = _names.GetValueOrDefault(endpoint) ?? endpoint;
        if (!_nodes.TryGetValue(target, out InMemoryRedisNode? node))
        {
            throw new IOException($"connection refused: {endpoint} ({target})");
        }
        var toNode = new Pipe();
        var fromNode = new Pipe();
        _ = node.ServeAsync(new DuplexPipe(toNode.Reader, fromNode.Writer));
        var transport = new BackendTransport(new DuplexPipe(fromNode.Reader, toNode.Writer), () =>
        {
            toNode.Writer.Complete();
            fromNode.Writer.Complete();
        });
        _open.GetOrAdd(target, _ => []).Add(transport);
        return Task.FromResult(transport);
    }
}
