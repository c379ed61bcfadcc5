namespace Slotgate.LoadBench.Probes;

/// <summary>Memory of the proxy before and after many idle clients, and how many of them were still served.</summary>
internal sealed record IdleConnectionResult(int Clients, long RssBeforeKiB, long RssAfterKiB, int AnsweredAfterIdle, TimeSpan OpenTime)
{
    public double KiBPerClient => Clients == 0 ? 0 : (RssAfterKiB - RssBeforeKiB) / (double)Clients;
}
