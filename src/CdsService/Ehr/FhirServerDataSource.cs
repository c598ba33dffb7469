using System.Diagnostics;
using System.Net.Http.Headers;
using CdsService.CdsHooks;
using CdsService.PatientRecords;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsService.Ehr;

/// <summary>
/// Fetches the record sections the prefetch lacks from the request's <c>fhirServer</c>: only an allowlisted server,
/// every section in parallel, all within one hook deadline. The access token goes into this call's HttpClient
/// and nowhere else: it is not logged, cached or kept after the call.
/// </summary>
internal sealed class FhirServerDataSource(
    IHttpMessageHandlerFactory handlers,
    FhirReadGate gate,
    FhirServerAllowlist allowlist,
    FhirSectionReader reader,
    IOptions<FhirOptions> options,
    ILogger<FhirServerDataSource> logger) : IEhrDataSource
{
    public const string HttpClientName = "fhir-server";

    public async Task<EhrFetchResult> FetchAsync(HookRequest request, IReadOnlyList<RecordSection> sections, Fhir.ElementNames? unread, CancellationToken cancellationToken)
    {
        if (request.FhirServer is not { } server)
        {
            return new EhrFetchResult([], [.. sections.Select(s => s.Key)]);
        }

        if (!allowlist.Allows(server))
        {
            EhrLog.ServerNotAllowed(logger, server.GetLeftPart(UriPartial.Authority));
            return new EhrFetchResult([], [.. sections.Select(s => s.Key)]);
        }

        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.HookDeadline);

        // A fresh HttpClient per hook call (the factory pools only the handlers), so the bearer header set here is
        // seen by this call's requests alone and is dropped with the client; its budget handler is this call's too.
        var limits = options.Value;
        using var http = new HttpClient(new FhirReadBudget(handlers.CreateHandler(HttpClientName), server, gate, limits), disposeHandler: true)
        {
            MaxResponseContentBufferSize = limits.MaxResponseBytes,

            // A backstop only: the resilience pipeline and the hook deadline end calls well before this.
            Timeout = limits.HookDeadline + TimeSpan.FromSeconds(5),
        };
        if (request.FhirAuthorization?.AccessToken is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var reads = await System.Threading.Tasks.Task.WhenAll(sections.Select(section =>
            reader.ReadAsync(http, server, section, request.Context.Fields, unread, deadline.Token, cancellationToken)));

        var unavailable = reads.Where(r => !r.Complete).Select(r => r.Section.Key).ToList();
        EhrLog.Fetched(logger, sections.Count - unavailable.Count, sections.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new EhrFetchResult([.. reads.SelectMany(r => r.Resources)], unavailable);
    }
}
