using System.Text;

namespace Slotgate.Controller.Reconcile;

/// <summary>The <c>slotgate.yaml</c> a Gateway's pods run with (docs/configuration.md).</summary>
internal static class SlotgateConfigText
{
    public static string Render(IReadOnlyList<int> listenPorts, IReadOnlyList<string> seeds, SlotgateParameters? parameters = null)
    {
        var text = new StringBuilder();
        text.Append("# Written by slotgate-controller from the Gateway's listeners and its TCPRoutes' backends.\n");
        text.Append("listen:\n");
        foreach (int port in listenPorts)
        {
            text.Append("  - \"0.0.0.0:").Append(port).Append("\"\n");
        }
        text.Append("admin:\n  listen: \"0.0.0.0:").Append(GatewayApi.AdminPort).Append("\"\n");
        text.Append("cluster:\n  seeds:\n");
        foreach (string seed in seeds)
        {
            text.Append("    - \"").Append(seed).Append("\"\n");
        }
        text.Append("shutdown:\n  drainTimeout: 10s\n");
        if (parameters is { InboundBinding: InboundBinding.Proxy })
        {
            // ztunnel's inbound PROXY binding: every connection on this port starts with a PROXY v2 header.
            text.Append("proxyProtocol:\n  listen:\n    - \"0.0.0.0:").Append(GatewayApi.ProxyProtocolPort).Append("\"\n");
            text.Append("  trustedProxies:\n");
            foreach (string cidr in parameters.EffectiveTrustedProxies)
            {
                text.Append("    - \"").Append(cidr).Append("\"\n");
            }
        }
        return text.ToString();
    }
}
