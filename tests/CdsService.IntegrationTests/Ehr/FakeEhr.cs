using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.CdsHooks;
using CdsService.PatientRecords;
using Hl7.Fhir.Model;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// WireMock standing in for the EHR's FHIR server at <c>{url}/fhir/r4</c>. It answers each record section's query
/// (as the service renders it from the section's template) with whatever a test puts there, and records every
/// request it sees. An unmapped request gets WireMock's 404.
/// </summary>
internal sealed class FakeEhr : IDisposable
{
    public const string BasePath = "/fhir/r4";
    public const string FhirJson = "application/fhir+json";

    public WireMockServer Server { get; } = WireMockServer.Start();

    public string BaseUrl => Server.Url + BasePath;

    public IReadOnlyList<IRequestMessage> Requests => [.. Server.LogEntries.Select(e => e.RequestMessage)];

    /// <summary>Answers the query for <paramref name="section"/> about <paramref name="patientId"/>.</summary>
    public FakeEhr Serve(RecordSection section, string patientId, Func<IResponseBuilder, IResponseBuilder> respond)
    {
        var query = section.Render(new Dictionary<string, string> { ["patientId"] = patientId });
        var parts = query.Split('?', 2);
        var request = Request.Create().WithPath($"{BasePath}/{parts[0]}").UsingGet();
        foreach (var pair in parts.Length > 1 ? parts[1].Split('&') : [])
        {
            var kv = pair.Split('=', 2);
            request.WithParam(kv[0], Uri.UnescapeDataString(kv[1]));
        }

        Server.Given(request).RespondWith(respond(Response.Create()));
        return this;
    }

    public FakeEhr Serve(RecordSection section, string patientId, string body, TimeSpan? delay = null) =>
        Serve(section, patientId, r =>
        {
            r.WithStatusCode(200).WithHeader("Content-Type", FhirJson).WithBody(body);
            return delay is { } d ? r.WithDelay(d) : r;
        });

    /// <summary>Answers a HAPI-style page link: <c>{base}?_getpages={id}</c>.</summary>
    public FakeEhr ServeNextPage(string pagesId, string body, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirJson).WithBody(body);
        Server.Given(Request.Create().WithPath(BasePath).WithParam("_getpages", pagesId).UsingGet())
            .RespondWith(delay is { } d ? response.WithDelay(d) : response);
        return this;
    }

    /// <summary>Answers every <c>Medication?_id=…</c> search with <paramref name="bundle"/>.</summary>
    public FakeEhr ServeMedicationSearch(string bundle)
    {
        Server.Given(Request.Create().WithPath($"{BasePath}/Medication").WithParam("_id").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirJson).WithBody(bundle));
        return this;
    }

    public FakeEhr ServeStatus(RecordSection section, string patientId, int status) =>
        Serve(section, patientId, r => r.WithStatusCode(status).WithHeader("Content-Type", FhirJson).WithBody(Json(Outcome(status))));

    /// <summary>
    /// Serves what the request's prefetch holds, key by key, at the query the service would send instead: a
    /// resource or Bundle as it is, <c>null</c> as an empty searchset (or 404 for a read).
    /// </summary>
    public FakeEhr ServePrefetchOf(JsonObject request)
    {
        var patientId = request["context"]!["patientId"]!.GetValue<string>();
        foreach (var (key, value) in request["prefetch"]?.AsObject() ?? [])
        {
            if (RecordSection.All.FirstOrDefault(s => s.Key == key) is not { } section)
            {
                continue;
            }

            if (section.BestEffort)
            {
                // Not queried as a section: the service reads the Medications it still needs by id.
                ServeMedicationSearch(value?.ToJsonString() ?? Json(new Bundle { Type = Bundle.BundleType.Searchset, Total = 0 }));
            }
            else if (value is not null)
            {
                Serve(section, patientId, value.ToJsonString());
            }
            else if (section.IsRead)
            {
                ServeStatus(section, patientId, 404);
            }
            else
            {
                Serve(section, patientId, Json(new Bundle { Type = Bundle.BundleType.Searchset, Total = 0 }));
            }
        }

        return this;
    }

    public static string Json(Resource resource) => JsonSerializer.Serialize(resource, CdsJson.Options);

    public static OperationOutcome Outcome(int status) => new()
    {
        Issue =
        [
            new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = status is 401 or 403 ? OperationOutcome.IssueType.Security : OperationOutcome.IssueType.Exception,
                Diagnostics = $"HTTP {status}",
            },
        ],
    };

    public void Dispose() => Server.Stop();
}
