using System.Net;
using CdsService.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// The second warm-up phase: a started instance answers liveness at once but says it is ready only after the hot
/// path has stopped being re-compiled (a burst of runs and an idle period in which nothing was compiled), within its
/// budget.
/// </summary>
[Collection(BusyHosts.Name)]
public sealed class WarmUpTests
{
    [Fact]
    public async Task Live_at_once_ready_only_after_the_tier_up_phase()
    {
        var logs = new LogCapture();
        using var app = new CdsApp().With("WarmUp:TierUpBudget", "00:00:20")
            .With("Serilog:MinimumLevel:Default", "Verbose")
            .WithServices(s => s.AddSingleton<ILogEventSink>(logs));
        using var client = app.CreateClient();
        var started = System.Diagnostics.Stopwatch.StartNew();

        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var firstReady = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var ready = firstReady;
        while (ready.StatusCode != HttpStatusCode.OK && started.Elapsed < TimeSpan.FromSeconds(40))
        {
            await Task.Delay(100);
            ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        }

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, firstReady.StatusCode);
        Assert.Equal("Unhealthy", await firstReady.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

        // Waiting is what a readiness probe is for: its 503s are answered, and logged at Debug, never as an error.
        var probeLines = logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP", StringComparison.Ordinal)
            && e.Properties["RequestPath"].ToString().Contains("/health/ready", StringComparison.Ordinal)).ToList();
        Assert.Contains(probeLines, e => e.Properties["StatusCode"].ToString() == "503");
        Assert.All(probeLines, e => Assert.Equal(LogEventLevel.Debug, e.Level));
        Assert.DoesNotContain(logs.Events, e => e.Level >= LogEventLevel.Warning
            && (e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("HealthChecks", StringComparison.Ordinal)
                || e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("/health", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_client_call_before_readiness_ends_the_warm_up()
    {
        var logs = new LogCapture();
        using var app = new CdsApp().With("WarmUp:TierUpBudget", "00:01:00")
            .With("Serilog:MinimumLevel:Default", "Information")
            .WithServices(s => s.AddSingleton<ILogEventSink>(logs));
        using var client = app.CreateClient();
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var answered = await app.PostJsonAsync(CdsApp.BesponsaService, Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"));
        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        while (ready.StatusCode != HttpStatusCode.OK && started.Elapsed < TimeSpan.FromSeconds(50))
        {
            await Task.Delay(100);
            ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        }

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains(logs.Events, e => e.MessageTemplate.Text.StartsWith("Clients are calling before readiness", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_no_budget_the_instance_is_ready_as_soon_as_it_starts()
    {
        using var app = new CdsApp().With("WarmUp:TierUpBudget", "00:00:00");
        using var client = app.CreateClient();

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
