namespace Slotgate.Upstreams;

/// <summary>How an upstream places keys: by hash slot (Redis Cluster), on its one server, or on a ketama ring.</summary>
internal enum UpstreamKind
{
    Cluster,
    Standalone,
    Ketama,
}
