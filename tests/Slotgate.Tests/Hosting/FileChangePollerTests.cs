using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Hosting;

public sealed class FileChangePollerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slotgate-poll-").FullName;
    private readonly ConcurrentQueue<string> _logs = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Poll_ContentUnchanged_NoReload()
    {
        string file = Write("a", "one");
        int reloads = 0;
        using FileChangePoller poller = Create([file], () => reloads++);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1)); // only the timestamp changes
        Assert.False(poller.Poll());
        Assert.Equal(0, reloads);
    }

    [Fact]
    public void Poll_ContentChanged_ReloadsOnce()
    {
        string file = Write("a", "one");
        int reloads = 0;
        using FileChangePoller poller = Create([file], () => reloads++);
        File.WriteAllText(file, "two");
        Assert.True(poller.Poll());
        Assert.False(poller.Poll());
        Assert.Equal(1, reloads);
    }

    [Fact]
    public void Poll_ReloadFails_KeepsTryingAfterNextChangeAndWarnsOncePerContent()
    {
        string file = Write("a", "one");
        bool valid = false;
        int reloads = 0;
        using FileChangePoller poller = Create([file], () =>
        {
            if (!valid)
            {
                throw new InvalidDataException("broken on purpose");
            }
            reloads++;
        });
        File.WriteAllText(file, "half-written");
        Assert.False(poller.Poll());
        Assert.False(poller.Poll());
        Assert.Single(_logs, l => l.Contains("broken on purpose", StringComparison.Ordinal));

        valid = true;
        File.WriteAllText(file, "complete");
        Assert.True(poller.Poll());
        Assert.Equal(1, reloads);
    }

    [Fact]
    public void Poll_FileMissingForAMoment_NoReloadUntilItReturns()
    {
        string file = Write("a", "one");
        int reloads = 0;
        using FileChangePoller poller = Create([file], () =>
        {
            if (!File.Exists(file))
            {
                throw new InvalidDataException("missing");
            }
            reloads++;
        });
        File.Delete(file);
        Assert.False(poller.Poll());
        File.WriteAllText(file, "back, changed");
        Assert.True(poller.Poll());
        Assert.Equal(1, reloads);
    }

    private FileChangePoller Create(string[] files, Action reload)
    {
        using var factory = LoggerFactory.Create(b => b.AddProvider(new LogCollector(_logs)));
        return new FileChangePoller("test files", files, TimeSpan.FromHours(1), reload, factory.CreateLogger("test"));
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
