using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Slotgate.Backend;

namespace Slotgate.Tests.Backend;

/// <summary>
/// The operation timeout looks at the oldest unanswered request's send time. Requests Slotgate adds itself (the
/// ASKING before an ASK-redirected command, the connection handshake) must carry theirs, or a healthy connection is
/// failed as timed out while their replies are on the way (the chaos scale-in scenario caught this).
/// </summary>
public class BackendConnectionTimeoutTests
{
    private static readonly BackendSettings Settings = new() { OperationTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task CheckTimeout_AskingJustSent_ConnectionNotFailed()
    {
        var connection = new BackendConnection("127.0.0.1:7001", new SilentConnector(), Settings, NullLogger.Instance);
        connection.Start();
        var request = new FireAndForgetRequest("GET"u8.ToArray(), "k"u8.ToArray()) { Asking = true };
        connection.Send(request);
        await Wait.UntilAsync(() => request.SentTo is not null);

        connection.CheckTimeout(Stopwatch.GetTimestamp());

        Assert.False(connection.IsFailed, connection.Failure);
        connection.Close("test over");
    }

    [Fact]
    public async Task CheckTimeout_HandshakeJustSent_ConnectionNotFailed()
    {
        var connection = new BackendConnection("127.0.0.1:7001", new SilentConnector(), Settings, NullLogger.Instance) { LearnClientId = true };
        connection.Start();
        await Wait.UntilAsync(() => connection.IsConnected);

        connection.CheckTimeout(Stopwatch.GetTimestamp());

        Assert.False(connection.IsFailed, connection.Failure);
        connection.Close("test over");
    }
}
