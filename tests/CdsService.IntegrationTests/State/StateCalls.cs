using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.State;

/// <summary>Hook calls and feedback posts against an in-memory service, as the state tests make them.</summary>
internal static class StateCalls
{
    public const string FeedbackPath = CdsApp.BesponsaService + "/feedback";

    /// <summary>Scenario 08: every criterion met, four baseline-lab suggestions on one card.</summary>
    public const string WithSuggestions = "scenarios/08-no-baseline-liver-tests/request.json";

    /// <summary>Scenario 03: a Ph+ adult without a TKI, so a warning card a clinician may override.</summary>
    public const string WithWarning = "scenarios/03-ph-positive-adult-no-tki/request.json";

    /// <summary>Calls the hook with the scenario under a fresh hookInstance; returns that hookInstance and the answer.</summary>
    public static async Task<(string HookInstance, JsonElement Body)> HookAsync(CdsApp app, string scenario)
    {
        var request = JsonNode.Parse(Examples.Read(scenario))!;
        var hookInstance = Guid.NewGuid().ToString();
        request["hookInstance"] = hookInstance;
        using var response = await app.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (hookInstance, body.RootElement.Clone());
    }

    public static JsonElement CardWithSuggestions(JsonElement body) =>
        body.GetProperty("cards").EnumerateArray().First(c => c.TryGetProperty("suggestions", out _));

    public static JsonElement FirstCard(JsonElement body) => body.GetProperty("cards")[0];

    /// <summary>A corpus feedback example (CDS Hooks spec) pointed at one of our cards, and its suggestion when it names one.</summary>
    public static string CorpusFeedback(string file, string cardUuid, string? suggestionUuid = null)
    {
        var body = JsonNode.Parse(File.ReadAllText(Path.Combine(Examples.CorpusDirectory, "cds-hooks-spec-2.0", file)))!;
        var item = body["feedback"]![0]!;
        item["card"] = cardUuid;
        if (suggestionUuid is not null)
        {
            item["acceptedSuggestions"]![0]!["id"] = suggestionUuid;
        }

        return body.ToJsonString();
    }

    /// <summary>What the CDS Hooks Sandbox sends when a card is dismissed: a reason code and system, no display.</summary>
    public static string SandboxDismissal(string cardUuid, string timestamp = "2026-11-28T12:01:00.000Z") =>
        new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = cardUuid,
                ["outcome"] = "overridden",
                ["overrideReason"] = new JsonObject { ["reason"] = new JsonObject { ["code"] = "not-relevant", ["system"] = "http://payer.example.org/fhir/CodeSystem/override-reason" } },
                ["outcomeTimestamp"] = timestamp,
            }),
        }.ToJsonString();

    public static async Task<JsonElement> OperatorGetAsync(CdsApp app, string path)
    {
        using var response = await app.CreateClient().GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.Clone();
    }

    public static IEnumerable<JsonElement> FeedbackOn(JsonElement hookCall, string cardUuid) =>
        hookCall.GetProperty("calls").EnumerateArray()
            .SelectMany(c => c.GetProperty("cards").EnumerateArray())
            .Where(c => c.GetProperty("uuid").GetString() == cardUuid)
            .SelectMany(c => c.GetProperty("feedback").EnumerateArray());
}
