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
/// The warm-up's calls to the service itself: real HTTP through the real JWT check, answered in full, their writes kept
/// in a scratch store and never in the real one, never audited or logged one by one; and its client, once retired, is
/// refused like any stranger.
/// </summary>
[Collection(BusyHosts.Name)]
public sealed class WarmUpClientTests
{
    [Fact]
    public async Task The_warm_up_calls_itself_over_HTTP_and_leaves_no_audit_row_and_no_request_log_line()
    {
        var logs = new LogCapture();
        using var app = WarmingUp(logs);
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();

        var ready = await WaitUntilReadyAsync(client);
        var tieredUp = TieredUp(logs);
        var calls = Count(tieredUp, "Calls");

        // A clinician's call after it: the audit queue is first in, first out, so once this call is stored any
        // warm-up call would have been too.
        using var answered = await client.PostAsync(new Uri(CdsApp.BesponsaService, UriKind.Relative), Scenario05());
        var store = app.Services.GetRequiredService<IStateStore>();
        var recorded = await WaitForHookCallsAsync(store, atLeast: 1);

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.True(calls >= 80, $"the warm-up made {calls} calls over HTTP");

        // Its own calls never count as a client's: the warm-up ran its cycles and was not ended by them.
        Assert.True(Count(tieredUp, "Cycles") >= 2);
        Assert.DoesNotContain(logs.Events, e => e.MessageTemplate.Text.StartsWith("Clients are calling", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Single(recorded);
        Assert.DoesNotContain(logs.Events, e => e.Level >= LogEventLevel.Information && e.MessageTemplate.Text.StartsWith("HTTP POST", StringComparison.Ordinal)
            && e.Timestamp < tieredUp.Timestamp);
        Assert.DoesNotContain(logs.Events, e => e.Level >= LogEventLevel.Warning && e.MessageTemplate.Text.Contains("warm-up", StringComparison.OrdinalIgnoreCase));
        Assert.True(app.Services.GetRequiredService<WarmUpClient>().IsRetired);
    }

    [Fact]
    public async Task Without_a_plain_HTTP_listener_the_warm_up_runs_in_process_and_still_gets_ready()
    {
        var logs = new LogCapture();
        using var app = WarmingUp(logs);
        using var client = app.CreateClient();

        var ready = await WaitUntilReadyAsync(client);

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Contains(logs.Events, e => e.MessageTemplate.Text.StartsWith("Warm-up runs in-process", StringComparison.Ordinal));
        var tieredUp = TieredUp(logs);
        Assert.Equal(0, Count(tieredUp, "Calls"));
        Assert.True(app.Services.GetRequiredService<WarmUpClient>().IsRetired);
    }

    [Fact]
    public async Task A_warm_up_token_is_a_rehearsal_in_Production_only_on_hook_calls_and_refused_once_the_client_is_retired()
    {
        // The warm-up itself is taken out, so this test decides when the client retires.
        using var service = new SecuredService(app => app.With("Determinations:Enabled", "true")
            .WithServices(s => s.Remove(s.Single(d => d.ImplementationType == typeof(WarmUp)))));
        var warmUp = service.App.Services.GetRequiredService<WarmUpClient>();
        var audience = SecuredService.PublicBase + CdsApp.BesponsaService;
        var first = warmUp.CreateToken(audience)!;
        var kept = warmUp.CreateToken(audience)!;
        var feedbackToken = warmUp.CreateToken(audience + "/feedback")!;
        var operatorToken = warmUp.CreateToken(SecuredService.PublicBase + "/operator/hook-calls/x")!;
        var impostor = service.Token(issuer: warmUp.Issuer, jku: false);
        var forged = impostor.Set(impostor.Header, "kid", warmUp.PublicKeys[0].Kid).SignWith(service.Impostor);

        using var rehearsal = await service.CallWithTokenAsync(first);
        using var feedback = await service.CallWithTokenAsync(feedbackToken, CdsApp.BesponsaService + "/feedback", """{"feedback":[]}""");
        using var operatorCall = await service.Client().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/operator/hook-calls/x") { Headers = { { "Authorization", "Bearer " + operatorToken } } });
        using var forgedCall = await service.CallWithTokenAsync(forged);
        warmUp.Retire();
        using var afterRetirement = await service.CallWithTokenAsync(kept);
        using var clinician = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));
        var recorded = await WaitForHookCallsAsync(service.App.Services.GetRequiredService<IStateStore>(), atLeast: 1);

        // Scenario 05 meets every criterion: a real call is granted on the spot (a stored determination), a rehearsal never.
        Assert.Equal(HttpStatusCode.OK, rehearsal.StatusCode);
        Assert.DoesNotContain("satisfied-pa-id", await rehearsal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, clinician.StatusCode);
        Assert.Contains("satisfied-pa-id", await clinician.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SecuredService.Issuer, Assert.Single(recorded).ClientIssuer);

        Assert.Equal(HttpStatusCode.Unauthorized, feedback.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, operatorCall.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedCall.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRetirement.StatusCode);
        Assert.Null(warmUp.CreateToken(audience));
        // Feedback and the operator API: not its endpoints; the forged token: not its key; after retirement: not trusted.
        Assert.Equal(["IssUntrusted", "IssUntrusted", "SignatureInvalid", "IssUntrusted"], service.Logs.Reasons);
    }

    [Fact]
    public async Task While_the_warm_up_runs_a_rehearsal_writes_the_whole_path_into_a_scratch_store_deleted_after_it()
    {
        // The warm-up itself is taken out, so this test opens and closes the scratch store.
        using var service = new SecuredService(app => app.With("Determinations:Enabled", "true")
            .WithServices(s => s.Remove(s.Single(d => d.ImplementationType == typeof(WarmUp)))));
        var warmUp = service.App.Services.GetRequiredService<WarmUpClient>();
        var rehearsals = service.App.Services.GetRequiredService<RehearsalStore>();
        var store = service.App.Services.GetRequiredService<IStateStore>();
        var token = warmUp.CreateToken(SecuredService.PublicBase + CdsApp.BesponsaService)!;

        Assert.True(await rehearsals.BeginAsync(CancellationToken.None));
        string scratchPath;
        using (var lease = rehearsals.Enter()!)
        {
            scratchPath = ((SqliteStateStore)lease.Store).Path;
        }

        using var rehearsal = await service.CallWithTokenAsync(token);
        var scratch = new SqliteStateStore(scratchPath, commandTimeoutSeconds: 5);
        var scratchCalls = await WaitForHookCallsAsync(scratch, atLeast: 1);
        var assertion = Assert.Single(Assert.Single(scratchCalls).CoverageAssertions);
        var scratchDetermination = await scratch.FindDeterminationAsync(assertion.Id, CancellationToken.None);
        await scratch.CloseAsync();
        await rehearsals.EndAsync();

        // A clinician's call after it: the audit queue is first in, first out, so once this call is stored a
        // rehearsal's record would have been too.
        using var clinician = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));
        var recorded = await WaitForHookCallsAsync(store, atLeast: 1);

        // Scenario 05 meets every criterion: the rehearsal was granted on the spot, as a client's call is, and its
        // determination and audit record went to the scratch store only.
        Assert.Equal(HttpStatusCode.OK, rehearsal.StatusCode);
        Assert.Contains("satisfied-pa-id", await rehearsal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(assertion.SatisfiedPaId, scratchDetermination?.AuthorizationNumber);
        Assert.Null(await store.FindDeterminationAsync(assertion.Id, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, clinician.StatusCode);
        Assert.Equal(SecuredService.Issuer, Assert.Single(recorded).ClientIssuer);
        Assert.False(File.Exists(scratchPath));
        Assert.False(File.Exists(scratchPath + "-wal"));
        Assert.Null(rehearsals.Enter());
    }

    [Theory]
    [InlineData("https://cds.example.org")]
    [InlineData("https://gw.example.org/payer-cds/")]
    public async Task In_Production_behind_a_public_base_URL_the_warm_up_calls_itself_over_HTTP(string publicBaseUrl)
    {
        using var service = new SecuredService(app => app.With("Cds:PublicBaseUrl", publicBaseUrl).With("https_port", "").With("WarmUp:TierUpBudget", "00:00:08"));
        service.App.UseKestrel(0);
        service.App.StartServer();
        using var client = service.App.CreateClient();

        var ready = await WaitUntilReadyAsync(client);

        Assert.Equal(HttpStatusCode.OK, ready);
        var tieredUp = TieredUp(service.Logs);
        Assert.True(Count(tieredUp, "Calls") >= 80);
        Assert.True(Count(tieredUp, "Cycles") >= 2);
        Assert.Empty(service.Logs.Reasons);
    }

    [Fact]
    public async Task Where_plain_HTTP_is_redirected_to_HTTPS_the_warm_up_runs_in_process()
    {
        using var service = new SecuredService(app => app.With("WarmUp:TierUpBudget", "00:00:08"));
        service.App.UseKestrel(0);
        service.App.StartServer();

        // Readiness is redirected too, so the test asks the instance itself.
        var status = service.App.Services.GetRequiredService<WarmUpStatus>();
        for (var i = 0; i < 400 && !status.IsWarm; i++)
        {
            await Task.Delay(100);
        }

        Assert.True(status.IsWarm);
        Assert.Contains(service.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Warm-up runs in-process: plain HTTP is redirected", StringComparison.Ordinal));
        var tieredUp = TieredUp(service.Logs);
        Assert.Equal(0, Count(tieredUp, "Calls"));
        Assert.Empty(await WaitForHookCallsAsync(service.App.Services.GetRequiredService<IStateStore>(), atLeast: 0));
    }

    /// <summary>A Development host with a real warm-up (8 s at most) whose log, from Information up, goes to <paramref name="logs"/>.</summary>
    private static CdsApp WarmingUp(LogCapture logs) => new CdsApp()
        .With("WarmUp:TierUpBudget", "00:00:08")
        .With("Serilog:MinimumLevel:Default", "Information")
        .WithServices(s => s.AddSingleton<ILogEventSink>(logs));

    /// <summary>The warm-up's one summary line.</summary>
    private static LogEvent TieredUp(LogCapture logs) =>
        Assert.Single(logs.Events, e => e.MessageTemplate.Text.StartsWith("Hot path tiered up", StringComparison.Ordinal));

    private static int Count(LogEvent tieredUp, string property) => (int)((ScalarValue)tieredUp.Properties[property]).Value!;

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
