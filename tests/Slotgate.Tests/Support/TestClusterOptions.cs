namespace Slotgate.Tests.Support;

/// <summary>Cluster options for tests: free ports, a temp directory, and a 2 s node timeout so failovers take seconds.</summary>
internal static class TestClusterOptions
{
    public static LocalClusterOptions Fast { get; } = new()
    {
        NodeTimeout = TimeSpan.FromSeconds(2),
        StartTimeout = TimeSpan.FromSeconds(60),
        OperationTimeout = TimeSpan.FromSeconds(45),
    };
}
