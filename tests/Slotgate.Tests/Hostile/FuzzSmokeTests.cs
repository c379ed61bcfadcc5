using Slotgate.Fuzz;
using Xunit.Abstractions;

namespace Slotgate.Tests.Hostile;

/// <summary>
/// A short run of each fuzz target (tests/Slotgate.Fuzz), so CI catches a regression the long campaigns found once.
/// A fixed seed keeps it reproducible; scripts/fuzz.sh runs the long campaigns with other seeds.
/// The heap check reads the whole process's heap, so these run alone: beside the proxy tests, a test holding tens of
/// megabytes at the moment of the second reading once failed it (85 -> 165 MB with no failure of its own).
/// </summary>
[Collection(Slotgate.Tests.Proxy.SteadyStateAllocationTests.Name)]
public class FuzzSmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("parser", 40_000)]
    [InlineData("scanner", 40_000)]
    [InlineData("session", 10_000)]
    [InlineData("proxyheader", 40_000)]
    public void FuzzCampaign_ShortRun_NoInvariantBroken(string target, int inputs)
    {
        FuzzReport report = FuzzCampaign.Run(target, inputs, seed: 7);

        output.WriteLine(report.ToString());
        Assert.Equal(inputs, report.Inputs);
        Assert.True(report.Failures.Count == 0, report.Failures.Count == 0 ? null : report.Failures[0].Message);
        // No input may leave memory behind: the campaign ends where it started, give or take the pools.
        Assert.True(report.ManagedBytesAfter - report.ManagedBytesBefore < 64 << 20, report.ToString());
    }
}
