namespace Slotgate.Admin;

/// <summary>The dashboard page (<c>Admin/dashboard.html</c>, embedded in the binary so the admin port needs no files on disk).</summary>
internal static class DashboardPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using Stream stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("Slotgate.Admin.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
