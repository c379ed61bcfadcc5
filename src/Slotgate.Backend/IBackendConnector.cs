namespace Slotgate.Backend;

/// <summary>
/// Opens the byte stream to a Redis node. The production connector uses sockets; tests and benchmarks plug in
/// in-memory nodes, so the whole proxy path can run without a network.
/// </summary>
internal interface IBackendConnector
{
    /// <summary>Connects to <paramref name="endpoint"/> (<c>host:port</c>); throws <see cref="IOException"/> or a socket error on failure.</summary>
    Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken);
}
