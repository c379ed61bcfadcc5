using Slotgate.Upstreams;

namespace Slotgate.Routing;

/// <summary>A route's mirror, resolved: where copies go, what share, and whether reads are left out.</summary>
internal sealed record MirrorTarget(Upstream Upstream, double Percent, bool ExcludeReads);
