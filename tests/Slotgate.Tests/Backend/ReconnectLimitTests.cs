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
        // A fixed number of commands, not a fixed time: on a loaded machine fewer would fit in a second.
        for (int i = 0; i < 40; i++)
        {
            var request = new ControlRequest(["GET", "k"]);
            node.Send(request, affinity: errors.Count);
            BackendException failed = await Assert.ThrowsAsync<BackendException>(() => request.Reply.WaitAsync(TimeSpan.FromSeconds(5)));
            errors.Add(failed.Message);
            await Task.Delay(1);
        }

        // Two first connections, a burst of five, and five more per second after that (one spare per second for timing).
        int seconds = (int)Math.Ceiling(watch.Elapsed.TotalSeconds);
        Assert.InRange(connector.Connects, 2, 2 + 5 + (6 * seconds));
        Assert.True(connector.Connects < errors.Count, $"{connector.Connects} connects for {errors.Count} commands");
        Assert.Contains(errors, e => e.Contains("backend.maxReconnectsPerSecond", StringComparison.Ordinal));
        await node.CloseAsync();
    }
}
