using System.Net;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// <c>fhirServer</c> is the caller's choice, so a server that is not on <c>Fhir:AllowedServers</c> gets no request
/// at all: its data is unavailable and a warning is logged. Here the allowlist names only loopback port 1.
/// </summary>
public sealed class AllowlistTests(RefusingEhrAppFixture fixture) : IClassFixture<RefusingEhrAppFixture>
{
    [Fact]
    public async Task A_server_off_the_allowlist_is_never_contacted_and_with_no_prefetch_the_answer_is_412()
    {
        using var ehr = new FakeEhr().ServePrefetchOf(EhrRequests.Load());

        using var response = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithToken(EhrRequests.Token).WithoutPrefetch());

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Empty(ehr.Server.LogEntries);
        Assert.Contains(
            fixture.Logs.Named("FHIR server {FhirServerAuthority} is not on Fhir:AllowedServers"),
            e => e.Properties["FhirServerAuthority"].ToString() == $"\"{ehr.Server.Url}\"");
    }

    [Fact]
    public async Task A_server_off_the_allowlist_leaves_the_prefetched_part_of_the_record_to_evaluate()
    {
        using var ehr = new FakeEhr().ServePrefetchOf(EhrRequests.Load());

        using var response = await fixture.App.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithoutPrefetch("procedures"));

        var answer = await HookAnswer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(ehr.Server.LogEntries);
        Assert.Contains("procedures", answer.RecordIncompleteDetail, StringComparison.Ordinal);
        Assert.Equal("indeterminate", answer.Coverage()["covered"]);
    }
}
