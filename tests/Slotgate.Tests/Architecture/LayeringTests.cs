using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Slotgate.Tests.Architecture;

/// <summary>
/// Slotgate's layers are projects, and a layer may reference only the layers below it (docs/architecture.md). These
/// tests read the project files, so a new edge upward, a project without a layer, or a Dockerfile that would not build
/// the binary fails here with a message that says what to change.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>The layers, lowest first; a project may reference projects of lower rows only. Keep docs/architecture.md in step.</summary>
    private static readonly string[][] Layers =
    [
        ["Slotgate.Protocol", "Slotgate.Transport", "Slotgate.Configuration"],
        ["Slotgate.Commands"],
        ["Slotgate.Security"],
        ["Slotgate.Diagnostics"],
        ["Slotgate.Cluster"],
        ["Slotgate.Backend"],
        ["Slotgate.Routing"],
        ["Slotgate.Proxy", "Slotgate.Import"],
        ["Slotgate.Hosting"],
        ["Slotgate", "Slotgate.Demo", "Slotgate.Controller"],
    ];

    private const int MaxLines = 500;

    [Fact]
    public void ProjectReferences_SourceProjects_PointOnlyToLowerLayers()
    {
        var violations = new List<string>();
        foreach ((string project, IReadOnlyList<string> references) in SourceProjects())
        {
            int rank = RankOf(project);
            foreach (string reference in references)
            {
                int referenced = RankOf(reference);
                if (rank >= 0 && referenced >= rank)
                {
                    violations.Add($"{project} (layer {rank}) references {reference} (layer {referenced}): a layer may reference only the layers below it");
                }
            }
        }
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void SourceProjects_Every_HasALayer()
    {
        string[] unplaced = SourceProjects().Keys.Where(p => RankOf(p) < 0).ToArray();
        Assert.True(unplaced.Length == 0,
            $"{string.Join(", ", unplaced)} has no layer: add it to {nameof(LayeringTests)}.{nameof(Layers)} and to docs/architecture.md");
    }

    [Fact]
    public void Solution_SourceProjects_AreAllListed()
    {
        string solution = File.ReadAllText(RepositoryFiles.InRoot("Slotgate.slnx"));
        foreach (string project in SourceProjects().Keys)
        {
            Assert.Contains($"src/{project}/{project}.csproj", solution, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Dockerfile", "Slotgate")]
    [InlineData("Dockerfile.controller", "Slotgate.Controller")]
    public void Dockerfile_ProjectsTheExecutableNeeds_AreCopied(string dockerfile, string executable)
    {
        string[] lines = File.ReadAllLines(RepositoryFiles.InRoot(dockerfile));
        Assert.Contains("COPY src/Directory.Build.props src/", lines);
        foreach (string project in Closure(executable))
        {
            Assert.True(lines.Contains($"COPY src/{project}/{project}.csproj src/{project}/"), $"{dockerfile} does not copy {project}'s project file before the restore");
            Assert.True(lines.Contains($"COPY src/{project}/ src/{project}/"), $"{dockerfile} does not copy {project}'s sources");
        }
    }

    [Fact]
    public void ProxyExecutable_Closure_LeavesOutTheDemoAndTheController()
    {
        IReadOnlySet<string> closure = Closure("Slotgate");

        Assert.DoesNotContain("Slotgate.Demo", closure);
        Assert.DoesNotContain("Slotgate.Controller", closure);
    }

    [Fact]
    public void SourceFiles_HandWritten_AreAtMostFiveHundredLines()
    {
        var tooLong = new List<string>();
        foreach (string folder in new[] { "src", "tests", "bench" })
        {
            foreach (string file in Directory.EnumerateFiles(RepositoryFiles.InRoot(folder), "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(RepositoryFiles.Root, file);
                if (IsBuildOutput(relative) || relative.EndsWith(".Generated.cs", StringComparison.Ordinal))
                {
                    continue;
                }
                int lines = File.ReadLines(file).Count();
                if (lines > MaxLines)
                {
                    tooLong.Add($"{relative}: {lines} lines");
                }
            }
        }
        Assert.True(tooLong.Count == 0, $"split these by concern (at most {MaxLines} lines a file):{Environment.NewLine}{string.Join(Environment.NewLine, tooLong)}");
    }

    [Fact]
    public void UnsafeCode_Projects_SayWhyTheyAllowIt()
    {
        foreach (string csproj in Directory.EnumerateFiles(RepositoryFiles.InRoot("src"), "*.csproj", SearchOption.AllDirectories))
        {
            string text = File.ReadAllText(csproj);
            int allow = text.IndexOf("<AllowUnsafeBlocks>true</AllowUnsafeBlocks>", StringComparison.Ordinal);
            if (allow >= 0)
            {
                int comment = text.LastIndexOf("<!--", allow, StringComparison.Ordinal);
                Assert.True(comment >= 0 && text.IndexOf("-->", comment, StringComparison.Ordinal) < allow,
                    $"{Path.GetFileName(csproj)} allows unsafe code without a comment saying where and why");
            }
        }
    }

    [Fact]
    public void PlatformHasEventLoops_ComparedWithTheTransport_Agrees() =>
        // The options model states the transport's platform check itself so it needs no layer below it; this holds the two together.
        Assert.Equal(Slotgate.Transport.Native.IsSupported, Slotgate.Configuration.IoOptions.PlatformHasEventLoops);

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules");

    private static int RankOf(string project) => Array.FindIndex(Layers, layer => layer.Contains(project));

    /// <summary>Every project under src/, by name, with the names of the projects it references.</summary>
    private static Dictionary<string, IReadOnlyList<string>> SourceProjects()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (string directory in Directory.EnumerateDirectories(RepositoryFiles.InRoot("src")))
        {
            string name = Path.GetFileName(directory);
            string csproj = Path.Combine(directory, name + ".csproj");
            if (!File.Exists(csproj))
            {
                continue;
            }
            projects[name] = XDocument.Load(csproj).Descendants("ProjectReference")
                .Select(r => ProjectName().Match((string?)r.Attribute("Include") ?? string.Empty).Groups[1].Value)
                .ToArray();
        }
        Assert.NotEmpty(projects);
        return projects;
    }

    /// <summary>The project and everything it references, directly or not.</summary>
    private static IReadOnlySet<string> Closure(string project)
    {
        Dictionary<string, IReadOnlyList<string>> projects = SourceProjects();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out string? next))
        {
            if (seen.Add(next))
            {
                foreach (string reference in projects[next])
                {
                    pending.Push(reference);
                }
            }
        }
        return seen;
    }

    [GeneratedRegex(@"([^/\\]+)\.csproj$")]
    private static partial Regex ProjectName();
}
