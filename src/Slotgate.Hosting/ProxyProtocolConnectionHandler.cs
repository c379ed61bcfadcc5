using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Slotgate.Configuration;
using Slotgate.Diagnostics;
using Slotgate.Protocol;

namespace Slotgate.Hosting;

/// <summary>
/// The entry point for connections on <c>proxyProtocol.listen</c>, on either transport: the peer must be one of
/// <c>proxyProtocol.trustedProxies</c> and must send a whole, valid PROXY protocol header within
/// <c>proxyProtocol.headerTimeout</c>; then the connection is served as any RESP client, with the header's source
/// address and identity. Anything else closes only this connection, with one log line naming the peer and the reason.
/// Bytes after the header in the same read stay in the pipe: they are the client's first commands.
/// </summary>
internal sealed partial class ProxyProtocolConnectionHandler : ConnectionHandler
{
    private readonly RespConnectionHandler _resp;
    private readonly SlotgateMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IPNetwork[] _trusted;
    private readonly TimeSpan _timeout;

    public ProxyProtocolConnectionHandler(RespConnectionHandler resp, SlotgateOptions options, SlotgateMetrics metrics, ILogger<ProxyProtocolConnectionHandler> logger)
    {
        _resp = resp;
        _metrics = metrics;
        _logger = logger;
        // Validated at start-up: every entry parses.
        _trusted = [.. options.ProxyProtocol.TrustedProxies.Select(cidr => OptionsValidator.TryParseCidr(cidr, out IPNetwork network)
            ? network
            : throw new InvalidOperationException($"proxyProtocol.trustedProxies: '{cidr}' is not a CIDR"))];
        _timeout = options.ProxyProtocol.HeaderTimeout;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        string peer = connection.RemoteEndPoint?.ToString() ?? "?";
        if (!IsTrusted(connection.RemoteEndPoint, _trusted))
        {
            _metrics.ClientRejected("proxy_protocol");
            Log.Untrusted(_logger, peer);
            return;
        }
        (ProxyHeader? header, string? error, bool silent) = await ReadHeaderAsync(connection.Transport.Input).ConfigureAwait(false);
        if (header is null)
        {
            _metrics.ClientRejected("proxy_protocol");
            if (silent)
            {
                Log.ClosedBeforeHeader(_logger, peer);
            }
            else
            {
                Log.BadHeader(_logger, peer, error!);
            }
            return;
        }
        await _resp.ServeAsync(connection, header).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="endpoint"/> may send a header (IPv4 peers of a dual-stack socket as IPv4).</summary>
    internal static bool IsTrusted(EndPoint? endpoint, IReadOnlyList<IPNetwork> trusted)
    {
        if (endpoint is not IPEndPoint { Address: var address })
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (IPNetwork network in trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <returns>The header, or null with the reason; <c>silent</c> when the peer closed without sending a byte.</returns>
    private async Task<(ProxyHeader? Header, string? Error, bool Silent)> ReadHeaderAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(_timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (null, $"no complete header within proxyProtocol.headerTimeout ({ConfigValueParser.FormatDuration(_timeout)})", false);
            }
            catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException)
            {
                return (null, "connection reset before the header was complete", false);
            }
            ReadOnlySequence<byte> buffer = result.Buffer;
            switch (ProxyHeaderParser.TryParse(buffer, out ProxyHeader? header, out long consumed, out string? error))
            {
                case ProxyHeaderStatus.Complete:
                    input.AdvanceTo(buffer.GetPosition(consumed));
                    return (header, null, false);
                case ProxyHeaderStatus.Invalid:
                    input.AdvanceTo(buffer.Start);
                    return (null, error, false);
                default:
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        bool empty = buffer.IsEmpty;
                        input.AdvanceTo(buffer.Start);
                        return (null, $"closed after {buffer.Length} bytes of an incomplete header (truncated)", empty);
                    }
                    input.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 720, Level = LogLevel.Warning,
            Message = "PROXY protocol: closed the connection from {Peer}: not in proxyProtocol.trustedProxies")]
        public static partial void Untrusted(ILogger logger, string peer);

        [LoggerMessage(EventId = 721, Level = LogLevel.Warning, Message = "PROXY protocol: closed the connection from {Peer}: {Reason}")]
        public static partial void BadHeader(ILogger logger, string peer, string reason);

        [LoggerMessage(EventId = 722, Level = LogLevel.Debug,
            Message = "PROXY protocol: {Peer} closed the connection without sending a header (a TCP health check?)")]
        public static partial void ClosedBeforeHeader(ILogger logger, string peer);
    }
}
