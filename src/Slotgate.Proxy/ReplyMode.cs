using System.Text;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// CLIENT REPLY ON|OFF|SKIP as Redis applies it, kept by the session's <see cref="ReplyWriter"/>: the writer sees the
/// commands in the order the client sent them, so it knows which replies a CLIENT REPLY before them turned off. The
/// commands still run; only their replies (errors too) are not written. OFF and SKIP have no reply of their own; ON
/// answers +OK, and so RESET answers +RESET, both turning replies back on. Published messages are written whatever the
/// mode, as Redis 7.0 does.
/// </summary>
internal struct ReplyMode
{
    private bool _off;
    private bool _skipNext;

    /// <summary>True while some reply may be suppressed: the copy-once path leaves every reply to the writer's loop then.</summary>
    public readonly bool Active => _off || _skipNext;

    /// <summary>Whether <paramref name="request"/>'s reply is suppressed; notes a CLIENT REPLY or RESET it answers.</summary>
    public bool Suppress(ProxyRequest request)
    {
        bool suppressed = _off || _skipNext;
        _skipNext = false;
        switch (Switch(request))
        {
            case 'O':
                _off = true;
                return true;
            case 'S':
                _skipNext = true;
                return true;
            case 'N':
                _off = false;
                return false;
            default:
                return suppressed;
        }
    }

    /// <summary>
    /// 'O' (CLIENT REPLY OFF), 'S' (SKIP) or 'N' (ON, or RESET) for a command that ran and so changes the mode; '\0'
    /// for every other command. OFF and SKIP ran when they have no reply: queued in MULTI they answer +QUEUED, refused
    /// they answer an error. ON and RESET answer +OK and +RESET.
    /// </summary>
    private static char Switch(ProxyRequest request)
    {
        Protocol.RequestFrame frame = request.Frame;
        if (frame.ArgCount == 1 && frame.Arg(0).Length == 5 && Ascii.EqualsIgnoreCase(frame.Arg(0), "RESET"u8))
        {
            return request.Reply.Span.StartsWith("+RESET"u8) ? 'N' : '\0';
        }
        if (frame.ArgCount != 3 || frame.Arg(0).Length != 6 || !Ascii.EqualsIgnoreCase(frame.Arg(0), "CLIENT"u8)
            || !Ascii.EqualsIgnoreCase(frame.Arg(1), "REPLY"u8))
        {
            return '\0';
        }
        ReadOnlySpan<byte> mode = frame.Arg(2);
        if (request.Reply.IsEmpty)
        {
            return Ascii.EqualsIgnoreCase(mode, "OFF"u8) ? 'O' : Ascii.EqualsIgnoreCase(mode, "SKIP"u8) ? 'S' : '\0';
        }
        return Ascii.EqualsIgnoreCase(mode, "ON"u8) && request.Reply.Span.SequenceEqual("+OK\r\n"u8) ? 'N' : '\0';
    }
}
