namespace Slotgate.Tests.Support.Chaos;

/// <summary>An error a client saw: when (since the workload started), for which key's slot, and what.</summary>
internal sealed record ChaosError(TimeSpan At, int Slot, string Message);
