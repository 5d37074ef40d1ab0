using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Birthday.Gateway;

/// <summary>
/// Refuses an oversized body before any of it is forwarded: at once when Content-Length says so, and as soon as a
/// chunked body passes the limit otherwise (Kestrel then fails the read, and the api never sees the request complete).
/// </summary>
public static class BodyLimits
{
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return TypedResults.Problem(
                detail: $"The body is {context.Request.ContentLength} bytes; at most {limit} are accepted.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "The body is too large.",
                extensions: new Dictionary<string, object?> { ["code"] = "payload_too_large" }).ExecuteAsync(context);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    });
}
