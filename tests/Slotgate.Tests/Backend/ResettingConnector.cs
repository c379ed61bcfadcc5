using System.IO.Pipelines;
using Slotgate.Backend;

namespace Slotgate.Tests.Backend;

/// <summary>A node that accepts every connection and resets it at once; counts the connections made.</summary>
internal sealed class ResettingConnector : IBackendConnector
{
    private int _connects;

    public int Connects => Volatile.Read(ref _connects);

    public Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connects);
        var toNode = new Pipe();
        var fromNode = new Pipe();
        fromNode.Writer.Complete(); // the reset: the proxy reads end-of-stream right away
        var proxySide = new Support.InMemory.DuplexPipe(fromNode.Reader, toNode.Writer);
        return Task.FromResult(new BackendTransport(proxySide, () => toNode.Writer.Complete()));
    }
}
