using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Scenarios;

/// <summary>
/// Skipping the prefetch entries the policy cannot read, and the elements of the rest that nothing reads, changes
/// nothing: every scenario and the bench body (six months of labs with narrative, performers and reference ranges) get
/// the same answer, card for card and criterion for criterion, with the filter on (the default) and off.
/// </summary>
public sealed class PrefetchFilterTests : IDisposable
{
    private readonly CdsApp _filtered = new CdsApp().With("Fhir:AllowedServers:0", "http://127.0.0.1:1");
    private readonly CdsApp _unfiltered = new CdsApp().With("Fhir:AllowedServers:0", "http://127.0.0.1:1").With("Cds:FilterPrefetch", "false");

    public static TheoryData<string> Scenarios() => [.. Scenario.All()];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_filter_leaves_every_scenario_outcome_unchanged(string name)
    {
        var request = Scenario.Load(name).Request;

        using var filtered = await _filtered.PostJsonAsync(CdsApp.BesponsaService, request);
        using var unfiltered = await _unfiltered.PostJsonAsync(CdsApp.BesponsaService, request);

        Assert.Equal(unfiltered.StatusCode, filtered.StatusCode);
        Assert.Equal(WithoutUuids(await unfiltered.Content.ReadAsStringAsync()), WithoutUuids(await filtered.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_filter_leaves_the_bench_body_outcome_unchanged()
    {
        var request = Examples.Read("bench/order-sign-90-resources.json");

        using var filtered = await _filtered.PostJsonAsync(CdsApp.BesponsaService, request);
        using var unfiltered = await _unfiltered.PostJsonAsync(CdsApp.BesponsaService, request);

        Assert.Equal(System.Net.HttpStatusCode.OK, filtered.StatusCode);
        Assert.Equal(WithoutUuids(await unfiltered.Content.ReadAsStringAsync()), WithoutUuids(await filtered.Content.ReadAsStringAsync()));
    }

    // Card and suggestion uuids, the coverage assertion id, an authorization number and an attestation link are fresh on
    // every call; everything else must match.
    private static string WithoutUuids(string body)
    {
        body = System.Text.RegularExpressions.Regex.Replace(body, "\"[0-9a-f]{32}\"", "\"id\"");
        body = System.Text.RegularExpressions.Regex.Replace(body, "PA-[0-9A-Z]{20}", "PA-number");
        body = System.Text.RegularExpressions.Regex.Replace(body, "/attestation/[A-Za-z0-9_-]+", "/attestation/link");
        var json = JsonNode.Parse(body)!;
        foreach (var node in Robustness.Mutation.Descendants(json).OfType<JsonObject>().ToList())
        {
            node.Remove("uuid");
        }

        return json.ToJsonString();
    }

    public void Dispose()
    {
        _filtered.Dispose();
        _unfiltered.Dispose();
    }
}
