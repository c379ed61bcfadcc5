using k8s.Autorest;

namespace Slotgate.Controller.Kubernetes;

/// <summary>The API server refused one of a Gateway's objects; the message names the object and carries the server's words.</summary>
internal sealed class ApplyException(string message, HttpOperationException error) : Exception(message, error)
{
    public HttpOperationException Error => error;
}
