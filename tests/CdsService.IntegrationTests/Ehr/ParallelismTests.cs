using System.Diagnostics;
using CdsService.IntegrationTests.Scenarios;
using CdsService.PatientRecords;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// Independent queries run side by side: five sections that each take 300 ms arrive in about 300 ms, not 1.5 s.
/// (The one timed test the project allows; the bound is generous.)
/// </summary>
public sealed class ParallelismTests(EhrAppFixture fixture) : IClassFixture<EhrAppFixture>
{
    private static readonly RecordSection[] Slow =
    [
        RecordSection.Conditions, RecordSection.MedicationStatements, RecordSection.Observations,
        RecordSection.QuestionnaireResponses, RecordSection.Coverage,
    ];

    [Fact]
    public async Task Five_queries_of_300_ms_each_complete_well_under_a_second()
    {
        using var ehr = new FakeEhr();
        var prefetch = EhrRequests.Load()["prefetch"]!;
        foreach (var section in Slow)
        {
            ehr.Serve(section, "pat-05", prefetch[section.Key]!.ToJsonString(), delay: TimeSpan.FromMilliseconds(300));
        }

        var keys = Slow.Select(s => s.Key).ToArray();

        // The first call pays one-off costs (FhirClient, the server's resilience pipeline, connections).
        using (await fixture.App.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithoutPrefetch(keys)))
        {
        }

        var clock = Stopwatch.StartNew();
        using var response = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithoutPrefetch(keys));
        var elapsed = clock.Elapsed;

        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), response);
        Assert.Equal(10, ehr.Requests.Count);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900));
    }
}
