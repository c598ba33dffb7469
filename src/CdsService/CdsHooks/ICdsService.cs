using CdsService.CdsHooks.Wire;

namespace CdsService.CdsHooks;

/// <summary>A CDS service as the protocol layer sees it: a discovery entry and a handler.</summary>
internal interface ICdsService
{
    ServiceDescription Description { get; }

    HookDefinition Hook { get; }

    /// <summary>
    /// Given the parsed context (its patient, its draft orders), the prefetch Bundle entries worth parsing and the
    /// elements of them nothing reads; null parses everything. Skipping happens before Firely builds anything, so
    /// unread data costs a scan only.
    /// </summary>
    Func<HookContext, Fhir.EntrySelection?>? PrefetchFilter => null;

    Task<CdsResponse> HandleAsync(HookRequest request, CdsCall call, CancellationToken cancellationToken);
}

/// <summary>
/// Facts about the call that are not in the body: where the service is published, and whether it is the start-up
/// rehearsal (warm-up), which must leave no trace: no audit record, no determination, no form session.
/// </summary>
internal sealed record CdsCall(Uri PublicBaseUrl, bool Rehearsal = false)
{
    public Uri Resolve(string relative) => new(PublicBaseUrl, relative.TrimStart('/'));
}
