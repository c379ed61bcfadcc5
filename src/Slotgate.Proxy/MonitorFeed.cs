using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Slotgate.Commands;
using Slotgate.Protocol;

namespace Slotgate.Proxy;

/// <summary>
/// The clients in MONITOR mode, and the line each of them is sent for every command any client runs through this
/// Slotgate, in Redis's format: <c>+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"</c>. While nobody monitors, the
/// cost per command is <see cref="Active"/>: one volatile read. While someone does, a command's line is formatted once
/// and copied to each monitor; each monitor's unwritten lines count against its output limit, so one that does not
/// read is closed rather than buffered for without bound.
/// </summary>
internal sealed class MonitorFeed
{
    private readonly Lock _lock = new();
    private volatile ClientSession[] _monitors = [];

    /// <summary>True while at least one client monitors.</summary>
    public bool Active => _monitors.Length != 0;

    /// <summary>How many clients monitor now.</summary>
    public int Count => _monitors.Length;

    /// <summary>Adds <paramref name="session"/> to the monitors; false when it already is one.</summary>
    public bool Add(ClientSession session)
    {
        lock (_lock)
        {
            if (Array.IndexOf(_monitors, session) >= 0)
            {
                return false;
            }
            _monitors = [.. _monitors, session];
            return true;
        }
    }

    /// <summary>Removes <paramref name="session"/> from the monitors (RESET, or the client left); false when it was none.</summary>
    public bool Remove(ClientSession session)
    {
        lock (_lock)
        {
            int index = Array.IndexOf(_monitors, session);
            if (index < 0)
            {
                return false;
            }
            var rest = new ClientSession[_monitors.Length - 1];
            Array.Copy(_monitors, 0, rest, 0, index);
            Array.Copy(_monitors, index + 1, rest, index, rest.Length - index);
            _monitors = rest;
            return true;
        }
    }

    /// <summary>True when <paramref name="session"/> monitors.</summary>
    public bool Contains(ClientSession session) => Array.IndexOf(_monitors, session) >= 0;

    /// <summary>
    /// Sends every monitor the line of <paramref name="frame"/>, which <paramref name="source"/> sent and Slotgate
    /// accepted. As Redis, administrative commands (CONFIG, MONITOR...) are not shown, and passwords are shown as
    /// <c>(redacted)</c>. Scripts (EVAL, FCALL) are shown as Redis shows them when they start; the commands they run
    /// happen on a node, so there are no <c>[0 lua]</c> lines. Call only when <see cref="Active"/>.
    /// </summary>
    public void Feed(ClientSession source, RequestFrame frame, CommandInfo command)
    {
        ClientSession[] monitors = _monitors;
        if (monitors.Length == 0 || (command.Flags & CommandFlags.Admin) != 0)
        {
            return;
        }
        var line = new ArrayBufferWriter<byte>(64 + frame.Length);
        Format(line, DateTimeOffset.UtcNow, source.Info.RemoteEndpoint, frame, command.Local);
        var message = new ReadOnlySequence<byte>(line.WrittenMemory);
        foreach (ClientSession monitor in monitors)
        {
            monitor.PushMonitorLine(message);
        }
    }

    /// <summary>Writes one monitor line: time, <c>[0 address]</c>, then each argument quoted as Redis's sdscatrepr does.</summary>
    public static void Format(IBufferWriter<byte> output, DateTimeOffset time, string address, RequestFrame frame, LocalCommand local)
    {
        long micros = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        Span<byte> head = output.GetSpan(32);
        head[0] = (byte)'+';
        Utf8Formatter.TryFormat(micros / 1_000_000, head[1..], out int used);
        int at = 1 + used;
        head[at++] = (byte)'.';
        Utf8Formatter.TryFormat(micros % 1_000_000, head[at..], out used, new StandardFormat('D', 6));
        at += used;
        output.Advance(at);
        output.Write(" [0 "u8);
        output.Write(Encoding.UTF8.GetBytes(address));
        output.Write("] "u8);
        for (int i = 0; i < frame.ArgCount; i++)
        {
            if (i > 0)
            {
                output.Write(" "u8);
            }
            if (IsRedacted(frame, local, i))
            {
                output.Write("\"(redacted)\""u8);
            }
            else
            {
                WriteQuoted(output, frame.Arg(i));
            }
        }
        output.Write("\r\n"u8);
    }

    /// <summary>Passwords Redis hides from monitors: every argument of AUTH, and HELLO's AUTH user and password.</summary>
    private static bool IsRedacted(RequestFrame frame, LocalCommand local, int index)
    {
        if (local == LocalCommand.Auth)
        {
            return index > 0;
        }
        if (local != LocalCommand.Hello)
        {
            return false;
        }
        for (int i = 2; i < frame.ArgCount - 2; i++)
        {
            if (Ascii.EqualsIgnoreCase(frame.Arg(i), "AUTH"u8))
            {
                if (index == i + 1 || index == i + 2)
                {
                    return true;
                }
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(frame.Arg(i), "SETNAME"u8))
            {
                i++;
            }
        }
        return false;
    }

    /// <summary>One argument between double quotes, escaped as Redis's sdscatrepr does.</summary>
    private static void WriteQuoted(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        Span<byte> span = output.GetSpan(2 + (value.Length * 4));
        int at = 0;
        span[at++] = (byte)'"';
        foreach (byte b in value)
        {
            switch (b)
            {
                case (byte)'\\' or (byte)'"':
                    span[at++] = (byte)'\\';
                    span[at++] = b;
                    break;
                case (byte)'\n':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'n';
                    break;
                case (byte)'\r':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'r';
                    break;
                case (byte)'\t':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'t';
                    break;
                case 7:
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'a';
                    break;
                case 8:
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'b';
                    break;
                case >= 0x20 and < 0x7f:
                    span[at++] = b;
                    break;
                default:
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'x';
                    span[at++] = (byte)"0123456789abcdef"[b >> 4];
                    span[at++] = (byte)"0123456789abcdef"[b & 0xf];
                    break;
            }
        }
        span[at++] = (byte)'"';
        output.Advance(at);
    }
}
