using Slotgate.Faults;

namespace Slotgate.Tests.Routing.Faults;

public class FaultInjectorTests
{
    [Fact]
    public void Create_NoFaults_ReturnsNull()
    {
        Assert.Null(FaultInjector.Create([]));
    }

    [Fact]
    public void Pick_TwoFaultsCoveringCommand_PercentagesAddUp()
    {
        using FaultInjector faults = FaultInjector.Create([
            new FaultOptions { Type = "error", Percent = 30, Commands = ["GET"] },
            new FaultOptions { Type = "delay", Percent = 30, Delay = TimeSpan.FromMilliseconds(1) },
        ])!;
        int errors = 0, delays = 0;
        const int draws = 20_000;
        for (int i = 0; i < draws; i++)
        {
            switch (faults.Pick("get"))
            {
                case { IsError: true }: errors++; break;
                case { IsError: false }: delays++; break;
            }
        }
        Assert.InRange(errors, 5_400, 6_600);
        Assert.InRange(delays, 5_400, 6_600);
        Assert.Equal(errors, faults.ErrorsInjected);
        Assert.Equal(delays, faults.DelaysInjected);
        // SET is covered only by the second fault, which gets its own 30 %.
        int setFaults = Enumerable.Range(0, draws).Count(_ => faults.Pick("set") is not null);
        Assert.InRange(setFaults, 5_400, 6_600);
    }

    [Fact]
    public void Pick_ContainerListed_CoversItsSubcommandsButNeverAuthOrPing()
    {
        using FaultInjector faults = FaultInjector.Create([new FaultOptions { Type = "error", Percent = 100, Commands = ["CLIENT", "config get"] }])!;
        Assert.NotNull(faults.Pick("client|list"));
        Assert.NotNull(faults.Pick("config|get"));
        Assert.Null(faults.Pick("config|set"));
        Assert.Null(faults.Pick("get"));

        using FaultInjector all = FaultInjector.Create([new FaultOptions { Type = "error", Percent = 100 }])!;
        Assert.Null(all.Pick("auth"));
        Assert.Null(all.Pick("ping"));
        Assert.Null(all.Pick("hello"));
        Assert.NotNull(all.Pick("get"));
    }
}
