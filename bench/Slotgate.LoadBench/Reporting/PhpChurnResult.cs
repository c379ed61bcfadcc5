using Slotgate.LoadBench.Probes;

namespace Slotgate.LoadBench.Reporting;

/// <summary>The PHP-FPM churn probe's rounds: microseconds per request direct and through Slotgate.</summary>
internal sealed class PhpChurnResult(int requests)
{
    public int Requests { get; } = requests;

    public List<double> DirectMicros { get; } = [];

    public List<double> ProxyMicros { get; } = [];

    public List<ProxyCost> ProxyCosts { get; } = [];

    public string? Error { get; set; }
}
