using System.IO.Pipelines;
using Slotgate.Backend;

namespace Slotgate.Tests.Backend;

/// <summary>Connects to a node that accepts everything and answers nothing, for timing tests.</summary>
internal sealed class SilentConnector : IBackendConnector
{
    public Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        var toNode = new Pipe();
        var fromNode = new Pipe();
        var proxySide = new Support.InMemory.DuplexPipe(fromNode.Reader, toNode.Writer);
        return Task.FromResult(new BackendTransport(proxySide, () =>
        {
            toNode.Writer.Complete();
            fromNode.Writer.Complete();
        }));
    }
}
