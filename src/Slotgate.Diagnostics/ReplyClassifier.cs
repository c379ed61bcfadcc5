namespace Slotgate.Diagnostics;

/// <summary>Tells from a reply's first bytes how the command ended, for the <c>result</c> label.</summary>
internal static class ReplyClassifier
{
    public static CommandResult Classify(ReadOnlySpan<byte> reply)
    {
        if (reply.IsEmpty || reply[0] != (byte)'-')
        {
            return CommandResult.Ok;
        }
        if (reply.StartsWith("-MOVED "u8) || reply.StartsWith("-ASK "u8) || reply.StartsWith("-TRYAGAIN"u8))
        {
            // Only when the redirect budget ran out does a client see one.
            return CommandResult.Redirect;
        }
        // Slotgate's own timeout errors: "ERR Slotgate: timeout after ..." (see BackendConnection.CheckTimeout).
        if (reply.StartsWith("-ERR Slotgate: timeout"u8))
        {
            return CommandResult.Timeout;
        }
        return CommandResult.Error;
    }
}
