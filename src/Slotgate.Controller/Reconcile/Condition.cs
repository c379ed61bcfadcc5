namespace Slotgate.Controller.Reconcile;

/// <summary>A Gateway API status condition (metav1.Condition without the transition time, which the writer sets).</summary>
internal sealed record Condition(string Type, bool Status, string Reason, string Message, long ObservedGeneration)
{
    public static Condition True(string type, string reason, string message, long generation) => new(type, true, reason, message, generation);

    public static Condition False(string type, string reason, string message, long generation) => new(type, false, reason, message, generation);
}
