using Slotgate.Cluster;
using Slotgate.Routing;

namespace Slotgate.Upstreams;

/// <summary>
/// One named upstream with its own <see cref="Router"/> (and for clusters its own pool and topology). Standalone and
/// ketama upstreams send every request to a fixed node through the router's targeted path, so they never need a
/// slot map and never see redirects.
/// </summary>
internal sealed class Upstream
{
    public Upstream(string name, UpstreamKind kind, Router router, IReadOnlyList<UpstreamServer> servers)
    {
        Name = name;
        Kind = kind;
        Router = router;
        Servers = servers;
        Ring = kind == UpstreamKind.Ketama ? new KetamaRing(servers) : null;
    }

    public string Name { get; }

    public UpstreamKind Kind { get; }

    public Router Router { get; }

    public IReadOnlyList<UpstreamServer> Servers { get; }

    public KetamaRing? Ring { get; }

    /// <summary>The main cluster (the cluster section), whose plain traffic never passes through prefix routing.</summary>
    public bool IsDefault => Name == Configuration.UpstreamOptions.DefaultName;

    /// <summary>Where <paramref name="key"/> lives: its hash slot, 0 for a standalone server, its ring server's index.</summary>
    public int Place(ReadOnlySpan<byte> key) => Kind switch
    {
        UpstreamKind.Cluster => HashSlot.Of(key),
        UpstreamKind.Standalone => 0,
        _ => Ring!.Locate(key),
    };

    /// <summary>Sends <paramref name="request"/> to the node for <paramref name="placement"/> (from <see cref="Place"/>).</summary>
    public void Dispatch(ProxyRequest request, int placement)
    {
        if (Kind == UpstreamKind.Cluster)
        {
            request.Slot = placement;
        }
        else
        {
            request.Slot = HashSlot.None;
            request.Target = Servers[placement].Endpoint;
        }
        Router.Dispatch(request);
    }
}
