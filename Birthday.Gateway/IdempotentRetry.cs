using Yarp.ReverseProxy.Forwarder;

namespace Birthday.Gateway;

/// <summary>
/// A step of the proxy pipeline, before load balancing: a GET or HEAD that could not reach its api instance (refused,
/// reset before any answer: the instance just died) is sent again to another instance, so a client never sees the 502
/// of a replica that is going away. Nothing else is retried: a write may have been applied before its answer was lost.
/// </summary>
public static class IdempotentRetry
{
    private const int MaxAttempts = 2;

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await next();
            return;
        }

        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        for (var attempt = 1; ; attempt++)
        {
            await next();

            var failure = context.Features.Get<IForwarderErrorFeature>();
            if (failure?.Error != ForwarderError.Request || context.Response.HasStarted || attempt == MaxAttempts
                || proxy.ProxiedDestination is not { } failed)
            {
                return;
            }

            candidates = [.. candidates.Where(destination => destination != failed)];
            if (candidates.Count == 0)
            {
                return;
            }

            // Load balancing narrowed the list to the instance it chose; the next attempt chooses among the others.
            proxy.AvailableDestinations = candidates;
            context.Features.Set<IForwarderErrorFeature>(null);
            // YARP answered 502 and wrote nothing else; headers set by earlier middleware stay.
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
    }
}
