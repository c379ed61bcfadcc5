namespace Slotgate.Controller.Reconcile;

/// <summary>Names from the Gateway API and Istio that the controller reads and writes.</summary>
internal static class GatewayApi
{
    public const string Group = "gateway.networking.k8s.io";
    public const string ControllerName = "slotgate.io/gateway-controller";
    public const string GatewayKind = "Gateway";
    public const string TcpRouteKind = "TCPRoute";

    /// <summary>Put on waypoint pods; Istio and Gateway API implementations use it to find a Gateway's pods.</summary>
    public const string GatewayNameLabel = "gateway.networking.k8s.io/gateway-name";

    /// <summary>Enrols pods in Istio Ambient, so their node's ztunnel terminates HBONE for them.</summary>
    public const string DataplaneModeLabel = "istio.io/dataplane-mode";

    /// <summary>The port a waypoint Service must list for ztunnel to send it HBONE.</summary>
    public const int HbonePort = 15008;

    /// <summary>
    /// Put on a Gateway whose class asks for <c>inboundBinding: PROXY</c>: ztunnel then terminates HBONE itself and
    /// opens plain TCP to <see cref="ProxyProtocolPort"/> with a PROXY protocol v2 header naming the client.
    /// </summary>
    public const string InboundBindingAnnotation = "ambient.istio.io/waypoint-inbound-binding";

    /// <summary>The port of Slotgate's PROXY protocol listener in the PROXY inbound binding.</summary>
    public const int ProxyProtocolPort = 15088;

    /// <summary>The value of <see cref="InboundBindingAnnotation"/> for Slotgate's PROXY listener.</summary>
    public const string ProxyInboundBinding = "PROXY/15088";

    /// <summary>On the pod template: a hash of the configuration, so any change rolls the pods.</summary>
    public const string ConfigHashAnnotation = "slotgate.io/config-hash";

    /// <summary>The Gateway API release whose CRDs the controller is written against (GatewayClass SupportedVersion).</summary>
    public const string SupportedBundleVersion = "v1.4";

    /// <summary>The annotation on each Gateway API CRD naming the release it came from.</summary>
    public const string BundleVersionAnnotation = "gateway.networking.k8s.io/bundle-version";

    public const int AdminPort = 9090;
    public const string DefaultImage = "slotgate:latest";
    public const string ClusterDomain = "svc.cluster.local";

    public static class Conditions
    {
        public const string Accepted = "Accepted";
        public const string Programmed = "Programmed";
        public const string ResolvedRefs = "ResolvedRefs";
        public const string Conflicted = "Conflicted";
        public const string SupportedVersion = "SupportedVersion";
    }

    public static class Reasons
    {
        public const string Accepted = "Accepted";
        public const string Programmed = "Programmed";
        public const string Pending = "Pending";
        public const string Invalid = "Invalid";
        public const string InvalidParameters = "InvalidParameters";
        public const string ListenersNotValid = "ListenersNotValid";
        public const string UnsupportedProtocol = "UnsupportedProtocol";
        public const string ResolvedRefs = "ResolvedRefs";
        public const string NotAllowedByListeners = "NotAllowedByListeners";
        public const string NoMatchingParent = "NoMatchingParent";
        public const string NoMatchingListenerHostname = "NoMatchingListenerHostname";
        public const string BackendNotFound = "BackendNotFound";
        public const string RefNotPermitted = "RefNotPermitted";
        public const string InvalidKind = "InvalidKind";
        public const string NoConflicts = "NoConflicts";
        public const string ProtocolConflict = "ProtocolConflict";
        public const string HostnameConflict = "HostnameConflict";
        public const string SupportedVersion = "SupportedVersion";
        public const string UnsupportedVersion = "UnsupportedVersion";
    }
}
