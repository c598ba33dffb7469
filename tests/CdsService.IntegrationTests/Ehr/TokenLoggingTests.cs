using CdsService.PatientRecords;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// The access token reaches the FHIR server's Authorization header and nothing else: whatever happens on the way
/// (success, refusal, errors, timeouts), no log event at any level carries it.
/// </summary>
public sealed class TokenLoggingTests(TightEhrAppFixture fixture) : IClassFixture<TightEhrAppFixture>
{
    [Fact]
    public async Task The_token_never_appears_in_any_log_event()
    {
        using var ehr = new FakeEhr()
            .ServeStatus(RecordSection.Conditions, "pat-05", 401)
            .ServeStatus(RecordSection.Observations, "pat-05", 403)
            .ServeStatus(RecordSection.Procedures, "pat-05", 500)
            .Serve(RecordSection.Coverage, "pat-05", "{ broken", delay: null)
            .Serve(RecordSection.MedicationStatements, "pat-05", "{}", delay: TimeSpan.FromSeconds(2));
        ehr.ServePrefetchOf(EhrRequests.Load().WithOnlyPrefetch("patient", "medicationRequests", "medicationAdministrations", "questionnaireResponses"));

        // Twice: in a fresh process the first outbound FHIR calls (FhirClient, the HTTP pipeline, WireMock) are still
        // being compiled and can miss this fixture's 1 s hook deadline, and then no section gets as far as its 401.
        for (var call = 0; call < 2; call++)
        {
            using (await fixture.App.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithToken(EhrRequests.Token).WithoutPrefetch()))
            {
            }
        }

        Assert.Contains(ehr.Requests, r => r.Header("Authorization") == $"Bearer {EhrRequests.Token}");
        Assert.Contains(fixture.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Debug);
        Assert.Contains(fixture.Logs.Named("The FHIR server refused access"), e => e.Properties["Status"].ToString() == "401");
        Assert.DoesNotContain(fixture.Logs.AllText(), text => text.Contains("TEST-ACCESS-TOKEN", StringComparison.Ordinal));
    }
}
