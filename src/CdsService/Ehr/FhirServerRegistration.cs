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

        services.AddHttpClient(FhirServerDataSource.HttpClientName)
            .ConfigureHttpClient((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<FhirOptions>>().Value;
                http.MaxResponseContentBufferSize = options.MaxResponseBytes;

                // A backstop only: the resilience pipeline and the hook deadline end calls well before this.
                http.Timeout = options.HookDeadline + TimeSpan.FromSeconds(5);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect could lead anywhere; the allowlist was checked for the URL asked, not for a Location.
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.All,
            })

            // The default HttpClient logs print request URLs, and with them patient ids; EhrLog logs what matters.
            .RemoveAllLoggers()
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => Configure(resilience, sp.GetRequiredService<IOptions<FhirOptions>>().Value))
            .SelectPipelineByAuthority();
        return services;
    }

    private static void Configure(HttpStandardResilienceOptions resilience, FhirOptions options)
    {
        resilience.TotalRequestTimeout.Timeout = options.HookDeadline;
        resilience.AttemptTimeout.Timeout = options.PerCallTimeout;

        var retry = resilience.Retry;
        retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries);
        retry.Delay = options.RetryDelay;
        retry.BackoffType = DelayBackoffType.Exponential;
        retry.UseJitter = true;

        // A Retry-After of minutes is no use within a hook deadline of seconds.
        retry.ShouldRetryAfterHeader = false;
        retry.ShouldHandle = options.MaxRetries == 0
            ? _ => PredicateResult.False()
            : args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException || (int?)args.Outcome.Result?.StatusCode >= 500);
        retry.DisableForUnsafeHttpMethods();

        var breaker = resilience.CircuitBreaker;
        breaker.FailureRatio = options.CircuitBreakerFailureRatio;
        breaker.MinimumThroughput = options.CircuitBreakerMinimumThroughput;
        breaker.BreakDuration = options.CircuitBreakerBreakDuration;
        breaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * options.PerCallTimeout.Ticks));
    }
}
