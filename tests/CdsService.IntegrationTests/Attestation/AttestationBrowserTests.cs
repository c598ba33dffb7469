using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Ehr;
using CdsService.IntegrationTests.Fixtures;
using CdsService.PatientRecords;
using Microsoft.Playwright;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// The attestation loop in a real browser: the service on a Kestrel port, an in-process FHIR server (WireMock) that
/// stores a POSTed QuestionnaireResponse and serves it on search. Sign an order with no attestation on record, open the
/// card's form link in Chromium, answer with the keyboard and mouse, submit, sign again: the attested criteria are met.
/// </summary>
public sealed class AttestationBrowserTests : IDisposable
{
    private const string Scenario = "scenarios/07-attestation-missing/request.json";
    private static readonly string[] Attested = ["cd22-positive", "lft-monitoring", "vod-monitoring", "no-alkylating-conditioning"];

    private readonly FakeEhr _ehr = new();
    private readonly ConcurrentBag<string> _stored = [];
    private readonly CdsApp _app = new();

    public AttestationBrowserTests()
    {
        _ehr.Server.Given(Request.Create().WithPath($"{FakeEhr.BasePath}/QuestionnaireResponse").UsingPost())
            .RespondWith(Response.Create().WithCallback(Store));
        _ehr.Serve(RecordSection.All.Single(s => s.Key == "questionnaireResponses"), "pat-07", r => r.WithCallback(_ => Search()));
        _app.UseKestrel(0);
        _app.StartServer();
    }

    [ChromiumFact]
    public async Task A_prescriber_attests_in_the_browser_and_the_next_order_sign_finds_the_criteria_met()
    {
        var first = await SignAsync();
        Assert.All(Attested, id => Assert.Equal("unknown", Status(first, id)));
        var link = Links(first).First(l => l.Contains("/attestation/", StringComparison.Ordinal));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(link);

        // Pre-filled from the chart, and saying so.
        await Assertions.Expect(page.GetByText("Pre-filled from the chart: B-cell acute lymphoblastic leukemia")).ToBeVisibleAsync();
        await AttestationFormPage.AnswerAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and save the attestation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved to the patient's record in the EHR");

        var saved = Assert.Single(_stored);
        using (var json = JsonDocument.Parse(saved))
        {
            Assert.Equal("completed", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("Patient/pat-07", json.RootElement.GetProperty("subject").GetProperty("reference").GetString());
        }

        var second = await SignAsync();
        Assert.All(Attested, id => Assert.Equal("met", Status(second, id)));
        Assert.DoesNotContain(Cards(second), c => c.GetProperty("summary").GetString()!.StartsWith("Prescriber attestation", StringComparison.Ordinal));

        // The link was for one submit.
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading)).ToContainTextAsync("expired or was already used");
    }

    private async Task<JsonElement> SignAsync()
    {
        var request = JsonNode.Parse(Examples.Read(Scenario))!.AsObject();
        request["prefetch"]!.AsObject().Remove("questionnaireResponses");
        request["fhirServer"] = _ehr.BaseUrl;
        request["hookInstance"] = Guid.NewGuid().ToString();
        using var http = new HttpClient { BaseAddress = _app.ClientOptions.BaseAddress };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        using var response = await http.PostAsync(new Uri(CdsApp.BesponsaService, UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private ResponseMessage Store(IRequestMessage request)
    {
        var resource = JsonNode.Parse(request.Body!)!.AsObject();
        resource["id"] = $"qr-{_stored.Count + 1}";
        _stored.Add(resource.ToJsonString());
        return Fhir(201, resource.ToJsonString());
    }

    private ResponseMessage Search()
    {
        var entries = string.Join(",", _stored.Select(r => $"{{\"resource\":{r}}}"));
        return Fhir(200, $"{{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":{_stored.Count},\"entry\":[{entries}]}}");
    }

    private static ResponseMessage Fhir(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(FakeEhr.FhirJson) },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
    };

    private static JsonElement.ArrayEnumerator Cards(JsonElement response) => response.GetProperty("cards").EnumerateArray();

    private static IEnumerable<string> Links(JsonElement response) =>
        Cards(response).SelectMany(c => c.TryGetProperty("links", out var l) ? l.EnumerateArray() : []).Select(l => l.GetProperty("url").GetString()!);

    private static string Status(JsonElement response, string id) =>
        Cards(response).SelectMany(CardAssertions.Criteria).First(c => c.GetProperty("id").GetString() == id).GetProperty("status").GetString()!;

    public void Dispose()
    {
        _app.Dispose();
        _ehr.Dispose();
    }
}
