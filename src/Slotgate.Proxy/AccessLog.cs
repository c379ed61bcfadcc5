using System.Text;
using Microsoft.Extensions.Logging;
using Slotgate.Configuration;
using Slotgate.Diagnostics;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// The optional access log (<c>diagnostics.accessLog</c>): one line for a sample of commands with the client, the
/// command, its argument count, result and time. Arguments are left out unless asked for, and then cut to 32 bytes
/// each, because they hold application data. Sampling keeps the cost off most commands.
/// </summary>
internal sealed partial class AccessLog(ILogger logger, DiagnosticsOptions options)
{
    private const int ArgumentBytes = 32;

    public void Write(ClientInfo client, ProxyRequest request, CommandStat stat, CommandResult result, long micros)
    {
        if (options.AccessLogSampleRate <= 0 || (options.AccessLogSampleRate < 1 && Random.Shared.NextDouble() >= options.AccessLogSampleRate) ||
            !logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        string arguments = options.AccessLogArguments ? Arguments(request) : string.Empty;
        // A PROXY protocol client's identity goes before the arguments, which may be cut short.
        string identity = client.Identity is null ? string.Empty : " identity=" + client.Identity;
        Log.Command(logger, client.Id, client.RemoteEndpoint, stat.Name, request.Frame.ArgCount - 1, result.ToString().ToLowerInvariant(), micros, identity, arguments);
    }

    private static string Arguments(ProxyRequest request)
    {
        var text = new StringBuilder();
        for (int i = 1; i < request.Frame.ArgCount && i <= 16; i++)
        {
            ReadOnlySpan<byte> arg = request.Frame.Arg(i);
            text.Append(' ').Append(Encoding.UTF8.GetString(arg.Length > ArgumentBytes ? arg[..ArgumentBytes] : arg));
            if (arg.Length > ArgumentBytes)
            {
                text.Append('…');
            }
        }
        return text.ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, Level = LogLevel.Information,
            Message = "Access client={ClientId} addr={Address} cmd={Command} args={ArgCount} result={Result} us={Micros}{Identity}{Arguments}")]
        public static partial void Command(ILogger logger, long clientId, string address, string command, int argCount, string result, long micros, string identity, string arguments);
    }
}
