using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.PatientRecords;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// What the FHIR server sends is read like the prefetch: elements no criterion reads are left out before parsing, so
/// lab results whose narrative is malformed still count. With the filter off the same results are dropped as
/// unreadable, which shows the server's data really went through the pruning.
/// </summary>
public sealed class UnreadElementsFromServerTests : IDisposable
{
    private readonly FakeEhr _ehr = new();

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Lab_results_with_a_malformed_narrative_from_the_server_count_only_when_unread_elements_are_left_out(bool filter, bool labsOrdered)
    {
        var prefetch = EhrRequests.Load()["prefetch"]!;
        var fetched = RecordSection.All.Where(s => !s.IsRead && prefetch[s.Key] is not null).ToArray();
        foreach (var section in fetched)
        {
            var bundle = prefetch[section.Key]!.DeepClone();
            foreach (var entry in bundle["entry"]?.AsArray() ?? [])
            {
                if (entry?["resource"] is JsonObject { } resource && (string?)resource["resourceType"] == "Observation")
                {
                    resource["text"] = new JsonObject { ["status"] = "not-a-narrative-status", ["div"] = "<div xmlns=\"http://www.w3.org/1999/xhtml\">lab</div>" };
                }
            }

            _ehr.Serve(section, "pat-05", bundle.ToJsonString());
        }

        using var app = new CdsApp().With("Cds:FilterPrefetch", filter ? "true" : "false");
        using var response = await app.PostAsync(EhrRequests.Load().PointedAt(_ehr.BaseUrl).WithoutPrefetch([.. fetched.Select(s => s.Key)]));
        var answer = await HookAnswer.ReadAsync(response);

        Assert.False(answer.SaysRecordIncomplete);
        Assert.Equal(labsOrdered, answer.CardSummaries.Any(c => c.StartsWith("Order baseline liver tests", StringComparison.Ordinal)));
    }

    public void Dispose() => _ehr.Dispose();
}
