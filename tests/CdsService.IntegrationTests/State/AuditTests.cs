using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.Storage;
using Microsoft.Extensions.DependencyInjection;
using static CdsService.IntegrationTests.State.StateCalls;

namespace CdsService.IntegrationTests.State;

/// <summary>The audit trail: every hook call recorded pseudonymously, behind a queue the store's health cannot slow.</summary>
public sealed class AuditTests : IDisposable
{
    private const string Secret = "test-only-patient-key-secret-0123456789abcdef";
    private const string AccessToken = "opaque-ehr-access-token-must-never-be-stored";

    private readonly CdsApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_hook_call_is_recorded_with_the_listed_fields_and_no_token_or_raw_identifier()
    {
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!;
        var hookInstance = Guid.NewGuid().ToString();
        request["hookInstance"] = hookInstance;
        request["fhirServer"] ??= "http://127.0.0.1:9/fhir";
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = AccessToken, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "cds-service" };
        var patientId = request["context"]!["patientId"]!.GetValue<string>();
        using var response = await _app.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        await FeedbackTests.WaitForCardAsync(_app, FirstCard(answer.RootElement).GetProperty("uuid").GetString()!);

        using var raw = await _app.CreateClient().GetAsync(new Uri($"/operator/hook-calls/{hookInstance}", UriKind.Relative));
        var text = await raw.Content.ReadAsStringAsync();
        var call = JsonDocument.Parse(text).RootElement.GetProperty("calls")[0];

        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("besponsa-prior-auth", call.GetProperty("serviceId").GetString());
        Assert.Equal("order-sign", call.GetProperty("hook").GetString());
        Assert.Equal(200, call.GetProperty("status").GetInt32());
        Assert.True(call.GetProperty("latencyMs").GetDouble() > 0);
        Assert.False(call.TryGetProperty("clientIssuer", out _), "an anonymous Development call has no issuer");
        var expectedKey = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{request["fhirServer"]!.GetValue<string>().TrimEnd('/')}\n{patientId}")));
        Assert.Equal(expectedKey, call.GetProperty("patientKey").GetString());
        Assert.Equal("met", call.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("criterionId").GetString() == "age").GetProperty("status").GetString());
        var cards = answer.RootElement.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("uuid").GetString()).ToList();
        Assert.Equal(cards, call.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("uuid").GetString()));
        var assertion = call.GetProperty("coverageAssertions")[0];
        Assert.Equal(32, assertion.GetProperty("id").GetString()!.Length);
        Assert.DoesNotContain(AccessToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(patientId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("fhirServer", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_backlog_is_bounded_and_what_it_drops_is_counted_in_the_log_while_the_hook_still_answers()
    {
        var logs = new Security.LogCapture();
        var path = Path.Combine(Path.GetTempPath(), $"cds-audit-full-{Guid.NewGuid():N}.db");
        using var app = new CdsApp()
            .With("Storage:Sqlite:Path", path)
            .With("Storage:Sqlite:CommandTimeoutSeconds", "1")
            .With("Audit:QueueCapacity", "100")
            .With("Audit:BatchSize", "1")
            .WithServices(s => s.AddSingleton<Serilog.Core.ILogEventSink>(logs));
        await HookAsync(app, WithWarning);

        await using (await SqliteWriteLock.TakeAsync(path))
        {
            // One record in the writer's hand, 100 queued, the rest dropped; every call still answered (HookAsync asserts 200).
            await Task.WhenAll(Enumerable.Range(0, 110).Select(_ => HookAsync(app, WithWarning)));
        }

        var queue = app.Services.GetRequiredService<CdsService.Audit.AuditQueue>();
        Assert.InRange(queue.Dropped, 9, 10);
        var logged = Assert.Single(logs.Events, e => e.MessageTemplate.Text.StartsWith("Audit queue full", StringComparison.Ordinal));
        Assert.Equal("1", logged.Properties["DroppedTotal"].ToString());
        File.Delete(path);
    }

    [Fact]
    public async Task A_refused_call_is_recorded_with_its_status_but_an_unauthenticated_one_is_not()
    {
        using var bad = await _app.PostJsonAsync(CdsApp.BesponsaService, """{"hook":"order-sign"}""");
        _app.RemoteIp = System.Net.IPAddress.Parse("203.0.113.9");
        using var unauthenticated = await _app.PostJsonAsync(CdsApp.BesponsaService, """{"hook":"order-sign"}""");
        _app.RemoteIp = System.Net.IPAddress.Loopback;
        await FeedbackTests.WaitForCardAsync(_app, FirstCard((await HookAsync(_app, WithWarning)).Body).GetProperty("uuid").GetString()!);

        var refused = await _app.Services.GetRequiredService<IAuditStore>().FindHookCallsAsync("(refused)", CancellationToken.None);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized), (bad.StatusCode, unauthenticated.StatusCode));
        var call = Assert.Single(refused);
        Assert.Equal((400, "besponsa-prior-auth"), (call.Status, call.ServiceId));
        Assert.Empty(call.Cards);
    }

    [Fact]
    public async Task A_store_outage_neither_fails_nor_holds_up_the_hook_and_the_queue_drains_at_shutdown()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cds-audit-outage-{Guid.NewGuid():N}.db");
        var logs = new Security.LogCapture();
        var app = new CdsApp().With("Storage:Sqlite:Path", path).WithServices(s => s.AddSingleton<Serilog.Core.ILogEventSink>(logs)).With("Storage:Sqlite:CommandTimeoutSeconds", "2");
        var hookInstances = new List<string>();
        try
        {
            await HookAsync(app, WithWarning);
            await using (await SqliteWriteLock.TakeAsync(path))
            {
                for (var i = 0; i < 5; i++)
                {
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    hookInstances.Add((await HookAsync(app, WithWarning)).HookInstance);

                    // Below the 2 s any store call waits for the lock before giving up: the hook never touched the store.
                    Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2), "the hook waited for the store");
                }

                // Long enough for the writer's first attempt to fail: the records must survive a retry.
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
        finally
        {
            app.Dispose();
        }

        using var restarted = new CdsApp().With("Storage:Sqlite:Path", path);
        var audit = restarted.Services.GetRequiredService<IAuditStore>();
        foreach (var hookInstance in hookInstances)
        {
            Assert.Single(await audit.FindHookCallsAsync(hookInstance, CancellationToken.None));
        }

        File.Delete(path);
        Assert.Contains(logs.Events, e => e.MessageTemplate.Text.StartsWith("Audit store unavailable", StringComparison.Ordinal));
    }
}
