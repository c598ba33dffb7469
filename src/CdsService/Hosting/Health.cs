using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CdsService.Hosting;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (configuration valid, FHIR model warmed up), for
/// orchestrators. Plain text "Healthy" or "Unhealthy" and nothing more: no versions, no names, no exception text.
/// Warming up is <see cref="HealthStatus.Degraded"/> inside (expected, logged by nobody at each probe) and 503
/// "Unhealthy" on the wire, so a probe sees one contract and the log keeps Error for a real fault.
/// </summary>
internal static class Health
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteHealthyOrNot,
        }).DisableRateLimiting();
        return app;
    }

    /// <summary>Whether a request is a health probe: its answer line is logged at Debug (see <see cref="LoggingSetup"/>).</summary>
    public static bool IsProbe(HttpContext http) => http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal);

    private static Task WriteHealthyOrNot(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "text/plain";
        return http.Response.WriteAsync(report.Status == HealthStatus.Healthy ? "Healthy" : "Unhealthy");
    }
}

/// <summary>
/// Ready once <see cref="WarmUp"/> has run and every options section still validates. The host's start-up validator
/// knows every section registered with <c>ValidateOnStart</c>, and reads them through the options monitor, so a
/// configuration reload that breaks one is seen here too.
/// </summary>
internal sealed class ReadinessCheck(WarmUpStatus warmUp, IStartupValidator configuration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (!warmUp.IsWarm)
        {
            // Not a fault: the readiness probe is meant to wait. Unhealthy would log an Error at every probe of the warm-up.
            return Task.FromResult(HealthCheckResult.Degraded("warming up"));
        }

        try
        {
            configuration.Validate();
        }
        catch (Exception e) when (e is OptionsValidationException or AggregateException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("configuration invalid"));
        }

        return Task.FromResult(HealthCheckResult.Healthy());
    }
}

/// <summary>Set by <see cref="WarmUp"/> when Firely's model reflection has been paid for.</summary>
internal sealed class WarmUpStatus
{
    private volatile bool _warm;
    private volatile bool _clientCalled;

    public bool IsWarm => _warm;

    /// <summary>Whether a real client has called a hook yet: from then on its calls warm the path, and the warm-up's only compete.</summary>
    public bool ClientCalled => _clientCalled;

    public void MarkWarm() => _warm = true;

    public void NoteClientCall()
    {
        // Read before written: after the first call this is a read of a shared flag, not a write to its cache line.
        if (!_clientCalled)
        {
            _clientCalled = true;
        }
    }
}
