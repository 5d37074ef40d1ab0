using System.Diagnostics.Metrics;
using System.Globalization;
using Yarp.ReverseProxy.Forwarder;

namespace Birthday.Gateway.ReadCache;

/// <summary>
/// A step of the proxy pipeline: <c>GET /api/v1/users/{id}</c> is answered from the <see cref="UserReadCache"/> when it
/// holds the user (with an <c>Age</c> header, as an HTTP cache does), and a missed read's 200 is kept on its way to the
/// client. Any other method on a user drops it before it is forwarded and again once answered, so a client always reads
/// its own write through this gateway. A client that asks for a fresh answer (<c>Cache-Control: no-cache</c>) gets one.
/// </summary>
public static class UserReadCaching
{
    private const string UsersPath = "/api/v1/users/";

    private static readonly Meter Meter = new("Birthday.Gateway");
    private static readonly Counter<long> Reads = Meter.CreateCounter<long>(
        "birthday.gateway.user_cache.reads", description: "Single-user reads by how the gateway's cache served them (hit, miss, bypass)");

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (!TryGetUserId(request.Path, out var id))
        {
            await next();
            return;
        }

        var cache = context.RequestServices.GetRequiredService<UserReadCache>();
        if (HttpMethods.IsGet(request.Method))
        {
            await ReadAsync(context, cache, id, next);
        }
        else if (HttpMethods.IsHead(request.Method))
        {
            await next();
        }
        else
        {
            cache.Drop(id);
            try
            {
                await next();
            }
            finally
            {
                cache.Drop(id);
            }
        }
    }

    private static async Task ReadAsync(HttpContext context, UserReadCache cache, Guid id, Func<Task> next)
    {
        if (!cache.IsServing || context.Request.QueryString.HasValue)
        {
            Reads.Add(1, new KeyValuePair<string, object?>("result", "bypass"));
            await next();
            return;
        }

        if (!WantsFreshAnswer(context.Request) && cache.TryGet(id, out var cached))
        {
            Reads.Add(1, new KeyValuePair<string, object?>("result", "hit"));
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = cached.ContentType;
            response.ContentLength = cached.Body.Length;
            response.Headers.Age = ((long)cache.AgeOf(cached).TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await response.Body.WriteAsync(cached.Body, context.RequestAborted);
            return;
        }

        Reads.Add(1, new KeyValuePair<string, object?>("result", "miss"));
        var ticket = cache.BeginRead(id);
        var body = context.Response.Body;
        await using var copy = new ResponseCopyStream(body, cache.MaxBodyBytes);
        context.Response.Body = copy;
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = body;
        }

        if (MayKeep(context) && copy.TryGetCopy(out var copied))
        {
            cache.Keep(ticket, copied, context.Response.ContentType!);
        }
    }

    /// <summary>A whole, plain 200 from the api that says nothing against being kept (as a shared HTTP cache would judge it).</summary>
    private static bool MayKeep(HttpContext context)
    {
        var answer = context.Response;
        return answer.StatusCode == StatusCodes.Status200OK && answer.ContentType is not null
            && answer.Headers.ContentEncoding.Count == 0 && answer.Headers.SetCookie.Count == 0
            && !answer.Headers.CacheControl.ToString().Contains("no-store", StringComparison.OrdinalIgnoreCase)
            && !answer.Headers.CacheControl.ToString().Contains("private", StringComparison.OrdinalIgnoreCase)
            && context.Features.Get<IForwarderErrorFeature>() is null && !context.RequestAborted.IsCancellationRequested;
    }

    private static bool WantsFreshAnswer(HttpRequest request) =>
        request.Headers.CacheControl.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Pragma.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase);

    /// <summary>The id of <c>/api/v1/users/{id}</c> exactly (not its messages, not the list).</summary>
    public static bool TryGetUserId(PathString path, out Guid id)
    {
        var value = path.Value;
        id = default;
        return value is not null
            && value.StartsWith(UsersPath, StringComparison.OrdinalIgnoreCase)
            && value.AsSpan(UsersPath.Length) is var rest && !rest.Contains('/')
            && Guid.TryParse(rest, out id);
    }
}
