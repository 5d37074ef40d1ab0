namespace Birthday.Gateway;

/// <summary>
/// Refuses request targets that only a probe would send: encoded slashes or backslashes, dot segments (raw or encoded),
/// empty segments and trailing dots. Routing would already send most of them nowhere; refusing them outright means no
/// decoding difference between the gateway and the api can ever turn one into a route to something internal.
/// </summary>
public static class PathGuard
{
    private static readonly string[] Forbidden = ["%2f", "%5c", "\\", "%2e", "//", "/./", "/../", "%00"];

    public static IApplicationBuilder UsePathGuard(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var path = raw.Split('?', 2)[0];
        if (IsSuspicious(path))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.",
                extensions: new Dictionary<string, object?> { ["code"] = "not_found" }).ExecuteAsync(context);
        }

        return next(context);
    });

    public static bool IsSuspicious(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lower = path.ToLowerInvariant();
        return Forbidden.Any(f => lower.Contains(f, StringComparison.Ordinal))
            || lower.EndsWith("/.", StringComparison.Ordinal)
            || lower.EndsWith("/..", StringComparison.Ordinal)
            || lower.Split('/').Any(segment => segment.Length > 0 && segment.EndsWith('.'));
    }
}
