namespace CdsService.CdsHooks.Wire;

/// <summary>The body of <c>GET /cds-services</c> (CDS Hooks 2.0 §Discovery).</summary>
internal sealed record DiscoveryResponse(IReadOnlyList<ServiceDescription> Services);

/// <summary>One entry of the discovery document. Optional members are null when absent, never empty.</summary>
internal sealed record ServiceDescription(
    string Hook,
    string Id,
    string Title,
    string Description,
    IReadOnlyDictionary<string, string>? Prefetch = null,
    string? UsageRequirements = null,
    IReadOnlyDictionary<string, object>? Extension = null);
