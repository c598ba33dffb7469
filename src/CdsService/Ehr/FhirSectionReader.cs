using System.Diagnostics;
using System.Net;
using CdsService.Fhir;
using CdsService.PatientRecords;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.Extensions.Options;

namespace CdsService.Ehr;

/// <summary>
/// Reads one record section from the EHR's FHIR server with the Firely FhirClient: the section's query (the same
/// template discovery publishes), then its <c>next</c> pages up to <see cref="FhirOptions.MaxPages"/>. Never throws
/// for a failing server: every failure is logged (status or failure type, never the URL, token or body) and the
/// section comes back unavailable. Only the caller's own cancellation propagates.
/// </summary>
internal sealed class FhirSectionReader(
    FhirJsonReader json,
    IOptions<FhirOptions> options,
    IOptions<CdsHooks.CdsOptions> limits,
    ILogger<FhirSectionReader> logger)
{
    public async Task<SectionRead> ReadAsync(
        HttpClient http,
        Uri server,
        RecordSection section,
        IReadOnlyDictionary<string, string> contextFields,
        ElementNames? unread,
        CancellationToken deadline,
        CancellationToken aborted)
    {
        var started = Stopwatch.GetTimestamp();
        // The record limits of a request apply to what the server sends too; the deadline also stops parsing.
        var engine = new LenientFhirEngine(json, new FhirReadOptions
        {
            MaxBundleEntries = limits.Value.MaxBundleEntries,
            MaxBundleEntriesSetting = "Cds:MaxBundleEntries",
            CancellationToken = deadline,

            // Every entry of a search for this patient is kept; only the elements nothing reads are left out.
            Selection = unread is null ? null : new EntrySelection(static _ => true, unread),
        });
        try
        {
            // A FhirClient keeps per-call state (LastResult), so each parallel query gets its own.
            using var client = new FhirClient(server, http, Settings(engine));
            var first = await client.GetAsync(section.Render(contextFields), deadline);
            var read = section.IsRead ? ReadResult(section, first) : await SearchResultAsync(client, server, section, first, deadline);
            EhrLog.SectionRead(logger, section.Key, read.Resources.Count, read.Complete, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return read;
        }
        catch (FhirOperationException e) when (e.Status == HttpStatusCode.NotFound && section.IsRead)
        {
            // The patient does not exist on this server: that is an answer (no data), not a failure.
            EhrLog.ReadNotFound(logger, section.Key);
            return new SectionRead(section, [], true);
        }
        catch (FhirOperationException e) when (e.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            EhrLog.AccessRefused(logger, section.Key, (int)e.Status);
            return SectionRead.Unavailable(section);
        }
        catch (FhirOperationException e) when ((int)e.Status is >= 200 and < 300)
        {
            // Firely reports a success status with a body that is not FHIR (an HTML page, say) this way.
            EhrLog.UnexpectedBody(logger, section.Key, "a body that is not FHIR");
            return SectionRead.Unavailable(section);
        }
        catch (FhirOperationException e)
        {
            EhrLog.ErrorStatus(logger, section.Key, (int)e.Status);
            return SectionRead.Unavailable(section);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            EhrLog.DeadlinePassed(logger, section.Key, options.Value.HookDeadline.TotalMilliseconds);
            return SectionRead.Unavailable(section);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Connection failures, attempt timeouts, an open circuit, unusable bodies. Only the type is logged:
            // messages of lower layers may quote the URL, and with it the patient id.
            EhrLog.Unreadable(logger, section.Key, e.GetType().Name);
            return SectionRead.Unavailable(section);
        }
        finally
        {
            if (ToleratedFhirSummary.Of(engine.Issues, engine.SuppressedIssues) is { } tolerated)
            {
                EhrLog.ToleratedFhir(logger, section.Key, tolerated.Count, tolerated.Codes, tolerated.FirstPath);
            }
        }
    }

    private static FhirClientSettings Settings(LenientFhirEngine engine) => new()
    {
        PreferredFormat = ResourceFormat.Json,
        SerializationEngine = engine,
        VerifyFhirVersion = false,
        UseFhirVersionInAcceptHeader = false,
    };

    private SectionRead ReadResult(RecordSection section, Resource? resource)
    {
        if (resource is null || resource.TypeName != section.ResourceType)
        {
            EhrLog.UnexpectedBody(logger, section.Key, resource?.TypeName ?? "no resource");
            return SectionRead.Unavailable(section);
        }

        return new SectionRead(section, [resource], true);
    }

    private async Task<SectionRead> SearchResultAsync(FhirClient client, Uri server, RecordSection section, Resource? first, CancellationToken deadline)
    {
        if (first is not Bundle page)
        {
            EhrLog.UnexpectedBody(logger, section.Key, first?.TypeName ?? "no resource");
            return SectionRead.Unavailable(section);
        }

        var merged = new Bundle { Type = Bundle.BundleType.Searchset };
        merged.Entry.AddRange(page.Entry);
        var pages = 1;
        while (page.NextLink is { } next)
        {
            var link = next.IsAbsoluteUri ? next : new Uri(client.Endpoint, next);
            if (!FhirServerAllowlist.IsWithin(server, link))
            {
                EhrLog.ForeignNextLink(logger, section.Key);
                return new SectionRead(section, [merged], false);
            }

            if (pages >= options.Value.MaxPages)
            {
                EhrLog.PageCapReached(logger, section.Key, options.Value.MaxPages);
                return new SectionRead(section, [merged], false);
            }

            if (await client.GetAsync(link, deadline) is not Bundle nextPage)
            {
                EhrLog.UnexpectedBody(logger, section.Key, "a page that is not a Bundle");
                return new SectionRead(section, [merged], false);
            }

            merged.Entry.AddRange(nextPage.Entry);
            page = nextPage;
            pages++;
        }

        return new SectionRead(section, [merged], true);
    }
}
