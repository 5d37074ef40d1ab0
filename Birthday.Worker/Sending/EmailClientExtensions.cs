using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Birthday.Worker.Sending;

public static class EmailClientExtensions
{
    /// <summary>
    /// The email client with its own resilience pipeline (instead of the standard one every other client gets):
    /// a 10 s timeout per attempt, a few quick retries with jitter that honour Retry-After, and a circuit breaker that
    /// stops hammering a dead vendor and shows in /health and metrics.
    /// </summary>
    public static WebApplicationBuilder AddEmailClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailServiceOptions>()
            .Bind(builder.Configuration.GetSection(EmailServiceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<CircuitState>();

        builder.Services.AddHttpClient<EmailClient>((services, http) =>
            {
                http.BaseAddress = services.GetRequiredService<IOptions<EmailServiceOptions>>().Value.BaseUrl;
                http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts govern
            })
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("email", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<EmailServiceOptions>>().Value;
                var circuit = context.ServiceProvider.GetRequiredService<CircuitState>();

                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.QuickRetries),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(options.QuickRetries > 0 && ShouldRetryQuickly(args.Outcome, options)),
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 20,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = options.BreakDuration,
                    OnOpened = _ => { circuit.Opened(); return ValueTask.CompletedTask; },
                    OnHalfOpened = _ => { circuit.HalfOpened(); return ValueTask.CompletedTask; },
                    OnClosed = _ => { circuit.Closed(); return ValueTask.CompletedTask; },
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            });

        builder.Services.AddHealthChecks().AddCheck<EmailCircuitHealthCheck>("email-circuit");
        return builder;
    }

    /// <summary>
    /// Transient failures are retried at once, except a Retry-After longer than we are willing to hold a worker slot for:
    /// that message goes back to the database and waits there.
    /// </summary>
    private static bool ShouldRetryQuickly(Outcome<HttpResponseMessage> outcome, EmailServiceOptions options)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        var response = outcome.Result;
        if (response is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable }
            && response.Headers.RetryAfter?.Delta is { } retryAfter && retryAfter > options.MaxQuickRetryAfter)
        {
            return false;
        }

        return true;
    }
}
