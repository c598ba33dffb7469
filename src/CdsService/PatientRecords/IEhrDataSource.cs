using CdsService.CdsHooks;
using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>Reads record sections from the EHR's FHIR server when the prefetch lacks them.</summary>
internal interface IEhrDataSource
{
    /// <summary>
    /// Fetches the given sections. Never throws for an unreachable, refusing or misbehaving server: those
    /// sections come back in <see cref="EhrFetchResult.Unavailable"/>. Top-level elements named in
    /// <paramref name="unread"/> are left out of each resource before it is parsed, as for the prefetch.
    /// </summary>
    Task<EhrFetchResult> FetchAsync(HookRequest request, IReadOnlyList<RecordSection> sections, Fhir.ElementNames? unread, CancellationToken cancellationToken);
}

internal sealed record EhrFetchResult(IReadOnlyList<Resource> Resources, IReadOnlyList<string> Unavailable);
