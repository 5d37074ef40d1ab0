using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Birthday.Gateway;

/// <summary>
/// Every error answer that leaves the gateway after routing has an RFC 9457 body: the gateway's own (no route: 404; a
/// body YARP could not read: 400/413; an instance it could not reach: 502/503/504) through the status code pages, and an
/// api instance's bodiless refusal too. The api writes problems itself, but its Kestrel refuses some requests before
/// the api's code runs (431, 414: the gateway re-encodes a path, which can lengthen it), with an empty body.
/// </summary>
public static class ProblemBodies
{
    public static IApplicationBuilder UseProblemBodies(this IApplicationBuilder app) => app.UseStatusCodePages();

    public static void AddProblemBodyForEmptyErrors(this TransformBuilderContext transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        transforms.AddResponseTransform(async context =>
        {
            if (context.ProxyResponse is not { } proxied || (int)proxied.StatusCode < 400 || proxied.Content.Headers.ContentLength != 0)
            {
                return;
            }

            var response = context.HttpContext.Response;
            context.SuppressResponseBody = true;
            response.ContentLength = null;
            await TypedResults.Problem(statusCode: (int)proxied.StatusCode,
                extensions: new Dictionary<string, object?> { ["code"] = "refused_by_api_server" }).ExecuteAsync(context.HttpContext);
        });
    }
}
