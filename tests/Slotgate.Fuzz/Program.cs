using System.Globalization;
using Slotgate.Fuzz;

// Slotgate.Fuzz <parser|scanner|session|proxyheader|all> [--inputs N] [--seed S] [--start I]   (generator-driven campaign)
// Slotgate.Fuzz afl <parser|scanner>                                              (one AFL++ target, under afl-fuzz)
// Slotgate.Fuzz corpus <parser|scanner> DIR                                        (seed inputs for AFL++)
// Exit code 0 when no input broke an invariant, 1 otherwise, 2 on bad arguments.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Slotgate.Fuzz <parser|scanner|session|proxyheader|all> [--inputs N] [--seed S] [--start I] | afl <parser|scanner> | corpus <parser|scanner> DIR");
    return 2;
}
if (args[0] == "afl" && args.Length == 2)
{
    // Under afl-fuzz: see AflEntry and docs/fuzzing.md.
    AflEntry.Run(args[1]);
    return 0;
}
if (args[0] == "corpus" && args.Length == 3)
{
    AflEntry.WriteCorpus(args[1], args[2], 32);
    return 0;
}
long inputs = 1_000_000;
int seed = 1;
long start = 0;
for (int i = 1; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--inputs":
            inputs = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--seed":
            seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--start":
            start = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}
string[] targets = args[0] == "all" ? FuzzCampaign.Targets : [args[0]];
int failures = 0;
foreach (string target in targets)
{
    FuzzReport report = FuzzCampaign.Run(target, inputs, seed, start, Console.WriteLine);
    Console.WriteLine(report);
    failures += report.Failures.Count;
}
return failures == 0 ? 0 : 1;
