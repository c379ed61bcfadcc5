using System.Buffers;
using System.Text;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO, with Redis's replies and error texts; the
/// invalidations themselves are <see cref="TrackingService"/>'s.
/// </summary>
internal static class TrackingCommands
{
    private const string CachingNotAllowed = "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled";

    /// <summary>Answers one of the four subcommands; the request is completed here (CLIENT TRACKING ON once the nodes are ready).</summary>
    public static void Execute(ClientSession session, ProxyRequest request, TrackingService service)
    {
        ReadOnlySpan<byte> subcommand = request.Frame.Arg(1);
        if (Ascii.EqualsIgnoreCase(subcommand, "TRACKING"u8))
        {
            if (Tracking(session, request, service))
            {
                service.CompleteWhenReady(request);
                return;
            }
        }
        else if (Ascii.EqualsIgnoreCase(subcommand, "CACHING"u8))
        {
            Caching(session, request);
        }
        else if (Ascii.EqualsIgnoreCase(subcommand, "GETREDIR"u8))
        {
            RespWriter.WriteInteger(request.ReplyWriter, session.Tracking is { On: true } tracking ? tracking.Redirect : -1);
        }
        else
        {
            Info(session, request);
        }
        request.Complete();
    }

    /// <summary>CLIENT TRACKING ON|OFF [options]; true when tracking was turned on (the reply then waits for the nodes).</summary>
    private static bool Tracking(ClientSession session, ProxyRequest request, TrackingService service)
    {
        RequestFrame frame = request.Frame;
        long redirect = 0;
        bool broadcast = false, optIn = false, optOut = false, noLoop = false;
        List<byte[]> prefixes = [];
        for (int i = 3; i < frame.ArgCount; i++)
        {
            ReadOnlySpan<byte> option = frame.Arg(i);
            bool more = i + 1 < frame.ArgCount;
            if (more && Ascii.EqualsIgnoreCase(option, "REDIRECT"u8))
            {
                i++;
                if (redirect != 0)
                {
                    request.SetError("ERR A client can only redirect to a single other client");
                    return false;
                }
                if (!System.Buffers.Text.Utf8Parser.TryParse(frame.Arg(i), out redirect, out int used) || used != frame.Arg(i).Length)
                {
                    request.SetError("ERR value is not an integer or out of range");
                    return false;
                }
                if (session.Clients.Find(redirect) is null)
                {
                    request.SetError("ERR The client ID you want redirect to does not exist");
                    return false;
                }
            }
            else if (Ascii.EqualsIgnoreCase(option, "BCAST"u8))
            {
                broadcast = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "OPTIN"u8))
            {
                optIn = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "OPTOUT"u8))
            {
                optOut = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "NOLOOP"u8))
            {
                noLoop = true;
            }
            else if (more && Ascii.EqualsIgnoreCase(option, "PREFIX"u8))
            {
                prefixes.Add(frame.Arg(++i).ToArray());
            }
            else
            {
                request.SetError("ERR syntax error");
                return false;
            }
        }
        ReadOnlySpan<byte> mode = frame.Arg(2);
        if (Ascii.EqualsIgnoreCase(mode, "OFF"u8))
        {
            if (session.Tracking is { } current)
            {
                service.Disable(current);
            }
            request.ReplyWriter.Write(RespWriter.Ok);
            return false;
        }
        if (!Ascii.EqualsIgnoreCase(mode, "ON"u8))
        {
            request.SetError("ERR syntax error");
            return false;
        }
        ClientTracking? tracking = session.Tracking;
        bool on = tracking is { On: true };
        string? error =
            !broadcast && prefixes.Count > 0 ? "ERR PREFIX option requires BCAST mode to be enabled"
            : on && tracking!.Broadcast != broadcast ? "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."
            : broadcast && (optIn || optOut) ? "ERR OPTIN and OPTOUT are not compatible with BCAST"
            : optIn && optOut ? "ERR You can't specify both OPTIN mode and OPTOUT mode"
            : on && ((optIn && tracking!.OptOut) || (optOut && tracking!.OptIn)) ? "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
            : broadcast ? PrefixCollision(on ? tracking!.Prefixes : [], prefixes)
            : null;
        if (error is not null)
        {
            request.SetError(error);
            return false;
        }
        TrackingModes modes = (broadcast ? TrackingModes.Broadcast : 0) | (optIn ? TrackingModes.OptIn : 0)
            | (optOut ? TrackingModes.OptOut : 0) | (noLoop ? TrackingModes.NoLoop : 0);
        service.Enable(session.StartTracking(), redirect, modes, prefixes);
        request.ReplyWriter.Write(RespWriter.Ok);
        return true;
    }

    /// <summary>Redis refuses two prefixes of one client where one starts the other: a key would be invalidated twice.</summary>
    private static string? PrefixCollision(List<byte[]> existing, List<byte[]> added)
    {
        for (int i = 0; i < added.Count; i++)
        {
            foreach (byte[] prefix in existing.OrderBy(p => p, ByteOrder.Instance))
            {
                if (Overlap(prefix, added[i]))
                {
                    return $"ERR Prefix '{Text(added[i])}' overlaps with an existing prefix '{Text(prefix)}'. Prefixes for a single client must not overlap.";
                }
            }
            for (int j = i + 1; j < added.Count; j++)
            {
                if (Overlap(added[i], added[j]))
                {
                    return $"ERR Prefix '{Text(added[i])}' overlaps with another provided prefix '{Text(added[j])}'. Prefixes for a single client must not overlap.";
                }
            }
        }
        return null;
    }

    private static bool Overlap(byte[] a, byte[] b) => a.AsSpan(0, Math.Min(a.Length, b.Length)).SequenceEqual(b.AsSpan(0, Math.Min(a.Length, b.Length)));

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>CLIENT CACHING YES|NO: whether the next command's keys are tracked, in OPTIN or OPTOUT mode only.</summary>
    private static void Caching(ClientSession session, ProxyRequest request)
    {
        if (session.Tracking is not { On: true } tracking || !(tracking.OptIn || tracking.OptOut))
        {
            request.SetError(CachingNotAllowed);
            return;
        }
        ReadOnlySpan<byte> answer = request.Frame.Arg(2);
        if (Ascii.EqualsIgnoreCase(answer, "YES"u8))
        {
            if (!tracking.OptIn)
            {
                request.SetError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        }
        else if (Ascii.EqualsIgnoreCase(answer, "NO"u8))
        {
            if (!tracking.OptOut)
            {
                request.SetError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        }
        else
        {
            request.SetError("ERR syntax error");
            return;
        }
        tracking.CachingGiven = true;
        request.ReplyWriter.Write(RespWriter.Ok);
    }

    /// <summary>CLIENT TRACKINGINFO: flags, redirect and prefixes, a map in RESP3 and an array of pairs in RESP2.</summary>
    private static void Info(ClientSession session, ProxyRequest request)
    {
        IBufferWriter<byte> reply = request.ReplyWriter;
        bool resp3 = session.Info.Resp3;
        ClientTracking? tracking = session.Tracking is { On: true } on ? on : null;
        List<string> flags = Flags(tracking);
        if (resp3)
        {
            RespWriter.WriteMapHeader(reply, 3);
        }
        else
        {
            RespWriter.WriteArrayHeader(reply, 6);
        }
        RespWriter.WriteBulkString(reply, "flags"u8);
        if (resp3)
        {
            RespWriter.WriteRaw(reply, Encoding.ASCII.GetBytes($"~{flags.Count}\r\n"));
        }
        else
        {
            RespWriter.WriteArrayHeader(reply, flags.Count);
        }
        foreach (string flag in flags)
        {
            RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(flag));
        }
        RespWriter.WriteBulkString(reply, "redirect"u8);
        RespWriter.WriteInteger(reply, tracking is null ? -1 : tracking.Redirect);
        RespWriter.WriteBulkString(reply, "prefixes"u8);
        List<byte[]> prefixes = tracking is null ? [] : [.. tracking.Prefixes.OrderBy(p => p, ByteOrder.Instance)];
        RespWriter.WriteArrayHeader(reply, prefixes.Count);
        foreach (byte[] prefix in prefixes)
        {
            RespWriter.WriteBulkString(reply, prefix);
        }
    }

    /// <summary>TRACKINGINFO's flags in Redis's order: on, then each option, then the CACHING answer and a broken redirect.</summary>
    private static List<string> Flags(ClientTracking? tracking)
    {
        if (tracking is null)
        {
            return ["off"];
        }
        (bool Set, string Name)[] flags =
        [
            (true, "on"),
            (tracking.Broadcast, "bcast"),
            (tracking.OptIn, "optin"),
            (tracking.OptIn && tracking.CachingGiven, "caching-yes"),
            (tracking.OptOut, "optout"),
            (tracking.OptOut && tracking.CachingGiven, "caching-no"),
            (tracking.NoLoop, "noloop"),
            (tracking.BrokenRedirect, "broken_redirect"),
        ];
        return [.. flags.Where(f => f.Set).Select(f => f.Name)];
    }

    /// <summary>Byte order, as Redis lists prefixes.</summary>
    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
