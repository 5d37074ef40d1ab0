using Microsoft.AspNetCore.Diagnostics;

namespace Birthday.Api.Apis;

/// <summary>
/// Answers a <see cref="BadHttpRequestException"/> that reached the exception handler with its own 4xx and a problem body.
/// In Development minimal APIs throw one for every parameter that fails to bind (<c>RouteHandlerOptions.ThrowOnBadRequest</c>),
/// and Kestrel throws one when a body arrives too large, too slowly or cut short; unhandled, each would be a 500.
/// </summary>
public sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        await ApiProblems.BadRequest(badRequest).ExecuteAsync(httpContext);
        return true;
    }
}
