using Microsoft.Extensions.Options;

namespace CdsService.Ehr;

/// <summary>
/// The FHIR servers this service may contact (<c>Fhir:AllowedServers</c>). <c>fhirServer</c> is chosen by the
/// caller, so without this check any client could make the service send requests to any address (SSRF).
/// </summary>
internal sealed class FhirServerAllowlist(IOptions<FhirOptions> options)
{
    private readonly IReadOnlyList<AllowedServer> _allowed =
    [
        .. options.Value.AllowedServers.Select(e => AllowedServer.TryParse(e, out var server, out _) ? server : null).OfType<AllowedServer>(),
    ];

    /// <summary>True when <paramref name="fhirServer"/> is a FHIR base URL on the allowlist.</summary>
    public bool Allows(Uri fhirServer) =>
        fhirServer.Query.Length == 0 && fhirServer.Fragment.Length == 0 && _allowed.Any(a => a.Contains(fhirServer));

    /// <summary>
    /// True when a link the server returned (a Bundle's <c>next</c>) stays on that server, under its base path, so
    /// that a server cannot send the service elsewhere.
    /// </summary>
    public static bool IsWithin(Uri fhirServer, Uri link) =>
        AllowedServer.Exactly(fhirServer) is { } scope && scope.Contains(link);
}
