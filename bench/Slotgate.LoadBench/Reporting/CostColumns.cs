using System.Globalization;
using Slotgate.LoadBench.Probes;

namespace Slotgate.LoadBench.Reporting;

/// <summary>The proxy-cost columns of the Markdown tables: medians over the rounds, "n/a" where nothing was measured.</summary>
internal static class CostColumns
{
    public const string Header = " Proxy CPU µs/req (user) | Syscalls/req | Context switches/req |";
    public const string Alignment = " ---: | ---: | ---: |";

    public static string Render(IReadOnlyList<ProxyCost> costs)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        if (costs.Count == 0)
        {
            return " n/a | n/a | n/a |";
        }
        string cpu = string.Create(inv, $"{Median.Of(costs.Select(c => c.CpuMicros)):0.0} ({Median.Of(costs.Select(c => c.UserMicros)):0.0})");
        return $" {cpu} | {Optional(costs.Select(c => c.Syscalls))} | {Optional(costs.Select(c => c.ContextSwitches))} |";
    }

    private static string Optional(IEnumerable<double?> values)
    {
        double[] known = [.. values.OfType<double>()];
        return known.Length == 0 ? "n/a" : Median.Of(known).ToString("0.00", CultureInfo.InvariantCulture);
    }
}
