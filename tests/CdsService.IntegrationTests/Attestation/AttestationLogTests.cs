using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Security;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>An attestation link opens its form, so request logs name the route, never the link.</summary>
public sealed class AttestationLogTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly CdsApp _app;

    public AttestationLogTests() => _app = new CdsApp().WithServices(s => s.AddSingleton<ILogEventSink>(_logs));

    [Fact]
    public async Task Request_logs_never_hold_an_attestation_link()
    {
        using var hook = await _app.PostJsonAsync(CdsApp.BesponsaService, Examples.Read("scenarios/07-attestation-missing/request.json"));
        using var body = JsonDocument.Parse(await hook.Content.ReadAsStringAsync());
        var link = body.RootElement.GetProperty("cards").EnumerateArray()
            .SelectMany(c => c.TryGetProperty("links", out var l) ? l.EnumerateArray() : [])
            .Select(l => l.GetProperty("url").GetString()!)
            .First(u => u.Contains("/attestation/", StringComparison.Ordinal));

        using var page = await _app.CreateClient().GetAsync(new Uri(link));

        var token = link[(link.LastIndexOf('/') + 1)..];
        Assert.DoesNotContain(token, _logs.AllText(), StringComparison.Ordinal);
        Assert.Contains("/attestation/{link}", _logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_form_is_a_400_and_its_link_stays_out_of_the_log()
    {
        using var hook = await _app.PostJsonAsync(CdsApp.BesponsaService, Examples.Read("scenarios/07-attestation-missing/request.json"));
        using var body = JsonDocument.Parse(await hook.Content.ReadAsStringAsync());
        var link = body.RootElement.GetProperty("cards").EnumerateArray()
            .SelectMany(c => c.TryGetProperty("links", out var l) ? l.EnumerateArray() : [])
            .Select(l => l.GetProperty("url").GetString()!)
            .First(u => u.Contains("/attestation/", StringComparison.Ordinal));
        using var form = new FormUrlEncodedContent(Enumerable.Range(0, 2000).Select(i => KeyValuePair.Create($"f{i}", "x")));

        using var response = await _app.CreateClient().PostAsync(new Uri(link), form);

        var token = link[(link.LastIndexOf('/') + 1)..];
        Assert.DoesNotContain(token, _logs.AllText(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_rate_limited_form_request_leaves_its_link_out_of_the_log()
    {
        using var app = new CdsApp().With("Security:RateLimit:PermitLimit", "2").WithServices(s => s.AddSingleton<ILogEventSink>(_logs));
        using var hook = await app.PostJsonAsync(CdsApp.BesponsaService, Examples.Read("scenarios/07-attestation-missing/request.json"));
        using var body = JsonDocument.Parse(await hook.Content.ReadAsStringAsync());
        var link = body.RootElement.GetProperty("cards").EnumerateArray()
            .SelectMany(c => c.TryGetProperty("links", out var l) ? l.EnumerateArray() : [])
            .Select(l => l.GetProperty("url").GetString()!)
            .First(u => u.Contains("/attestation/", StringComparison.Ordinal));
        using var client = app.CreateClient();

        var statuses = new List<System.Net.HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var page = await client.GetAsync(new Uri(link));
            statuses.Add(page.StatusCode);
        }

        var token = link[(link.LastIndexOf('/') + 1)..];
        Assert.Contains(System.Net.HttpStatusCode.TooManyRequests, statuses);
        Assert.DoesNotContain(token, _logs.AllText(), StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();
}
