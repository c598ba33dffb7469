using CdsService.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>The service as configured for Development (loopback allowed), with every log event captured.</summary>
public class EhrAppFixture : IDisposable
{
    public EhrAppFixture()
    {
        App = new CdsApp()
            .With("Serilog:MinimumLevel:Default", "Verbose")
            .WithServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    public CdsApp App { get; }

    internal CapturedLogs Logs { get; } = new();

    public void Dispose()
    {
        App.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Short limits, so timeouts, deadlines, retries and the page cap show within a test: 800 ms per call, 1 s per hook,
/// 2 retries, 2 pages.
/// </summary>
public sealed class TightEhrAppFixture : EhrAppFixture
{
    public TightEhrAppFixture()
    {
        App.With("Fhir:HookDeadline", "00:00:01")
            .With("Fhir:PerCallTimeout", "00:00:00.800")
            .With("Fhir:MaxRetries", "2")
            .With("Fhir:RetryDelay", "00:00:00.050")
            .With("Fhir:MaxPages", "2");
    }
}

/// <summary>A circuit breaker that opens after two failed calls to one server, and stays open for the test.</summary>
public sealed class BreakerEhrAppFixture : EhrAppFixture
{
    public BreakerEhrAppFixture()
    {
        App.With("Fhir:MaxRetries", "0")
            .With("Fhir:CircuitBreakerMinimumThroughput", "2")
            .With("Fhir:CircuitBreakerFailureRatio", "0.5")
            .With("Fhir:CircuitBreakerBreakDuration", "00:05:00");
    }
}

/// <summary>An allowlist that names only port 1 on loopback, so no WireMock server is allowed.</summary>
public sealed class RefusingEhrAppFixture : EhrAppFixture
{
    public RefusingEhrAppFixture()
    {
        App.With("Fhir:AllowedServers:0", "http://127.0.0.1:1")
            .With("Fhir:AllowedServers:1", "http://localhost:1");
    }
}
