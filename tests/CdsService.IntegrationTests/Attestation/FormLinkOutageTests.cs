using System.Net;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Security;
using CdsService.IntegrationTests.State;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// A form link is a session in the state store; when the store cannot commit, the order-sign still answers with its
/// cards, which ask for the documentation through the questionnaire itself instead of a form link (or a SMART launch
/// of one), and nothing on the way is a 5xx.
/// </summary>
public sealed class FormLinkOutageTests : IDisposable
{
    private const string Scenario = "scenarios/07-attestation-missing/request.json";
    private static readonly string[] Attested = ["cd22-positive", "lft-monitoring", "vod-monitoring", "no-alkylating-conditioning"];
    private readonly LogCapture _logs = new();
    private readonly CdsApp _app = new();

    public FormLinkOutageTests() =>
        _app.With("Storage:Sqlite:CommandTimeoutSeconds", "1")
            .With("Attestation:Smart:Enabled", "true").With("Attestation:Smart:ClientId", SmartEhr.ClientId)
            .WithServices(s => s.AddSingleton<ILogEventSink>(_logs));

    [Fact]
    public async Task An_order_sign_while_the_store_cannot_commit_answers_its_cards_with_the_questionnaire_instead_of_a_form_link()
    {
        // With the store up, the same call gets a form link and its SMART launch: what the outage takes away.
        var before = await SignAsync();
        Assert.Contains(Links(before), l => l.Url.Contains("/attestation/", StringComparison.Ordinal) && l.Type == "absolute");
        Assert.Contains(Links(before), l => l.Type == "smart");

        // Another process holding the database's write lock: the store is there but cannot commit.
        JsonElement during;
        await using (await SqliteWriteLock.TakeAsync(_app.StatePath))
        {
            during = await SignAsync();
        }

        Assert.DoesNotContain(Links(during), l => l.Url.Contains("/attestation/", StringComparison.Ordinal));
        Assert.DoesNotContain(Links(during), l => l.Type == "smart");
        var questionnaire = Assert.Single(Links(during).Where(l => l.Label.EndsWith("prior-approval questionnaire", StringComparison.Ordinal)).DistinctBy(l => l.Url));
        var asking = Cards(during).Where(c => c.TryGetProperty("detail", out var d) && d.GetString()!.Contains($"(<{questionnaire.Url}>)", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(asking);
        Assert.All(Attested, id => Assert.Equal("unknown", SmartHook.Status(during, id)));

        using var named = await _app.CreateClient().GetAsync(new Uri(questionnaire.Url));
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Contains(_logs.Events, e => e.MessageTemplate.Text.StartsWith("Attestation form link not created", StringComparison.Ordinal)
            && ((ScalarValue)e.Properties["Failure"]).Value as string == "StoreUnavailableException");
        Assert.DoesNotContain(_logs.Events, e => e.Properties.TryGetValue("StatusCode", out var status) && ((ScalarValue)status).Value is int code && code >= 500);
    }

    private async Task<JsonElement> SignAsync()
    {
        using var response = await _app.PostJsonAsync(CdsApp.BesponsaService, Examples.Read(Scenario).Replace("1f0576c6-91bf-5f92-b2d3-141635ea726c", Guid.NewGuid().ToString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement.ArrayEnumerator Cards(JsonElement response) => response.GetProperty("cards").EnumerateArray();

    private static List<(string Label, string Url, string Type)> Links(JsonElement response) =>
        [.. SmartHook.Links(response).Select(l => (l.GetProperty("label").GetString()!, l.GetProperty("url").GetString()!, l.GetProperty("type").GetString()!))];

    public void Dispose() => _app.Dispose();
}
