using System.Diagnostics;
using System.Net;
using CdsService.PatientRecords;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// How the service treats a FHIR server that refuses, fails, stalls or talks nonsense: the section is unavailable,
/// never a 500 or a hang; with nothing at all to go on the answer is 412; with part of the record the policy runs on
/// what is there, says the record could not be fully read and marks coverage indeterminate for a technical reason.
/// Limits are those of <see cref="TightEhrAppFixture"/>.
/// </summary>
public sealed class FhirServerFailureTests(TightEhrAppFixture fixture) : IClassFixture<TightEhrAppFixture>
{
    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_server_refusing_every_query_leaves_nothing_to_evaluate_so_the_answer_is_412(int status)
    {
        using var ehr = new FakeEhr();
        foreach (var section in RecordSection.All)
        {
            ehr.ServeStatus(section, "pat-05", status);
        }

        using var response = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithToken(EhrRequests.Token).WithoutPrefetch());

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(RecordSection.All.Count(s => !s.BestEffort), ehr.Requests.Count);
        Assert.Contains(fixture.Logs.Named("The FHIR server refused access"), e => e.Properties["Status"].ToString() == status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task A_section_the_server_will_not_give_is_unknown_and_coverage_is_indeterminate_for_a_technical_reason(int status)
    {
        using var ehr = new FakeEhr().ServeStatus(RecordSection.Conditions, "pat-05", status);

        var answer = await PostAsync(ehr, "conditions");

        AssertIncomplete(answer, "conditions");
        Assert.Equal("unknown", answer.Criterion("b-all-diagnosis"));
        Assert.Equal(status == 500 ? 3 : 1, ehr.Requests.Count);
    }

    [Fact]
    public async Task A_404_on_the_patient_read_means_no_such_patient_not_an_unreadable_record()
    {
        using var ehr = new FakeEhr().ServeStatus(RecordSection.Patient, "pat-05", 404);

        var answer = await PostAsync(ehr, "patient");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.False(answer.SaysRecordIncomplete);
        Assert.Equal("unknown", answer.Criterion("age"));
        Assert.Single(ehr.Requests);
    }

    [Theory]
    [InlineData("{ \"resourceType\": \"Bundle\", \"type\": ")]
    [InlineData("<html><body>Service unavailable</body></html>")]
    [InlineData("{ \"resourceType\": \"Condition\", \"id\": \"not-a-bundle\" }")]
    public async Task A_body_that_is_not_a_searchset_makes_the_section_unavailable(string body)
    {
        using var ehr = new FakeEhr().Serve(RecordSection.Observations, "pat-05", body);

        var answer = await PostAsync(ehr, "observations");

        AssertIncomplete(answer, "observations");
    }

    [Fact]
    public async Task A_call_slower_than_the_per_call_timeout_is_abandoned()
    {
        using var ehr = new FakeEhr().Serve(RecordSection.Observations, "pat-05", EmptySearchset, delay: TimeSpan.FromSeconds(3));

        // Start the host first: its start-up (warm-up included) is not what this test times.
        Assert.NotNull(fixture.App.Server);
        var clock = Stopwatch.StartNew();

        var answer = await PostAsync(ehr, "observations");

        AssertIncomplete(answer, "observations");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Whatever_has_not_arrived_by_the_hook_deadline_is_unavailable()
    {
        // Two pages of 600 ms each: every call is within the 800 ms call timeout, the pair is past the 1 s deadline.
        using var ehr = new FakeEhr();
        var delay = TimeSpan.FromMilliseconds(600);
        var conditions = EhrRequests.Load()["prefetch"]!["conditions"]!.AsObject();
        ehr.Serve(RecordSection.Conditions, "pat-05", FhirServerContractTests.Page(conditions, [], $"{ehr.BaseUrl}?_getpages=p2"), delay);
        ehr.ServeNextPage("p2", FhirServerContractTests.Page(conditions, conditions["entry"]!.AsArray(), null), delay);

        var answer = await PostAsync(ehr, "conditions");

        AssertIncomplete(answer, "conditions");
        Assert.Contains(fixture.Logs.Named("{Section} did not arrive within"), e => e.Properties["Section"].ToString() == "\"conditions\"");
    }

    [Fact]
    public async Task Pages_past_the_cap_are_not_read_and_the_section_counts_as_incomplete()
    {
        using var ehr = new FakeEhr();
        var conditions = EhrRequests.Load()["prefetch"]!["conditions"]!.AsObject();
        ehr.Serve(RecordSection.Conditions, "pat-05", FhirServerContractTests.Page(conditions, [], $"{ehr.BaseUrl}?_getpages=p2"));
        ehr.ServeNextPage("p2", FhirServerContractTests.Page(conditions, [], $"{ehr.BaseUrl}?_getpages=p3"));
        ehr.ServeNextPage("p3", FhirServerContractTests.Page(conditions, conditions["entry"]!.AsArray(), null));

        var answer = await PostAsync(ehr, "conditions");

        AssertIncomplete(answer, "conditions");
        Assert.Equal(2, ehr.Requests.Count);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        using var ehr = new FakeEhr();
        using var elsewhere = new FakeEhr().ServePrefetchOf(EhrRequests.Load());
        ehr.Serve(RecordSection.Observations, "pat-05", r => r.WithStatusCode(302).WithHeader("Location", $"{elsewhere.BaseUrl}/Observation?patient=pat-05"));

        var answer = await PostAsync(ehr, "observations");

        AssertIncomplete(answer, "observations");
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task An_unreachable_server_with_nothing_prefetched_gives_412()
    {
        // A port bound but never listened on refuses connections, and stays ours for the test: a port freed by a
        // stopped server could be taken at once by another test's server and answer.
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        closed.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)closed.LocalEndPoint!).Port;

        using var response = await fixture.App.PostAsync(EhrRequests.Load().PointedAt($"http://127.0.0.1:{port}/fhir/r4").WithoutPrefetch());

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    private static string EmptySearchset => FakeEhr.Json(new Hl7.Fhir.Model.Bundle { Type = Hl7.Fhir.Model.Bundle.BundleType.Searchset, Total = 0 });

    private async Task<HookAnswer> PostAsync(FakeEhr ehr, string missingKey)
    {
        using var response = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithToken(EhrRequests.Token).WithoutPrefetch(missingKey));
        return await HookAnswer.ReadAsync(response);
    }

    private static void AssertIncomplete(HookAnswer answer, string section)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.SaysRecordIncomplete, "no card says the record could not be fully read");
        Assert.Contains(section, answer.RecordIncompleteDetail, StringComparison.Ordinal);
        var coverage = answer.Coverage();
        Assert.Equal("indeterminate", coverage["covered"]);
        Assert.Equal("technical", coverage["reason"]);
    }
}
