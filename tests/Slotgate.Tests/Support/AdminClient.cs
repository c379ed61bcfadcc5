using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Slotgate.Tests.Support;

/// <summary>HTTP to a test server's admin port, and reading values out of a Prometheus scrape.</summary>
internal static partial class AdminClient
{
    public static HttpClient For(IPEndPoint admin, AuthenticationHeaderValue? auth = null)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{admin}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = auth;
        return http;
    }

    /// <summary>The value of the sample <paramref name="series"/> (name plus labels exactly as exported), or null.</summary>
    public static double? Sample(string scrape, string series)
    {
        foreach (string line in scrape.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels contain <paramref name="labelFilter"/>.</summary>
    public static double Sum(string scrape, string name, string labelFilter = "")
    {
        double sum = 0;
        foreach (Match match in SampleLine().Matches(scrape))
        {
            if (match.Groups["name"].Value == name && match.Groups["labels"].Value.Contains(labelFilter, StringComparison.Ordinal))
            {
                sum += double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(?<labels>\{[^}]*\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
