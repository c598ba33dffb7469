using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// Every fhir-examples scenario again, with its prefetch removed and the same data served by WireMock at the
/// queries the service sends: the outcome must not depend on whether the EHR prefetched or the service fetched.
/// Scenarios without a <c>fhirServer</c> have nothing to fetch from and are left to <see cref="ScenarioTests"/>.
/// </summary>
public sealed class ScenarioWithoutPrefetchTests(EhrAppFixture fixture) : IClassFixture<EhrAppFixture>
{
    public static TheoryData<string> Scenarios() =>
        [.. Scenario.All().Where(name => EhrRequests.Load(name)["fhirServer"] is not null)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_gets_the_same_outcome_when_its_data_comes_from_the_FHIR_server(string name)
    {
        var scenario = Scenario.Load(name);
        using var ehr = new FakeEhr().ServePrefetchOf(EhrRequests.Load(name));
        var request = EhrRequests.Load(name).PointedAt(ehr.BaseUrl).WithoutPrefetch();

        using var response = await fixture.App.PostAsync(request);

        await ScenarioOutcome.AssertMatchesAsync(scenario, response);
    }
}
