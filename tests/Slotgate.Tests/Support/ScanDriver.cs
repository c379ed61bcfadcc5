namespace Slotgate.Tests.Support;

/// <summary>Runs a whole SCAN iteration the way a client does: from cursor 0 until the cursor comes back 0.</summary>
internal static class ScanDriver
{
    /// <summary>Every key returned (duplicates kept) and the number of SCAN calls it took.</summary>
    public static async Task<(List<string> Keys, int Calls)> ScanAllAsync(RespTestClient client, params string[] options)
    {
        var keys = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            RespValue reply = await client.CallAsync(["SCAN", cursor, .. options]);
            Assert.False(reply.IsError, reply.ToString());
            cursor = reply.Items![0].Text!;
            keys.AddRange(reply.Items[1].Items!.Select(k => k.Text!));
            calls++;
            Assert.True(calls < 200_000, "SCAN did not finish");
        }
        while (cursor != "0");
        return (keys, calls);
    }
}
