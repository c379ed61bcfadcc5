using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>
/// Which listeners of a Gateway are Conflicted (Gateway API, "Handling indistinct Listeners"): TCP listeners are
/// distinct only by port, so two listeners on one port conflict when one is TCP — <c>ProtocolConflict</c> when their
/// protocols differ, <c>HostnameConflict</c> when both are TCP (only their hostnames differ). Listeners of other
/// protocols on one port conflict when the protocols cannot share it, or when protocol and hostname are the same.
/// No conflicting listener is chosen as a winner: all of them are refused.
/// </summary>
internal static class ListenerConflicts
{
    public static IReadOnlyDictionary<string, string> Find(IReadOnlyList<ListenerInput> listeners)
    {
        var conflicts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IGrouping<int, ListenerInput> port in listeners.GroupBy(l => l.Port))
        {
            var group = port.ToList();
            if (group.Count < 2)
            {
                continue;
            }
            if (group.Any(l => l.Protocol is "TCP" or "UDP"))
            {
                string reason = group.Select(l => l.Protocol).Distinct(StringComparer.Ordinal).Count() > 1
                    ? GatewayApi.Reasons.ProtocolConflict
                    : GatewayApi.Reasons.HostnameConflict;
                foreach (ListenerInput listener in group)
                {
                    conflicts[listener.Name] = reason;
                }
                continue;
            }
            var families = group.Select(l => l.Protocol is "HTTPS" or "TLS" ? "TLS" : l.Protocol).Distinct(StringComparer.Ordinal).Count();
            foreach (ListenerInput listener in group)
            {
                if (families > 1)
                {
                    conflicts[listener.Name] = GatewayApi.Reasons.ProtocolConflict;
                }
                else if (group.Count(o => o.Protocol == listener.Protocol && (o.Hostname ?? "") == (listener.Hostname ?? "")) > 1)
                {
                    conflicts[listener.Name] = GatewayApi.Reasons.HostnameConflict;
                }
            }
        }
        return conflicts;
    }
}
