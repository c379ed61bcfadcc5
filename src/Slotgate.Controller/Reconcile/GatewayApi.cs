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

    public const int AdminPort = 9090;
    public const string DefaultImage = "slotgate:latest";
    public const string ClusterDomain = "svc.cluster.local";

    public static class Conditions
    {
        public const string Accepted = "Accepted";
        public const string Programmed = "Programmed";
        public const string ResolvedRefs = "ResolvedRefs";
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
    }
}
