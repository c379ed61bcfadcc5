using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slotgate.Cluster;
using Slotgate.Configuration;
using Slotgate.Diagnostics;
using Slotgate.Proxy;

namespace Slotgate.Admin;

/// <summary>
/// The admin HTTP API. Plain <see cref="RequestDelegate"/>s (no reflection-based binding) and source-generated JSON,
/// so it is Native AOT clean. Only the admin listener speaks HTTP (the RESP listeners use a connection handler), so
/// these routes are reachable on the admin port only.
/// </summary>
internal static partial class AdminEndpoints
{
    public static void Map(WebApplication app, AdminOptions options)
    {
        app.Use(new AdminAuthentication(options).InvokeAsync);
        app.MapGet("/healthz", (RequestDelegate)Healthz);
        app.MapGet("/readyz", (RequestDelegate)Readyz);
        app.MapGet("/metrics", (RequestDelegate)Metrics);
        app.MapGet("/config", (RequestDelegate)Config);
        app.MapGet("/topology", (RequestDelegate)Topology);
        app.MapPost("/topology/refresh", (RequestDelegate)RefreshTopology);
        app.MapGet("/clients", (RequestDelegate)Clients);
        app.MapPost("/log-level", (RequestDelegate)SetLogLevel);
        app.MapGet("/log-level", (RequestDelegate)GetLogLevel);
        app.MapGet("/", (RequestDelegate)Dashboard);
        app.MapGet("/dashboard", (RequestDelegate)Dashboard);
        app.MapGet("/api/dashboard", (RequestDelegate)DashboardData);
    }

    private static Task Healthz(HttpContext context) => Text(context, StatusCodes.Status200OK, "ok\n");

    /// <summary>Ready: the slot map covers every slot and shutdown (drain) has not begun.</summary>
    private static Task Readyz(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        string? reason = Readiness.Check(
            services.GetRequiredService<TopologyRefresher>().Current,
            services.GetRequiredService<Hosting.ShutdownDrain>().Stopping);
        return reason is null
            ? Text(context, StatusCodes.Status200OK, "ready\n")
            : Text(context, StatusCodes.Status503ServiceUnavailable, $"not ready: {reason}\n");
    }

    private static Task Metrics(HttpContext context)
    {
        string text = context.RequestServices.GetRequiredService<PrometheusExporter>().Render();
        context.Response.ContentType = PrometheusExporter.ContentType;
        return context.Response.WriteAsync(text);
    }

    private static Task Config(HttpContext context)
    {
        string yaml = OptionsRenderer.Render(context.RequestServices.GetRequiredService<SlotgateOptions>());
        context.Response.ContentType = "application/yaml; charset=utf-8";
        return context.Response.WriteAsync(yaml);
    }

    private static async Task Topology(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        IReadOnlyList<MigrationDto> migrations = await services.GetRequiredService<MigrationProbe>().ProbeAsync().ConfigureAwait(false);
        await Json(context, StatusCodes.Status200OK, services.GetRequiredService<TopologyView>().Build(migrations), AdminJsonContext.Default.TopologyDto).ConfigureAwait(false);
    }

    private static async Task RefreshTopology(HttpContext context)
    {
        TopologyRefresher topology = context.RequestServices.GetRequiredService<TopologyRefresher>();
        long before = topology.Current.Version;
        bool ok = await topology.RefreshAsync(context.RequestAborted).ConfigureAwait(false);
        long after = topology.Current.Version;
        var result = new RefreshDto(ok, after != before, after, ok ? null : topology.LastError);
        await Json(context, ok ? StatusCodes.Status200OK : StatusCodes.Status502BadGateway, result, AdminJsonContext.Default.RefreshDto).ConfigureAwait(false);
    }

    private static Task Clients(HttpContext context)
    {
        ClientRegistry clients = context.RequestServices.GetRequiredService<CommandDispatcher>().Clients;
        IReadOnlyList<ClientDto> list = [.. clients.All().Select(ClientsView.ToDto)];
        return Json(context, StatusCodes.Status200OK, list, AdminJsonContext.Default.IReadOnlyListClientDto);
    }

    private static Task GetLogLevel(HttpContext context) =>
        Json(context, StatusCodes.Status200OK, new LogLevelDto(context.RequestServices.GetRequiredService<LogLevelSwitch>().Level.ToString()), AdminJsonContext.Default.LogLevelDto);

    /// <summary>
    /// <c>POST /log-level</c> with the level as the body (<c>Debug</c>), as <c>?level=Debug</c>, or as JSON
    /// <c>{"level":"Debug"}</c>. Applies at once to every logger; not persisted (a restart uses logging.logLevel).
    /// </summary>
    private static async Task SetLogLevel(HttpContext context)
    {
        string? text = context.Request.Query["level"];
        if (string.IsNullOrWhiteSpace(text))
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            string body = (await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false)).Trim();
            text = body.StartsWith('{') ? TryReadLevel(body) : body;
        }
        string? level = LoggingOptions.Levels.FirstOrDefault(l => string.Equals(l, text?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (level is null)
        {
            await Json(context, StatusCodes.Status400BadRequest,
                new ErrorDto($"'{text}' is not one of {string.Join(", ", LoggingOptions.Levels)}"), AdminJsonContext.Default.ErrorDto).ConfigureAwait(false);
            return;
        }
        LogLevelSwitch levels = context.RequestServices.GetRequiredService<LogLevelSwitch>();
        LogLevel previous = levels.Level;
        levels.Level = Enum.Parse<LogLevel>(level);
        Log.LevelChanged(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate.Admin"), previous.ToString(), level);
        await Json(context, StatusCodes.Status200OK, new LogLevelDto(level), AdminJsonContext.Default.LogLevelDto).ConfigureAwait(false);
    }

    private static string? TryReadLevel(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, AdminJsonContext.Default.LogLevelDto)?.Level;
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static Task Dashboard(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(DashboardPage.Html);
    }

    private static async Task DashboardData(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        IReadOnlyList<MigrationDto> migrations = await services.GetRequiredService<MigrationProbe>().ProbeAsync().ConfigureAwait(false);
        DashboardDto data = DashboardData(services, migrations);
        await Json(context, StatusCodes.Status200OK, data, AdminJsonContext.Default.DashboardDto).ConfigureAwait(false);
    }

    internal static DashboardDto DashboardData(IServiceProvider services, IReadOnlyList<MigrationDto> migrations)
    {
        TopologyView view = services.GetRequiredService<TopologyView>();
        SlotgateMetrics metrics = services.GetRequiredService<SlotgateMetrics>();
        TopologyDto topology = view.Build(migrations);
        var nodes = new List<SeriesDto>();
        foreach (ShardDto shard in topology.Shards)
        {
            nodes.Add(Series(shard.Primary.Endpoint, metrics.Node(shard.Primary.Endpoint).Requests, metrics.Node(shard.Primary.Endpoint).Latency));
        }
        var commands = new List<SeriesDto>();
        foreach (CommandStat stat in metrics.Commands.All)
        {
            if (stat.Calls > 0)
            {
                commands.Add(Series(stat.Name, stat.Calls, stat.Latency));
            }
        }
        double[] bounds = [.. Enumerable.Range(0, LatencyHistogram.BucketCount).Select(LatencyHistogram.UpperBound)];
        return new DashboardDto(
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            topology,
            view.SlotRuns(),
            nodes,
            commands,
            metrics.CommandsTotal,
            services.GetRequiredService<ServerIdentity>().ConnectedClients,
            bounds);
    }

    private static SeriesDto Series(string name, long count, LatencyHistogram latency)
    {
        var buckets = new long[LatencyHistogram.BucketCount];
        latency.CopyTo(buckets);
        return new SeriesDto(name, count, buckets);
    }

    private static Task Text(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text);
    }

    private static Task Json<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value, type));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Log level changed from {Previous} to {Level} through the admin API")]
        public static partial void LevelChanged(ILogger logger, string previous, string level);
    }
}
