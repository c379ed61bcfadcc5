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

    public bool Broadcast { get; set; }

    public bool OptIn { get; set; }

    public bool OptOut { get; set; }

    public bool NoLoop { get; set; }

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
