using System.Net;
using CdsService.Hosting;
using CdsService.IntegrationTests.Fixtures;
using CdsService.Security;
using CdsService.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// The warm-up's calls to the service itself: real HTTP through the real JWT check, answered in full but never stored,
/// audited or logged one by one; and its client, once retired, is refused like any stranger.
/// </summary>
public sealed class WarmUpClientTests
{
    [Fact]
    public async Task The_warm_up_calls_itself_over_HTTP_and_leaves_no_audit_row_and_no_request_log_line()
    {
        var logs = new LogCapture();
        using var app = new CdsApp()
            .With("WarmUp:TierUpBudget", "00:00:08")
            .With("Serilog:MinimumLevel:Default", "Information")
            .WithServices(s => s.AddSingleton<ILogEventSink>(logs));
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();

        var ready = await WaitUntilReadyAsync(client);
        var tieredUp = Assert.Single(logs.Events, e => e.MessageTemplate.Text.StartsWith("Hot path tiered up", StringComparison.Ordinal));
        var calls = (int)((ScalarValue)tieredUp.Properties["Calls"]).Value!;

        // A clinician's call after it: the audit queue is first in, first out, so once this call is stored any
        // warm-up call would have been too.
        using var answered = await client.PostAsync(new Uri(CdsApp.BesponsaService, UriKind.Relative), Scenario05());
        var store = app.Services.GetRequiredService<IStateStore>();
        var recorded = await WaitForHookCallsAsync(store, atLeast: 1);

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.True(calls >= 80, $"the warm-up made {calls} calls over HTTP");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Single(recorded);
        Assert.DoesNotContain(logs.Events, e => e.Level >= LogEventLevel.Information && e.MessageTemplate.Text.StartsWith("HTTP POST", StringComparison.Ordinal)
            && e.Timestamp < tieredUp.Timestamp);
        Assert.DoesNotContain(logs.Events, e => e.Level >= LogEventLevel.Warning && e.MessageTemplate.Text.Contains("Warm-up", StringComparison.Ordinal));
        Assert.True(app.Services.GetRequiredService<WarmUpClient>().IsRetired);
    }

    [Fact]
    public async Task Without_a_plain_HTTP_listener_the_warm_up_runs_in_process_and_still_gets_ready()
    {
        var logs = new LogCapture();
        using var app = new CdsApp()
            .With("WarmUp:TierUpBudget", "00:00:08")
            .With("Serilog:MinimumLevel:Default", "Information")
            .WithServices(s => s.AddSingleton<ILogEventSink>(logs));
        using var client = app.CreateClient();

        var ready = await WaitUntilReadyAsync(client);

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Contains(logs.Events, e => e.MessageTemplate.Text.StartsWith("Warm-up runs in-process", StringComparison.Ordinal));
        var tieredUp = Assert.Single(logs.Events, e => e.MessageTemplate.Text.StartsWith("Hot path tiered up", StringComparison.Ordinal));
        Assert.Equal(0, (int)((ScalarValue)tieredUp.Properties["Calls"]).Value!);
        Assert.True(app.Services.GetRequiredService<WarmUpClient>().IsRetired);
    }

    [Fact]
    public async Task A_warm_up_token_is_a_rehearsal_in_Production_and_is_refused_once_the_client_is_retired()
    {
        // The warm-up itself is taken out, so this test decides when the client retires.
        using var service = new SecuredService(app => app.WithServices(s => s.Remove(s.Single(d => d.ImplementationType == typeof(WarmUp)))));
        var warmUp = service.App.Services.GetRequiredService<WarmUpClient>();
        var audience = SecuredService.PublicBase + CdsApp.BesponsaService;
        var first = warmUp.CreateToken(audience)!;
        var kept = warmUp.CreateToken(audience)!;
        var operatorToken = warmUp.CreateToken(SecuredService.PublicBase + "/operator/hook-calls/x")!;

        using var rehearsal = await service.CallWithTokenAsync(first);
        using var operatorCall = await service.Client().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/operator/hook-calls/x") { Headers = { { "Authorization", "Bearer " + operatorToken } } });
        warmUp.Retire();
        using var afterRetirement = await service.CallWithTokenAsync(kept);
        using var clinician = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));
        var recorded = await WaitForHookCallsAsync(service.App.Services.GetRequiredService<IStateStore>(), atLeast: 1);

        Assert.Equal(HttpStatusCode.OK, rehearsal.StatusCode);
        Assert.Contains("\"cards\"", await rehearsal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, operatorCall.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRetirement.StatusCode);
        Assert.Null(warmUp.CreateToken(audience));
        Assert.Equal(HttpStatusCode.OK, clinician.StatusCode);
        Assert.Equal(SecuredService.Issuer, Assert.Single(recorded).ClientIssuer);
        Assert.Contains("KidUnknown", service.Logs.Reasons);
    }

    private static StringContent Scenario05() =>
        new(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), System.Text.Encoding.UTF8, "application/json");

    private static async Task<HttpStatusCode> WaitUntilReadyAsync(HttpClient client)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            if (ready.StatusCode == HttpStatusCode.OK || started.Elapsed > TimeSpan.FromSeconds(40))
            {
                return ready.StatusCode;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<List<Audit.HookCallRecord>> WaitForHookCallsAsync(IStateStore store, int atLeast)
    {
        var all = new List<Audit.HookCallRecord>();
        for (var i = 0; i < 100; i++)
        {
            all.Clear();
            await foreach (var call in store.ListHookCallsAsync(CdsApp.Today.AddDays(-1), CdsApp.Today.AddDays(1), CancellationToken.None))
            {
                all.Add(call);
            }

            if (all.Count >= atLeast)
            {
                break;
            }

            await Task.Delay(50);
        }

        return all;
    }
}
