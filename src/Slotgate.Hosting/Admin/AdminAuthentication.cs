using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Slotgate.Configuration;

namespace Slotgate.Admin;

/// <summary>
/// Optional authentication of the admin API: HTTP Basic with admin.username/password, or <c>Authorization: Bearer</c>
/// with admin.token. <c>/healthz</c> and <c>/readyz</c> stay open, because orchestrators probe them without credentials
/// and they reveal nothing. Secrets are compared in constant time.
/// </summary>
internal sealed class AdminAuthentication(AdminOptions options)
{
    private readonly byte[]? _basic = options.Username is { } user && options.Password is { } password
        ? Encoding.UTF8.GetBytes("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)))
        : null;
    private readonly byte[]? _bearer = options.Token is { } token ? Encoding.UTF8.GetBytes("Bearer " + token) : null;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if ((_basic is null && _bearer is null) || context.Request.Path == "/healthz" || context.Request.Path == "/readyz" || Accepted(context))
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (_basic is not null)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"slotgate\"";
        }
        return context.Response.WriteAsync("unauthorized\n");
    }

    private bool Accepted(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is null)
        {
            return false;
        }
        byte[] given = Encoding.UTF8.GetBytes(header.Trim());
        return (_basic is not null && CryptographicOperations.FixedTimeEquals(given, _basic)) ||
               (_bearer is not null && CryptographicOperations.FixedTimeEquals(given, _bearer));
    }
}
