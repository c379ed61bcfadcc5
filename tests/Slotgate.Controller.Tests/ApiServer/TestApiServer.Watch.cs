using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Watch streams: one JSON event a line, with the watch's selectors, timeout and lifetime.</summary>
public sealed partial class TestApiServer
{
    private async Task WatchAsync(HttpContext context, Target target)
    {
        IQueryCollection query = context.Request.Query;
        Func<JsonObject, bool> match = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
        if (target.Name is string name)
        {
            Func<JsonObject, bool> selected = match;
            match = o => (string?)o["metadata"]?["name"] == name && selected(o);
        }
        HttpResponse response = context.Response;
        ObjectStore.Watch watch;
        try
        {
            watch = _store.OpenWatch(target.Type, target.Namespace, match, query["resourceVersion"].FirstOrDefault(),
                query["allowWatchBookmarks"].FirstOrDefault() is "true" or "1");
        }
        catch (ObjectStore.ExpiredException expired)
        {
            // As the real server does: the watch is answered 200, with a single ERROR event.
            response.StatusCode = 200;
            response.ContentType = "application/json";
            var error = new JsonObject { ["type"] = "ERROR", ["object"] = ApiError.Status(410, "Expired", expired.Message, null) };
            await response.WriteAsync(JsonText.Write(error) + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        TimeSpan? lifetime = _options.WatchLifetime;
        if (int.TryParse(query["timeoutSeconds"].FirstOrDefault(), out int seconds) && seconds > 0
            && (lifetime is null || TimeSpan.FromSeconds(seconds) < lifetime))
        {
            lifetime = TimeSpan.FromSeconds(seconds);
        }
        if (lifetime is TimeSpan limit)
        {
            timeout.CancelAfter(limit);
        }
        try
        {
            response.StatusCode = 200;
            response.ContentType = "application/json";
            await response.StartAsync(timeout.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(timeout.Token).ConfigureAwait(false);
            await foreach (JsonObject item in watch.Events.Reader.ReadAllAsync(timeout.Token).ConfigureAwait(false))
            {
                await response.WriteAsync(JsonText.Write(item) + "\n", timeout.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            if (watch.Aborted)
            {
                context.Abort();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Timed out, or the client went away.
        }
        finally
        {
            _store.CloseWatch(watch);
        }
    }
}
