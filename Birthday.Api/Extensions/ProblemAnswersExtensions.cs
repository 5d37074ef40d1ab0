using Birthday.Api.Apis;

namespace Birthday.Api.Extensions;

public static class ProblemAnswersExtensions
{
    /// <summary>RFC 9457 problem bodies for every error answer, and a client's malformed request answered as the client's fault.</summary>
    public static IServiceCollection AddProblemAnswers(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    /// <summary>
    /// The same answers in every environment: an exception becomes a problem (a <see cref="BadHttpRequestException"/> its
    /// own 4xx, anything else a 500), and an error status that has no body yet (a 404 or 405 from routing, a binding
    /// failure outside Development) gets one.
    /// </summary>
    public static WebApplication UseProblemAnswers(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
