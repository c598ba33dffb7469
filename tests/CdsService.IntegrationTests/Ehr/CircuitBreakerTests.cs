using System.Net;
using CdsService.IntegrationTests.Scenarios;
using CdsService.PatientRecords;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// The circuit breaker is kept per server authority, not per HttpClient: a failing EHR stops being called, and
/// another EHR served by the same service is not affected.
/// </summary>
public sealed class CircuitBreakerTests(BreakerEhrAppFixture fixture) : IClassFixture<BreakerEhrAppFixture>
{
    [Fact]
    public async Task A_failing_server_opens_its_own_circuit_only()
    {
        using var failing = new FakeEhr();
        foreach (var section in RecordSection.All)
        {
            failing.ServeStatus(section, "pat-05", 503);
        }

        using var healthy = new FakeEhr().ServePrefetchOf(EhrRequests.Load());

        using (var first = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(failing.BaseUrl).WithoutPrefetch()))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, first.StatusCode);
        }

        var callsBefore = failing.Requests.Count;
        using (var second = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(failing.BaseUrl).WithoutPrefetch()))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        }

        Assert.True(callsBefore > 0);
        Assert.Equal(callsBefore, failing.Requests.Count);
        Assert.Contains(fixture.Logs.Named("The FHIR server could not be read"), e => e.Properties["Failure"].ToString() == "\"BrokenCircuitException\"");

        using var other = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(healthy.BaseUrl).WithoutPrefetch());
        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), other);
    }
}
