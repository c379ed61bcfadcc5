using System.Collections.Frozen;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// DEBUG through Slotgate, where the nodes allow it (Redis 7 refuses DEBUG unless its enable-debug-command says
/// otherwise, and that refusal reaches the client unchanged). A subcommand that looks at a key goes to the key's
/// primary; one that only computes an answer goes to any primary; DEBUG DIGEST is merged from every primary into the
/// digest of the whole data set; the others act on whole nodes (SLEEP, RELOAD, SET-ACTIVE-EXPIRE, SEGFAULT...) and
/// are sent to every primary only with routing.allowDebug, refused by default.
/// </summary>
internal static class DebugCommand
{
    /// <summary>Subcommands whose argument 2 is a key; true when every further argument is a key too.</summary>
    private static readonly FrozenDictionary<string, bool> Keyed = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["OBJECT"] = false, ["SDSLEN"] = false, ["LISTPACK"] = false, ["QUICKLIST-PACKED-NODES"] = false, ["DIGEST-VALUE"] = true,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Subcommands that neither read nor change a node's state: any primary answers them as any other would.</summary>
    private static readonly FrozenSet<string> Stateless = new[] { "HELP", "PROTOCOL", "STRINGMATCH-LEN" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Routes one DEBUG command; true when it was sent to several primaries.</summary>
    public static bool Execute(ProxyRequest request, CommandRoute route, Router router)
    {
        RequestFrame frame = request.Frame;
        string subcommand = Encoding.UTF8.GetString(frame.Arg(1)).ToUpperInvariant();
        if (Keyed.TryGetValue(subcommand, out bool allKeys) && frame.ArgCount > 2)
        {
            int slot = HashSlot.Of(frame.Arg(2));
            for (int i = 3; allKeys && i < frame.ArgCount; i++)
            {
                if (HashSlot.Of(frame.Arg(i)) != slot)
                {
                    request.Reject("CROSSSLOT Keys in request don't hash to the same slot");
                    return false;
                }
            }
            request.Slot = slot;
            router.Dispatch(request);
            return false;
        }
        if (Stateless.Contains(subcommand) || Keyed.ContainsKey(subcommand))
        {
            // Stateless, or a keyed subcommand missing its key: any primary gives the answer (or the error) one Redis would.
            request.Slot = HashSlot.None;
            router.Dispatch(request);
            return false;
        }
        bool digest = subcommand == "DIGEST" && frame.ArgCount == 2;
        if (!digest && route.Error is not null)
        {
            request.Reject(string.Format(System.Globalization.CultureInfo.InvariantCulture, route.Error, subcommand));
            return false;
        }
        if (!FanOut.AddChildren(request, router.Shards, digest ? MergeKind.DebugDigest : MergeKind.EveryNode, allNodes: false))
        {
            return false;
        }
        router.DispatchChildren(request);
        return true;
    }
}
