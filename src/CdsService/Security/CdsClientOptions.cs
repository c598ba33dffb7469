namespace CdsService.Security;

/// <summary>
/// Configuration section <c>CdsClients</c>, an array (so environment variables such as <c>CdsClients__0__Issuer</c>
/// work): the CDS clients (EHRs) whose JWTs this service trusts.
/// </summary>
internal sealed class CdsClientsOptions
{
    public const string SectionName = "CdsClients";

    public List<CdsClientOptions> Clients { get; set; } = [];
}

/// <summary>One trusted CDS client.</summary>
internal sealed class CdsClientOptions
{
    /// <summary>The exact <c>iss</c> the client puts in its JWTs, e.g. <c>https://sandbox.cds-hooks.org</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>
    /// Where the client publishes its JWK Set. The only <c>jku</c> accepted for this issuer; a token naming any other
    /// <c>jku</c> is refused without fetching it.
    /// </summary>
    public Uri? JwksUri { get; set; }

    /// <summary>The client's public JWK Set as a JSON string, for keys exchanged out of band.</summary>
    public string? Jwks { get; set; }

    /// <summary>A file holding the client's public JWK Set; a relative path is taken from the content root.</summary>
    public string? JwksFile { get; set; }

    /// <summary>When set, the token's <c>tenant</c> claim must be one of these.</summary>
    public string[] Tenants { get; set; } = [];
}
