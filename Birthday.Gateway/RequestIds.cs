using System.Text.RegularExpressions;

namespace Birthday.Gateway;

/// <summary>
/// Every request gets an <c>X-Request-ID</c>: the client's own if it is a sane token, a new one otherwise. It is passed to
/// the api (which logs it and echoes it) and returned to the client, so one id ties a complaint to the logs and the trace.
/// </summary>
public static partial class RequestIds
{
    public const string HeaderName = "X-Request-ID";

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var supplied = context.Request.Headers[HeaderName].ToString();
        var id = SafeId().IsMatch(supplied) ? supplied : Guid.NewGuid().ToString("N");
        context.Request.Headers[HeaderName] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        return next(context);
    });

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex SafeId();
}
