using System.Diagnostics;

namespace Slotgate.Tests.Support;

/// <summary>
/// Debian's <c>chromium</c> in headless mode, run once per call with a fresh profile (scripts/test.sh installs it).
/// Not found is a failure, not a skip: the dashboard test must run wherever the suite runs.
/// </summary>
internal static class HeadlessChromium
{
    public static string Executable { get; } = Find();

    /// <summary>The DOM after the page's scripts ran for <paramref name="virtualTime"/> (virtual time: timers fire fast, fetches are real).</summary>
    public static async Task<string> DumpDomAsync(string url, TimeSpan virtualTime) =>
        await RunAsync([$"--virtual-time-budget={(int)virtualTime.TotalMilliseconds}", "--dump-dom", url]);

    public static async Task ScreenshotAsync(string url, string file, TimeSpan virtualTime) =>
        await RunAsync([$"--virtual-time-budget={(int)virtualTime.TotalMilliseconds}", $"--screenshot={file}", "--window-size=1280,900", "--hide-scrollbars", url]);

    private static async Task<string> RunAsync(string[] arguments)
    {
        string profile = Directory.CreateTempSubdirectory("slotgate-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string flag in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}"])
            {
                start.ArgumentList.Add(flag);
            }
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using Process process = Process.Start(start)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 90 s: " + await error);
            }
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await error}");
            return await output;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium's helper processes may still hold a file for a moment; the temp directory is cleaned eventually.
            }
        }
    }

    private static string Find()
    {
        foreach (string name in (string[])["chromium", "chromium-browser", "google-chrome"])
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new InvalidOperationException("chromium is not installed (Debian: apt-get install chromium; scripts/test.sh installs it)");
    }
}
