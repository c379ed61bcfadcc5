namespace Slotgate.Tests.Support.Chaos;

/// <summary>One SET the workload sent: every write uses a key of its own, so a value is never overwritten.</summary>
internal sealed class ChaosWrite(string key, string value, int slot)
{
    public string Key { get; } = key;

    public string Value { get; } = value;

    public int Slot { get; } = slot;

    /// <summary>Slotgate answered +OK: from then on the value must be readable, unless Redis itself lost it.</summary>
    public bool Acknowledged { get; set; }
}
