using Slotgate.LoadBench.Probes;
using Slotgate.LoadBench.Scenarios;

namespace Slotgate.LoadBench.Reporting;

/// <summary>Direct and proxy results of one scenario.</summary>
internal sealed class ScenarioResult(Scenario scenario, int requests)
{
    public Scenario Scenario { get; } = scenario;

    /// <summary>The <c>-n</c> actually used (smaller with --quick).</summary>
    public int Requests { get; } = requests;

    public TargetSummary Direct { get; } = new();

    public TargetSummary Proxy { get; } = new();

    /// <summary>What each proxy round cost the Slotgate process per request.</summary>
    public List<ProxyCost> ProxyCosts { get; } = [];

    public double? Ratio => Direct.HasResult && Proxy.HasResult && Direct.OpsPerSecond > 0 ? Proxy.OpsPerSecond / Direct.OpsPerSecond : null;
}
