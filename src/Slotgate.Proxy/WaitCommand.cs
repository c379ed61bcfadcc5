using System.Globalization;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// WAIT numreplicas timeout over the shards the client wrote to. A client's writes share pipelined connections with other
/// clients, so Redis's own WAIT (which blocks the connection) cannot be used. Instead Slotgate reads each touched
/// primary's replication offset on the client's own connection — after the client's writes, so the offset covers them —
/// then watches the replicas' acknowledged offsets (INFO replication) until enough have caught up or the timeout ends.
/// The reply is the smallest number of acknowledging replicas over those shards, as Redis counts them. Replicas
/// acknowledge about once a second, so WAIT takes up to about a second longer than on a single Redis.
/// </summary>
internal sealed class WaitCommand(BackendPool pool, TopologyRefresher topology)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    public void Execute(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        if (!TryParse(frame.Arg(1), out long wanted) || !TryParse(frame.Arg(2), out long timeoutMs) || timeoutMs < 0)
        {
            request.SetError("ERR value is not an integer or out of range");
            request.Complete();
            return;
        }
        IReadOnlyList<string> primaries = session.TouchedPrimaries();
        if (primaries.Count == 0)
        {
            primaries = [.. topology.Current.Shards.Select(s => s.Primary.Endpoint)];
        }
        _ = RunAsync(request, primaries, wanted, timeoutMs);
    }

    private async Task RunAsync(ProxyRequest request, IReadOnlyList<string> primaries, long wanted, long timeoutMs)
    {
        try
        {
            var targets = new long[primaries.Count];
            for (int i = 0; i < primaries.Count; i++)
            {
                RespValue info = await pool.ExecuteAsync(primaries[i], request.Affinity, CallTimeout, "INFO", "replication").ConfigureAwait(false);
                targets[i] = ReadField(info.Text, "master_repl_offset");
            }
            DateTime deadline = timeoutMs == 0 ? DateTime.MaxValue : DateTime.UtcNow.AddMilliseconds(timeoutMs);
            long acknowledged;
            while (true)
            {
                acknowledged = long.MaxValue;
                for (int i = 0; i < primaries.Count; i++)
                {
                    RespValue info = await pool.ExecuteAsync(primaries[i], CallTimeout, "INFO", "replication").ConfigureAwait(false);
                    acknowledged = Math.Min(acknowledged, CountAcknowledged(info.Text, targets[i]));
                }
                if (acknowledged >= wanted || DateTime.UtcNow >= deadline)
                {
                    break;
                }
                await Task.Delay(PollInterval).ConfigureAwait(false);
            }
            RespWriter.WriteInteger(request.ReplyWriter, acknowledged == long.MaxValue ? 0 : acknowledged);
        }
        catch (Exception ex) when (ex is BackendException or TimeoutException or RespProtocolException)
        {
            request.SetError(ex.Message.StartsWith("ERR", StringComparison.Ordinal) ? ex.Message : "ERR Slotgate: WAIT failed: " + ex.Message);
        }
        request.Complete();
    }

    /// <summary>Replicas whose acknowledged offset (<c>slaveN:...,offset=N,...</c>) reached <paramref name="target"/>.</summary>
    private static long CountAcknowledged(string? info, long target)
    {
        long count = 0;
        foreach (string line in (info ?? string.Empty).Split('\n'))
        {
            if (!line.StartsWith("slave", StringComparison.Ordinal) || !line.Contains("state=online", StringComparison.Ordinal))
            {
                continue;
            }
            int at = line.IndexOf("offset=", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }
            ReadOnlySpan<char> rest = line.AsSpan(at + 7);
            int end = rest.IndexOf(',');
            if (long.TryParse(end < 0 ? rest.TrimEnd('\r') : rest[..end], NumberStyles.Integer, CultureInfo.InvariantCulture, out long offset) && offset >= target)
            {
                count++;
            }
        }
        return count;
    }

    private static long ReadField(string? info, string field)
    {
        foreach (string line in (info ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal) &&
                long.TryParse(line.AsSpan(field.Length + 1).TrimEnd('\r'), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }
        }
        return 0;
    }

    private static bool TryParse(ReadOnlySpan<byte> text, out long value) =>
        System.Buffers.Text.Utf8Parser.TryParse(text, out value, out int used) && used == text.Length;
}
