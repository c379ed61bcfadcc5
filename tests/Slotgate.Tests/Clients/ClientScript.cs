using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Slotgate.Tests.Clients;

/// <summary>
/// Runs one of the client-library check scripts under <c>tests/clients/</c> as a child process against Slotgate. The
/// scripts print one PASS/FAIL line per section and exit non-zero on any mismatch.
/// </summary>
internal static class ClientScript
{
    /// <summary>How long a whole script may run; they take well under a second when healthy.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The folder of one language's script, e.g. <c>tests/clients/python</c>, found by walking up to the repository root.</summary>
    public static string Folder(string language) => Support.RepositoryFiles.InRoot("tests", "clients", language);

    /// <summary>Every file named <paramref name="program"/> on PATH, in PATH order.</summary>
    public static IReadOnlyList<string> FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .Where(File.Exists)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The first <paramref name="program"/> on PATH for which <paramref name="probeArguments"/> exits 0 (e.g. one that can
    /// import the client library), or null. Several may exist: a version manager's shim often comes before the system
    /// interpreter that sees the Debian packages.
    /// </summary>
    public static async Task<string?> FindWorkingAsync(string program, params string[] probeArguments)
    {
        foreach (string candidate in FindOnPath(program))
        {
            ScriptRun probe = await RunAsync(candidate, probeArguments, workingDirectory: null, ProbeTimeout);
            if (probe.ExitCode == 0)
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// <see cref="FindWorkingAsync"/>, failing the test with <paramref name="missing"/> (how to install what is missing)
    /// and the candidates on PATH when there is none: a missing client library is a failure, not a skip.
    /// </summary>
    public static async Task<string> FindWorkingOrFailAsync(string program, string missing, params string[] probeArguments) =>
        await FindWorkingAsync(program, probeArguments)
            ?? throw new Xunit.Sdk.XunitException($"{missing} {program} candidates on PATH: [{string.Join(", ", FindOnPath(program))}]");

    /// <summary>Runs the script (<see cref="RunAgainstAsync"/>), shows its output, and fails the test unless every section passed.</summary>
    public static async Task AssertPassesAsync(string program, string language, string script, IPEndPoint proxy, Xunit.Abstractions.ITestOutputHelper output)
    {
        ScriptRun run = await RunAgainstAsync(program, language, script, proxy);
        output.WriteLine(run.Describe($"{program} {script}"));
        Assert.True(run.Passed, run.Describe($"{program} {script}"));
    }

    /// <summary>Runs <paramref name="program"/> with the script and the proxy's host and port as arguments.</summary>
    public static Task<ScriptRun> RunAgainstAsync(string program, string language, string script, IPEndPoint proxy)
    {
        string folder = Folder(language);
        return RunAsync(program,
            [Path.Combine(folder, script), proxy.Address.ToString(), proxy.Port.ToString(CultureInfo.InvariantCulture)],
            folder, Timeout);
    }

    private static async Task<ScriptRun> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool timedOut = false;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
            }
        }
        // The parameterless wait also drains the redirected output after exit (or after the kill).
        await process.WaitForExitAsync();
        stopwatch.Stop();
        return new ScriptRun(timedOut ? null : process.ExitCode, Read(stdout), Read(stderr), stopwatch.Elapsed, timeout);
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
