using System.Net;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Scenarios;

/// <summary>
/// Every folder under fhir-examples/scenarios runs through the real HTTP pipeline; its expected.json states the
/// outcome: status, each criterion's status, the card indicators, coverage and the approval that applies.
/// </summary>
public sealed class ScenarioTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    public static TheoryData<string> Scenarios() => [.. Scenario.All()];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_gets_its_expected_outcome(string name)
    {
        var scenario = Scenario.Load(name);

        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, scenario.Request);

        await ScenarioOutcome.AssertMatchesAsync(scenario, response);
    }
}

/// <summary>One app for a test class: starting the host and warming Firely up once is the slow part.</summary>
public sealed class CdsAppFixture : IDisposable
{
    public CdsApp App { get; } = new();

    public void Dispose() => App.Dispose();
}
