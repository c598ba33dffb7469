using System.Net;
using CdsService.PatientRecords;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CdsService.Ehr;

internal static class FhirServerRegistration
{
    /// <summary>
    /// The EHR FHIR server as a data source: options, allowlist, and the outbound HttpClient with its resilience
    /// pipeline (per-call timeout, bounded retry of GETs on 5xx or connection errors, a circuit breaker per server).
    /// </summary>
    public static IServiceCollection AddFhirServerDataSource(this IServiceCollection services)
    {
        services.AddOptions<FhirOptions>().BindConfiguration(FhirOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FhirOptions>, FhirOptionsValidator>();
        services.AddSingleton<FhirServerAllowlist>();
        services.AddSingleton<FhirSectionReader>();
        services.AddSingleton<IEhrDataSource, FhirServerDataSource>();

        services.AddSingleton<FhirReadGate>();

        // The HttpClient itself is made per hook call (FhirServerDataSource) around this pooled handler chain.
        services.AddHttpClient(FhirServerDataSource.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect could lead anywhere; the allowlist was checked for the URL asked, not for a Location.
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.All,
            })

            // The default HttpClient logs print request URLs, and with them patient ids; EhrLog logs what matters.
            .RemoveAllLoggers()
            .AddResilienceHandler("fhir-server", (pipeline, context) => Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<FhirOptions>>().Value))

            // One breaker per fhirServer base URL (set by FhirReadBudget), so tenants sharing a host do not share one.
            .SelectPipelineBy(_ => request => request.Options.TryGetValue(FhirReadBudget.ServerKey, out var server)
                ? server
                : request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "");
        return services;
    }

    /// <summary>
    /// Chosen for this workload rather than the standard handler's defaults: no concurrency limiter (its 1,000-permit,
    /// no-queue limit refused healthy traffic at 200 concurrent hooks, and the refusals opened the breaker; the read
    /// gate queues instead), a total timeout equal to the hook deadline, retries only of idempotent GETs within it, an
    /// attempt timeout below it, and a breaker that counts only the server's own failures.
    /// </summary>
    private static void Configure(Polly.ResiliencePipelineBuilder<HttpResponseMessage> pipeline, FhirOptions options)
    {
        pipeline.AddTimeout(options.HookDeadline);
        if (options.MaxRetries > 0)
        {
            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,

                // A Retry-After of minutes is no use within a hook deadline of seconds.
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException || (int?)args.Outcome.Result?.StatusCode >= 500),
            };
            retry.DisableForUnsafeHttpMethods();
            pipeline.AddRetry(retry);
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            BreakDuration = options.CircuitBreakerBreakDuration,
            SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * options.PerCallTimeout.Ticks)),
        });
        pipeline.AddTimeout(options.PerCallTimeout);
    }
}
