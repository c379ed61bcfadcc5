namespace Slotgate.Tests.Clients;

/// <summary>The outcome of one script run; <see cref="ExitCode"/> is null when it was killed after its timeout.</summary>
internal sealed record ScriptRun(int? ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, TimeSpan Timeout)
{
    public bool Passed => ExitCode == 0;

    /// <summary>What a failed assertion shows: how the run ended and everything the script printed.</summary>
    public string Describe(string what) =>
        $"{what} {(ExitCode is null ? $"was killed after {Timeout.TotalSeconds:0} s" : $"exited with code {ExitCode}")} " +
        $"in {Elapsed.TotalMilliseconds:0} ms.\n--- stdout ---\n{Stdout}--- stderr ---\n{Stderr}";
}
