using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Slotgate.Backend;

namespace Slotgate.Tests.Backend;

/// <summary>
/// A node that resets every connection right after accepting it: without a limit each command would open a new
/// connection (a connection that worked is replaced at once, without back-off). backend.maxReconnectsPerSecond caps it.
/// </summary>
public class ReconnectLimitTests
{
    [Fact]
    public async Task Send_NodeResetsEveryConnection_ReconnectsCappedPerSecond()
    {
        var connector = new ResettingConnector();
        var settings = new BackendSettings { ConnectionsPerNode = 2, MaxReconnectsPerSecond = 5 };
        var node = new BackendNode("127.0.0.1:7001", connector, settings, NullLogger.Instance);
        var errors = new List<string>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            var request = new ControlRequest(["GET", "k"]);
            node.Send(request, affinity: errors.Count);
            BackendException failed = await Assert.ThrowsAsync<BackendException>(() => request.Reply.WaitAsync(TimeSpan.FromSeconds(5)));
            errors.Add(failed.Message);
            await Task.Delay(1);
        }

        // Two first connections, a burst of five, and five more per second after that.
        Assert.InRange(connector.Connects, 2, 2 + 5 + 6);
        Assert.True(errors.Count > 20, $"only {errors.Count} commands");
        Assert.Contains(errors, e => e.Contains("backend.maxReconnectsPerSecond", StringComparison.Ordinal));
        await node.CloseAsync();
    }
}
