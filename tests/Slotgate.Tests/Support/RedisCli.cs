using System.Diagnostics;

namespace Slotgate.Tests.Support;

/// <summary>Runs the real <c>redis-cli</c> with commands on stdin, as a user would.</summary>
internal static class RedisCli
{
    public static async Task<(string Output, string Error, int ExitCode)> RunAsync(IEnumerable<string> args, string input)
    {
        var start = new ProcessStartInfo("redis-cli", args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (await output, await error, process.ExitCode);
    }
}
