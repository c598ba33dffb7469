using System.Net;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Scenarios;
using CdsService.PatientRecords;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// The exact requests the service sends to the EHR's FHIR server (WireMock) when the prefetch lacks data: one
/// query per missing section from its discovery template, <c>Accept: application/fhir+json</c>, the bearer token
/// when one is given and no Authorization header otherwise.
/// </summary>
public sealed class FhirServerContractTests(EhrAppFixture fixture) : IClassFixture<EhrAppFixture>
{
    private static readonly string[] EveryQuery =
    [
        "GET /fhir/r4/Condition?patient=pat-05",
        "GET /fhir/r4/Coverage?patient=pat-05&status=active",
        "GET /fhir/r4/MedicationAdministration?patient=pat-05",
        "GET /fhir/r4/MedicationRequest?patient=pat-05",
        "GET /fhir/r4/MedicationStatement?patient=pat-05",
        "GET /fhir/r4/Observation?patient=pat-05",
        "GET /fhir/r4/Patient/pat-05",
        "GET /fhir/r4/Procedure?patient=pat-05",
        "GET /fhir/r4/QuestionnaireResponse?patient=pat-05",
    ];

    [Fact]
    public async Task Without_prefetch_every_section_is_queried_with_fhir_json_and_the_bearer_token()
    {
        using var ehr = new FakeEhr().ServePrefetchOf(EhrRequests.Load());
        var request = EhrRequests.Load().PointedAt(ehr.BaseUrl).WithToken(EhrRequests.Token).WithoutPrefetch();

        using var response = await fixture.App.PostAsync(request);

        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), response);
        Assert.Equal(EveryQuery, ehr.Requests.Select(r => r.Line()).Order(StringComparer.Ordinal));
        Assert.All(ehr.Requests, r =>
        {
            Assert.Equal(FakeEhr.FhirJson, r.Header("Accept"));
            Assert.Equal($"Bearer {EhrRequests.Token}", r.Header("Authorization"));
        });
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(true, "")]
    public async Task Without_a_token_the_server_is_treated_as_open_and_no_authorization_is_sent(bool withAuthorization, string? token)
    {
        using var ehr = new FakeEhr().ServePrefetchOf(EhrRequests.Load());
        var request = EhrRequests.Load().PointedAt(ehr.BaseUrl).WithoutPrefetch("observations");
        if (withAuthorization)
        {
            request.WithToken(token);
        }

        using var response = await fixture.App.PostAsync(request);

        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), response);
        var sent = Assert.Single(ehr.Requests);
        Assert.Equal("GET /fhir/r4/Observation?patient=pat-05", sent.Line());
        Assert.Null(sent.Header("Authorization"));
    }

    [Fact]
    public async Task A_missing_or_OperationOutcome_key_is_queried_and_a_null_key_is_not()
    {
        using var ehr = new FakeEhr().ServePrefetchOf(EhrRequests.Load());
        var outcome = JsonNode.Parse(FakeEhr.Json(FakeEhr.Outcome(500)));
        var request = EhrRequests.Load().PointedAt(ehr.BaseUrl)
            .WithoutPrefetch("conditions")
            .SetPrefetch("observations", outcome)
            .SetPrefetch("medicationRequests", null)
            .SetPrefetch("procedures", null);

        using var response = await fixture.App.PostAsync(request);

        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), response);
        Assert.Equal(
            ["GET /fhir/r4/Condition?patient=pat-05", "GET /fhir/r4/Observation?patient=pat-05"],
            ehr.Requests.Select(r => r.Line()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_pages_are_followed_through_next_links_and_merged()
    {
        using var ehr = new FakeEhr();
        var full = EhrRequests.Load();
        var conditions = full["prefetch"]!["conditions"]!.AsObject();
        ehr.Serve(RecordSection.Conditions, "pat-05", Page(conditions, [], $"{ehr.BaseUrl}?_getpages=abc&_getpagesoffset=1"));
        ehr.ServeNextPage("abc", Page(conditions, conditions["entry"]!.AsArray(), null));
        var request = full.PointedAt(ehr.BaseUrl).WithoutPrefetch("conditions");

        using var response = await fixture.App.PostAsync(request);

        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), response);
        Assert.Equal(
            ["GET /fhir/r4/Condition?patient=pat-05", "GET /fhir/r4?_getpages=abc&_getpagesoffset=1"],
            ehr.Requests.Select(r => r.Line()));
    }

    [Fact]
    public async Task A_next_link_to_another_server_is_not_followed_and_the_section_counts_as_incomplete()
    {
        using var ehr = new FakeEhr();
        using var elsewhere = new FakeEhr();
        var full = EhrRequests.Load();
        var conditions = full["prefetch"]!["conditions"]!.AsObject();
        ehr.Serve(RecordSection.Conditions, "pat-05", Page(conditions, conditions["entry"]!.AsArray(), $"{elsewhere.BaseUrl}?_getpages=abc"));
        var request = full.PointedAt(ehr.BaseUrl).WithoutPrefetch("conditions");

        using var response = await fixture.App.PostAsync(request);

        var answer = await HookAnswer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(elsewhere.Requests);
        Assert.Contains("conditions", answer.RecordIncompleteDetail, StringComparison.Ordinal);

        // What the first page held still counts as evidence.
        Assert.Equal("met", answer.Criterion("b-all-diagnosis"));
    }

    /// <summary>A copy of a searchset Bundle with the given entries and, optionally, a next link.</summary>
    internal static string Page(JsonObject bundle, JsonArray entries, string? next)
    {
        var page = bundle.DeepClone().AsObject();
        page["entry"] = entries.DeepClone();
        page.Remove("link");
        if (next is not null)
        {
            page["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = next });
        }

        return page.ToJsonString();
    }
}
