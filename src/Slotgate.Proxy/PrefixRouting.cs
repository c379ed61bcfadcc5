using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;
using Slotgate.Upstreams;

namespace Slotgate.Proxy;

/// <summary>
/// The dispatcher's prefix-route step, built only when <c>routes</c> are configured. A command whose keys all take a
/// plain route to the main cluster is left to the usual path; otherwise its keys are rewritten and it goes to the
/// route's upstream: single-target commands whole, MGET/MSET/DEL-style commands split per (upstream, slot or server)
/// and merged as usual. Mirrors get fire-and-forget copies whose replies and failures are dropped.
/// Transactions, blocking commands and pub/sub keep to the main cluster, so a routed key there is refused rather
/// than silently sent to the wrong place.
/// </summary>
internal sealed class PrefixRouting
{
    private readonly PrefixRouteTable _routes;

    public PrefixRouting(PrefixRouteTable routes)
    {
        _routes = routes;
    }

    /// <summary>True when the command was taken over (sent, or answered with an error); false for the usual path.</summary>
    public bool Handle(ClientSession session, ProxyRequest request, CommandInfo command, RouteKind kind)
    {
        RequestFrame frame = request.Frame;
        Span<int> keys = stackalloc int[64];
        int count = command.FindKeys(frame, keys);
        if (count > keys.Length)
        {
            keys = new int[count];
            count = command.FindKeys(frame, keys);
        }
        if (count <= 0)
        {
            return false;
        }
        bool read = (command.Flags & CommandFlags.ReadOnly) != 0;
        bool plain = true;
        for (int i = 0; i < count && plain; i++)
        {
            plain = _routes.Match(frame.Arg(keys[i])).IsPlainDefault(read);
        }
        if (plain)
        {
            return false;
        }
        string name = command.Name.ToUpperInvariant().Replace('|', ' ');
        if (session.InMulti || (command.Flags & CommandFlags.MayBlock) != 0 ||
            kind is not (RouteKind.Forward or RouteKind.SplitValues or RouteKind.SplitPairs or RouteKind.SplitSum))
        {
            Fail(session, request, $"ERR Slotgate: '{name}' on keys that routes send to another upstream or rewrite is not supported " +
                "(transactions, blocking, pub/sub and scripting commands use the main cluster's keys only)");
            return true;
        }
        switch (kind)
        {
            case RouteKind.SplitPairs when frame.ArgCount % 2 == 0:
                Fail(session, request, $"ERR wrong number of arguments for '{command.Name}' command");
                return true;
            case RouteKind.SplitValues:
                Split(request, read, keyStep: 1, MergeKind.Values);
                return true;
            case RouteKind.SplitPairs:
                Split(request, read, keyStep: 2, MergeKind.AllOk);
                return true;
            case RouteKind.SplitSum:
                Split(request, read, keyStep: 1, MergeKind.Sum);
                return true;
            default:
                Forward(session, request, read, keys[..count]);
                return true;
        }
    }

    /// <summary>A command for one place: every key must route to the same upstream and, there, the same slot or server.</summary>
    private void Forward(ClientSession session, ProxyRequest request, bool read, ReadOnlySpan<int> keys)
    {
        RequestFrame frame = request.Frame;
        PrefixRoute first = _routes.Match(frame.Arg(keys[0]));
        Upstream upstream = first.For(read);
        byte[]?[]? rewritten = null;
        int placement = HashSlot.None;
        for (int i = 0; i < keys.Length; i++)
        {
            ReadOnlySpan<byte> key = frame.Arg(keys[i]);
            PrefixRoute route = i == 0 ? first : _routes.Match(key);
            if (!ReferenceEquals(route.For(read), upstream))
            {
                Fail(session, request, "CROSSSLOT Keys in request don't route to the same upstream");
                return;
            }
            if (route.RewritesKeys)
            {
                rewritten ??= new byte[frame.ArgCount][];
                rewritten[keys[i]] = route.Rewrite(key);
                key = rewritten[keys[i]];
            }
            int place = upstream.Place(key);
            if (i > 0 && place != placement)
            {
                Fail(session, request, upstream.Kind == UpstreamKind.Ketama
                    ? "CROSSSLOT Keys in request don't hash to the same server"
                    : "CROSSSLOT Keys in request don't hash to the same slot");
                return;
            }
            placement = place;
        }
        if (rewritten is not null)
        {
            Rebuild(frame, rewritten);
        }
        request.ReadOnly = read;
        Mirror(request, first, read, keys[0]);
        upstream.Dispatch(request, placement);
    }

    /// <summary>
    /// Splits a multi-key command into one part per (route, upstream, placement), keys in the client's order, and
    /// merges the parts' replies as the usual split does.
    /// </summary>
    private void Split(ProxyRequest request, bool read, int keyStep, MergeKind merge)
    {
        RequestFrame frame = request.Frame;
        int argc = frame.ArgCount;
        var routes = new PrefixRoute[argc];
        var places = new int[argc];
        var keys = new byte[argc][];
        for (int i = 1; i < argc; i += keyStep)
        {
            routes[i] = _routes.Match(frame.Arg(i));
            keys[i] = routes[i].RewritesKeys ? routes[i].Rewrite(frame.Arg(i)) : frame.Arg(i).ToArray();
            places[i] = routes[i].For(read).Place(keys[i]);
        }
        request.Merge = merge;
        var done = new bool[argc];
        var parts = new List<(ProxyRequest Part, PrefixRoute Route)>();
        ReadOnlySpan<byte> name = frame.Arg(0);
        for (int i = 1; i < argc; i += keyStep)
        {
            if (done[i])
            {
                continue;
            }
            PrefixRoute route = routes[i];
            Upstream upstream = route.For(read);
            int members = 0;
            for (int j = i; j < argc; j += keyStep)
            {
                members += SameGroup(j) ? 1 : 0;
            }
            ProxyRequest part = request.Pool.Rent();
            part.Frame.Begin(1 + (members * keyStep));
            part.Frame.AppendArg(name);
            for (int j = i; j < argc; j += keyStep)
            {
                if (!SameGroup(j))
                {
                    continue;
                }
                part.Frame.AppendArg(keys[j]);
                for (int k = 1; k < keyStep; k++)
                {
                    part.Frame.AppendArg(frame.Arg(j + k));
                }
                part.AddKeyPosition((j - 1) / keyStep);
                done[j] = true;
            }
            part.ReadOnly = read;
            request.AddChild(part);
            parts.Add((part, route));

            bool SameGroup(int j) => !done[j] && ReferenceEquals(routes[j], route) && places[j] == places[i];
        }
        foreach (var (part, route) in parts)
        {
            // Copies are taken before anything is sent: once the last part is answered the parent may be recycled.
            Mirror(part, route, read, keyIndex: 1);
        }
        request.ExpectChildren();
        for (int i = 0; i < parts.Count; i++)
        {
            ProxyRequest part = parts[i].Part;
            Upstream upstream = parts[i].Route.For(read);
            upstream.Dispatch(part, upstream.Place(part.Frame.Arg(1)));
        }
    }

    /// <summary>Fire-and-forget copies for the route's mirrors: their requests are never awaited nor returned to the pool.</summary>
    private static void Mirror(ProxyRequest request, PrefixRoute route, bool read, int keyIndex)
    {
        foreach (MirrorTarget mirror in route.Mirrors)
        {
            if ((read && mirror.ExcludeReads) || Random.Shared.NextDouble() * 100 >= mirror.Percent)
            {
                continue;
            }
            var copy = new ProxyRequest(request.Pool);
            copy.Frame.CopyFrom(request.Frame);
            copy.Affinity = request.Affinity;
            copy.ReadOnly = read;
            try
            {
                // The mirror places the copy by its (rewritten) first key, as the route's own upstream does.
                mirror.Upstream.Dispatch(copy, mirror.Upstream.Place(copy.Frame.Arg(keyIndex)));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A mirror never affects the client, not even by a bug on its path.
            }
        }
    }

    private static void Rebuild(RequestFrame frame, byte[]?[] rewritten)
    {
        int argc = frame.ArgCount;
        var args = new byte[argc][];
        for (int i = 0; i < argc; i++)
        {
            args[i] = rewritten[i] ?? frame.Arg(i).ToArray();
        }
        frame.Begin(argc);
        foreach (byte[] arg in args)
        {
            frame.AppendArg(arg);
        }
    }

    private static void Fail(ClientSession session, ProxyRequest request, string error)
    {
        if (session.InMulti)
        {
            session.Transaction.Fail(request, error);
            return;
        }
        request.SetError(error);
        request.Complete();
    }
}
