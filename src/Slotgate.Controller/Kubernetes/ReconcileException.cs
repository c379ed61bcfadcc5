namespace Slotgate.Controller.Kubernetes;

/// <summary>A work item that did its best (statuses written) but must be retried with back-off.</summary>
internal sealed class ReconcileException(string message, Exception inner) : Exception(message, inner);
