namespace Slotgate.Tests.Kubernetes;

/// <summary>
/// The Dockerfile's structure, checked statically: no container engine runs on the project's machines. That its
/// build commands work is checked by scripts/check-publish.sh (run by CI), which replays them outside a container.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string[] Lines = File.ReadAllLines(RepositoryFiles.InRoot("Dockerfile"))
        .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    [Fact]
    public void Stages_BuildAndRuntime_UseSdkThenRuntimeDeps()
    {
        string[] from = Lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToArray();

        Assert.Equal(2, from.Length);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", from[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", from[1], StringComparison.Ordinal);
        Assert.Contains(Lines, l => l.Contains("clang", StringComparison.Ordinal) && l.Contains("zlib1g-dev", StringComparison.Ordinal));
    }

    [Fact]
    public void RuntimeStage_User_IsNumericNonRootMatchingDeployment()
    {
        string user = Assert.Single(Lines, l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..];
        string uid = user.Split(':')[0];
        var manifest = new SlotgateManifest(Kustomize.Render("base"));

        Assert.True(int.TryParse(uid, out int id) && id > 0, $"USER {user} must be a numeric non-root id");
        Assert.Equal(uid, manifest.Deployment.Text("spec.template.spec.securityContext.runAsUser"));
        Assert.Equal("true", manifest.Deployment.Text("spec.template.spec.securityContext.runAsNonRoot"));
    }

    [Fact]
    public void Entrypoint_CopiedBinary_IsThePublishedOne()
    {
        string publish = Assert.Single(Lines, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        string copy = Assert.Single(Lines, l => l.StartsWith("COPY --from=build ", StringComparison.Ordinal));
        string entrypoint = Assert.Single(Lines, l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));

        Assert.Contains("src/Slotgate ", publish, StringComparison.Ordinal);
        Assert.Contains("-o /out", publish, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryFiles.InRoot("src", "Slotgate", "Slotgate.csproj")));
        string[] parts = copy.Split(' ');
        Assert.Equal("/out/slotgate", parts[2]); // AssemblyName "slotgate" in Slotgate.csproj
        Assert.Equal($"ENTRYPOINT [\"{parts[3]}\"]", entrypoint);
    }

    [Fact]
    public void ExposedPorts_BaseConfiguration_AreTheListenerAndAdminPorts()
    {
        var manifest = new SlotgateManifest(Kustomize.Render("base"));
        string expose = Assert.Single(Lines, l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        int[] exposed = expose["EXPOSE ".Length..].Split(' ').Select(p => int.Parse(p.Split('/')[0])).Order().ToArray();

        Assert.Equal(manifest.ListenPorts.Append(manifest.AdminPort).Order().ToArray(), exposed);
        Assert.Contains(Lines, l => l == $"ENV SLOTGATE_ADMIN__LISTEN=0.0.0.0:{manifest.AdminPort}");
    }

    [Fact]
    public void DockerIgnore_BuildOutput_ExcludedButSourcesKept()
    {
        string[] ignored = File.ReadAllLines(RepositoryFiles.InRoot(".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.DoesNotContain(ignored, p => p is "src" or "src/" or "*" or "**");
    }

    [Fact]
    public void ControllerDockerfile_Entrypoint_RunsThePublishedControllerAsNonRoot()
    {
        string[] lines = File.ReadAllLines(RepositoryFiles.InRoot("Dockerfile.controller"));
        string project = File.ReadAllText(RepositoryFiles.InRoot("src", "Slotgate.Controller", "Slotgate.Controller.csproj"));

        Assert.Contains("<AssemblyName>slotgate-controller</AssemblyName>", project, StringComparison.Ordinal);
        Assert.Contains("RUN dotnet publish src/Slotgate.Controller -c Release -o /out --no-restore", lines);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/slotgate-controller.dll\"]", lines);
        Assert.Contains("USER 1654:1654", lines);
    }
}
