using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace Birthday.Gateway;

/// <summary>
/// YARP's outgoing client with one addition: a GET or HEAD whose connection to an api instance could not even be made
/// (the instance just died) is tried once more, and YARP's load balancer picks again. Nothing else is retried: a write
/// may have been applied before its answer was lost.
/// </summary>
public sealed class RetryingForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new IdempotentConnectRetryHandler { InnerHandler = base.WrapHandler(context, handler) };

    private sealed class IdempotentConnectRetryHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (IsIdempotent(request.Method) && ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return await base.SendAsync(request, cancellationToken);
            }
        }

        private static bool IsIdempotent(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head;
    }
}
