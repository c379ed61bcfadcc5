using Slotgate.Tests.Diagnostics;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;

namespace Slotgate.Controller.Tests.Kubernetes;

/// <summary>The controller logs as the proxy does: only through [LoggerMessage] methods with event ids.</summary>
public sealed class LoggingConventionTests
{
    [Fact]
    public void ControllerSources_DirectLoggerCalls_None()
    {
        IReadOnlyList<string> calls = LoggingConventions.DirectCalls(RepositoryFiles.InRoot("src", "Slotgate.Controller"));

        Assert.True(calls.Count == 0,
            "Log through a [LoggerMessage] method in the class's Log class (docs/decisions.md), not directly:\n" + string.Join("\n", calls));
    }

    [Fact]
    public void ControllerAssembly_LoggerMessages_InLogClassesWithUniqueEventIds()
    {
        var assembly = typeof(Slotgate.Controller.Reconcile.GatewayApi).Assembly;

        Assert.Empty(LoggingConventions.EventIdProblems(assembly));
        Assert.InRange(LoggingConventions.LoggerMessageCount(assembly), 18, int.MaxValue);
    }
}
