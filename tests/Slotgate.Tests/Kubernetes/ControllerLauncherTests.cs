namespace Slotgate.Tests.Kubernetes;

public class ControllerLauncherTests
{
    [Fact]
    public void Find_ApphostOrDllInADirectory_FirstDirectoryThatHasItWins()
    {
        string empty = Directory.CreateTempSubdirectory("slotgate-none-").FullName;
        string withDll = Directory.CreateTempSubdirectory("slotgate-dll-").FullName;
        string withApphost = Directory.CreateTempSubdirectory("slotgate-apphost-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(withDll, "slotgate-controller.dll"), "");
            File.WriteAllText(Path.Combine(withApphost, "slotgate-controller"), "");

            Assert.Null(ControllerLauncher.Find([empty]));
            var viaDotnet = ControllerLauncher.Find([empty, withDll, withApphost])!;
            Assert.Equal("dotnet", viaDotnet.FileName);
            Assert.Equal([Path.Combine(withDll, "slotgate-controller.dll")], viaDotnet.ArgumentList);
            Assert.Equal(Path.Combine(withApphost, "slotgate-controller"), ControllerLauncher.Find([withApphost, withDll])!.FileName);
        }
        finally
        {
            foreach (string directory in new[] { empty, withDll, withApphost })
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Run_ControllerMissing_ClearErrorNamingIt()
    {
        var error = new StringWriter();
        Assert.Equal(2, await ControllerLauncher.RunAsync([], error, [Path.Combine(Path.GetTempPath(), "slotgate-nowhere")]));
        Assert.Contains("'slotgate-controller' was not found", error.ToString(), StringComparison.Ordinal);
    }
}
