using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// Order-sign for scenario 07 (an attestation missing) against a service on a real port, with the questionnaire
/// responses left out of the prefetch so the service searches the FHIR server for them, as after an attestation.
/// </summary>
internal static class SmartHook
{
    private const string Scenario = "scenarios/07-attestation-missing/request.json";

    public static async Task<JsonElement> SignAsync(Uri service, string fhirServer)
    {
        var request = JsonNode.Parse(Examples.Read(Scenario))!.AsObject();
        request["prefetch"]!.AsObject().Remove("questionnaireResponses");
        request["fhirServer"] = fhirServer;
        request["hookInstance"] = Guid.NewGuid().ToString();
        using var http = new HttpClient { BaseAddress = service };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        using var response = await http.PostAsync(new Uri(CdsApp.BesponsaService, UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static IEnumerable<JsonElement> Links(JsonElement response) =>
        response.GetProperty("cards").EnumerateArray().SelectMany(c => c.TryGetProperty("links", out var l) ? l.EnumerateArray() : []);

    /// <summary>The card's SMART launch link and its appContext.</summary>
    public static (string Url, string? AppContext) SmartLink(JsonElement response) =>
        Links(response).Where(l => l.GetProperty("type").GetString() == "smart")
            .Select(l => (l.GetProperty("url").GetString()!, l.TryGetProperty("appContext", out var c) ? c.GetString() : null))
            .First();

    public static string Status(JsonElement response, string id) =>
        response.GetProperty("cards").EnumerateArray().SelectMany(CardAssertions.Criteria)
            .First(c => c.GetProperty("id").GetString() == id).GetProperty("status").GetString()!;

    /// <summary>How the EHR opens a SMART link: with the FHIR server as iss and an opaque launch id.</summary>
    public static string Launch(string launchUrl, string iss) => $"{launchUrl}?iss={Uri.EscapeDataString(iss)}&launch=launch-1";
}
