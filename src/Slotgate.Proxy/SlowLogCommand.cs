using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Commands;
using Slotgate.Diagnostics;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>SLOWLOG GET/LEN/RESET/HELP over Slotgate's own slow log, with Redis's reply shapes.</summary>
internal static class SlowLogCommand
{
    public static void Execute(SlowLog log, ProxyRequest request, LocalCommand command)
    {
        var reply = request.ReplyWriter;
        switch (command)
        {
            case LocalCommand.SlowLogLen:
                RespWriter.WriteInteger(reply, log.Count);
                break;
            case LocalCommand.SlowLogReset:
                log.Reset();
                reply.Write("+OK\r\n"u8);
                break;
            case LocalCommand.SlowLogHelp:
                string[] help =
                [
                    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                    "    Entries are made of: id, timestamp, time in microseconds, arguments array, client IP and port, client name",
                    "LEN", "    Return the length of the slowlog.",
                    "RESET", "    Reset the slowlog.",
                    "HELP", "    Print this help.",
                ];
                RespWriter.WriteArrayHeader(reply, help.Length);
                foreach (string line in help)
                {
                    RespWriter.WriteSimpleString(reply, Encoding.ASCII.GetBytes(line));
                }
                break;
            default:
                Get(log, request);
                break;
        }
    }

    private static void Get(SlowLog log, ProxyRequest request)
    {
        int count = 10;
        if (request.Frame.ArgCount > 2)
        {
            if (!int.TryParse(Encoding.ASCII.GetString(request.Frame.Arg(2)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out count) || count < -1)
            {
                request.SetError("ERR count should be greater than or equal to -1");
                return;
            }
        }
        var reply = request.ReplyWriter;
        IReadOnlyList<SlowLogEntry> entries = log.Get(count);
        RespWriter.WriteArrayHeader(reply, entries.Count);
        foreach (SlowLogEntry entry in entries)
        {
            RespWriter.WriteArrayHeader(reply, 6);
            RespWriter.WriteInteger(reply, entry.Id);
            RespWriter.WriteInteger(reply, entry.UnixTime);
            RespWriter.WriteInteger(reply, entry.Micros);
            RespWriter.WriteArrayHeader(reply, entry.Arguments.Count);
            foreach (byte[] argument in entry.Arguments)
            {
                RespWriter.WriteBulkString(reply, argument);
            }
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(entry.ClientAddress));
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(entry.ClientName));
        }
    }
}
