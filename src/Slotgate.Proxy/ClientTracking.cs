using Slotgate.Commands;
using Slotgate.Protocol;

namespace Slotgate.Proxy;

/// <summary>
/// One client's CLIENT TRACKING state, created the first time it turns tracking on: its mode (default, BCAST with
/// prefixes, OPTIN/OPTOUT, NOLOOP), where its invalidations go (itself, or the client named by REDIRECT) and the
/// CLIENT CACHING answer that applies to its next command. Its settings change on its own read loop under the
/// <see cref="TrackingService"/>'s lock; invalidations read them there too.
/// </summary>
internal sealed class ClientTracking(ClientSession session, TrackingService service)
{
    public ClientSession Session => session;

    public TrackingService Service => service;

    public bool On { get; set; }

    /// <summary>The options of its CLIENT TRACKING ON (none: default mode).</summary>
    public TrackingModes Modes { get; set; }

    public bool Broadcast => (Modes & TrackingModes.Broadcast) != 0;

    public bool OptIn => (Modes & TrackingModes.OptIn) != 0;

    public bool OptOut => (Modes & TrackingModes.OptOut) != 0;

    public bool NoLoop => (Modes & TrackingModes.NoLoop) != 0;

    /// <summary>The client invalidations are redirected to (0: this client itself).</summary>
    public long Redirect { get; set; }

    /// <summary>Set when the redirect target was found gone while an invalidation was due (TRACKINGINFO's broken_redirect).</summary>
    public bool BrokenRedirect { get; set; }

    /// <summary>CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next command.</summary>
    public bool CachingGiven { get; set; }

    /// <summary>It read keys while a node's invalidations could not reach Slotgate: it is told to flush when they can.</summary>
    public bool NeedsFlush { get; set; }

    /// <summary>The BCAST prefixes ("" for every key), in the order given.</summary>
    public List<byte[]> Prefixes { get; } = [];

    /// <summary>
    /// Called for every command the client sends while tracking is on, before it runs: remembers the keys a read
    /// fetches (default mode, as CLIENT CACHING allows), notes a NOLOOP client's own writes, and ends a CLIENT CACHING
    /// answer after the command it applied to (as Redis does, CLIENT commands and a transaction keep it).
    /// </summary>
    public void Observe(RequestFrame frame, CommandInfo command)
    {
        if (!On)
        {
            return;
        }
        if ((command.Flags & CommandFlags.ReadOnly) != 0 && !Broadcast && (command.Flags & CommandFlags.PubSub) == 0
            && (OptIn ? CachingGiven : !OptOut || !CachingGiven))
        {
            service.RememberKeys(this, frame, command);
        }
        if (NoLoop && (command.Flags & CommandFlags.Write) != 0)
        {
            service.NoteOwnWrite(this, frame, command);
        }
        if (CachingGiven && !command.Name.StartsWith("client|", StringComparison.Ordinal) && command.Name != "multi"
            && (!session.InMulti || command.Name is "exec" or "discard"))
        {
            CachingGiven = false;
        }
    }
}

/// <summary>The options of CLIENT TRACKING ON that change how a client is tracked.</summary>
[Flags]
internal enum TrackingModes
{
    None = 0,

    /// <summary>BCAST: every change of a key matching its prefixes, read or not.</summary>
    Broadcast = 1,

    /// <summary>OPTIN: only reads after CLIENT CACHING YES are tracked.</summary>
    OptIn = 2,

    /// <summary>OPTOUT: reads after CLIENT CACHING NO are not tracked.</summary>
    OptOut = 4,

    /// <summary>NOLOOP: no invalidations of the client's own writes.</summary>
    NoLoop = 8,
}
