using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Corpus;

/// <summary>
/// Every request in ../shared/corpus (the spec's examples, the CRD test kit's fixtures, captures of the CDS Hooks
/// Sandbox and the CRD Request Generator) gets a 200 or a deliberate 4xx, never a 5xx, and every 200 passes the
/// Inferno-style card checks.
/// </summary>
public sealed class CorpusTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    private static readonly HashSet<HttpStatusCode> DeliberateRejections =
        [HttpStatusCode.BadRequest, HttpStatusCode.PreconditionFailed, HttpStatusCode.UnprocessableEntity];

    public static TheoryData<string> Requests() => [.. CorpusFiles.Requests()];

    public static TheoryData<string> OrderSignRequests() => [.. CorpusFiles.Requests().Where(f => CorpusFiles.Load(f)["hook"]?.GetValue<string>() == "order-sign")];

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Corpus_request_gets_200_or_a_deliberate_4xx(string file)
    {
        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, CorpusFiles.Load(file).ToJsonString());

        await AssertAnsweredWellAsync(response);
    }

    [Theory]
    [MemberData(nameof(OrderSignRequests))]
    public async Task Corpus_order_sign_request_ordering_Besponsa_is_evaluated(string file)
    {
        // The corpus orders other drugs; swapping in Besponsa runs the whole policy on each real client's shape.
        var request = CorpusFiles.Load(file);
        foreach (var entry in request["context"]!["draftOrders"]!["entry"]!.AsArray())
        {
            if (entry!["resource"]!["resourceType"]!.GetValue<string>() == "MedicationRequest")
            {
                entry["resource"]!["medicationCodeableConcept"] = JsonNode.Parse(Examples.Read("tests/fhir/besponsa-concept.json"));
            }
        }

        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());

        var body = await AssertAnsweredWellAsync(response);
        if (body is { } answered)
        {
            Assert.NotEmpty(answered.GetProperty("cards").EnumerateArray());
        }
    }

    [Fact]
    public async Task Sandbox_capture_is_evaluated_not_rejected()
    {
        using var response = await fixture.App.PostJsonAsync(
            CdsApp.BesponsaService,
            CorpusFiles.Load("captured-from-cds-hooks-sandbox/order-sign-request.json").ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonElement?> AssertAnsweredWellAsync(HttpResponseMessage response)
    {
        Assert.True((int)response.StatusCode < 500, $"got {(int)response.StatusCode}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Contains(response.StatusCode, DeliberateRejections);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        CardAssertions.AssertConformant(body.RootElement, coverageKnown: false);
        return body.RootElement.Clone();
    }
}

internal static class CorpusFiles
{
    /// <summary>Corpus files that are CDS Hooks requests (they carry a hook or a context), relative to the corpus.</summary>
    public static IEnumerable<string> Requests() =>
        Directory.EnumerateFiles(Examples.CorpusDirectory, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Examples.CorpusDirectory, f))
            .Where(f => Load(f) is { } json && json["services"] is null && (json["hook"] is not null || json["context"] is not null))
            .Order(StringComparer.Ordinal);

    public static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Examples.CorpusDirectory, relative))) as JsonObject ?? [];
}
