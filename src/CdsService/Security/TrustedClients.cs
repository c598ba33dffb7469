using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.Security;

/// <summary>A trusted CDS client and the keys it signs with: those configured inline or in a file, plus its published JWKS.</summary>
internal sealed class TrustedClient(CdsClientOptions options, IReadOnlyList<JsonWebKey> configuredKeys, RemoteJwks? published)
{
    public string Issuer => options.Issuer;

    public Uri? JwksUri => options.JwksUri;

    public IReadOnlyCollection<string> Tenants => options.Tenants;

    /// <summary>Whether a <c>jku</c> header names the one JWKS URL configured for this client.</summary>
    public bool AcceptsJku(string jku) =>
        JwksUri is { } configured
        && (string.Equals(jku, configured.OriginalString, StringComparison.Ordinal)
            || string.Equals(jku, configured.AbsoluteUri, StringComparison.Ordinal));

    /// <summary>Fetches the published JWKS if <paramref name="kid"/> may be there; a kid configured out of band needs no fetch.</summary>
    public Task RefreshKeysIfNeededAsync(string kid, CancellationToken cancellationToken) =>
        published is null || configuredKeys.Any(k => string.Equals(k.Kid, kid, StringComparison.Ordinal))
            ? Task.CompletedTask
            : published.RefreshIfNeededAsync(kid, cancellationToken);

    /// <summary>The keys with this <c>kid</c> that can verify <paramref name="algorithm"/>; only ever EC or RSA public keys.</summary>
    public IReadOnlyList<JsonWebKey> KeysFor(string kid, string algorithm) =>
        [.. configuredKeys.Concat(published?.Keys ?? [])
            .Where(k => string.Equals(k.Kid, kid, StringComparison.Ordinal) && SigningKeys.Fits(k, algorithm))];
}

/// <summary>The allowlist of CDS clients, by exact <c>iss</c>, built once from validated configuration.</summary>
internal sealed class TrustedClients : IDisposable
{
    private readonly Dictionary<string, TrustedClient> _byIssuer = new(StringComparer.Ordinal);
    private readonly List<RemoteJwks> _published = [];
    private readonly WarmUpClient? _warmUp;

    public TrustedClients(
        IOptions<CdsClientsOptions> clients,
        IOptions<SecurityOptions> security,
        IHostEnvironment environment,
        IHttpClientFactory httpClients,
        TimeProvider clock,
        ILogger<RemoteJwks> logger,
        WarmUpClient? warmUp = null)
    {
        var algorithms = security.Value.AcceptedAlgorithms;
        foreach (var client in clients.Value.Clients)
        {
            var configured = ConfiguredJwks.Read(client, environment.ContentRootPath) is { } json
                ? SigningKeys.Parse(json, algorithms).Keys
                : [];
            RemoteJwks? published = null;
            if (client.JwksUri is { } uri)
            {
                published = new RemoteJwks(client.Issuer, uri, httpClients, security.Value.Jwks, algorithms, clock, logger);
                _published.Add(published);
            }

            _byIssuer[client.Issuer] = new TrustedClient(client, configured, published);
        }

        Issuers = [.. _byIssuer.Keys];
        if (warmUp is not null && warmUp.PublicKeys.Count > 0)
        {
            // Found only until the warm-up retires it (see Find), so its key needs no withdrawing here.
            _warmUp = warmUp;
            _byIssuer[warmUp.Issuer] = new TrustedClient(new CdsClientOptions { Issuer = warmUp.Issuer }, warmUp.PublicKeys, null);
        }

        AcceptedIssuers = [.. _byIssuer.Keys];
    }

    /// <summary>The configured clients' issuers (what the start-up report lists).</summary>
    public IReadOnlyCollection<string> Issuers { get; }

    /// <summary>Every issuer a token may name: the configured ones and, in this process only, the warm-up client's.</summary>
    public IReadOnlyCollection<string> AcceptedIssuers { get; }

    /// <summary>The client with this <c>iss</c>; never the warm-up client once it is retired.</summary>
    public TrustedClient? Find(string? issuer) =>
        issuer is null || (IsWarmUp(issuer) && _warmUp!.IsRetired)
            ? null
            : _byIssuer.GetValueOrDefault(issuer);

    /// <summary>Whether <paramref name="issuer"/> is this process's warm-up client (trusted for hook calls only).</summary>
    public bool IsWarmUp(string? issuer) => _warmUp is not null && string.Equals(issuer, _warmUp.Issuer, StringComparison.Ordinal);

    public void Dispose()
    {
        foreach (var published in _published)
        {
            published.Dispose();
        }
    }
}

/// <summary>A client's JWKS given in configuration: inline (<c>Jwks</c>) or as a file (<c>JwksFile</c>).</summary>
internal static class ConfiguredJwks
{
    /// <summary>The JSON, or null when the client has none configured. Throws <see cref="IOException"/> for an unreadable file.</summary>
    public static string? Read(CdsClientOptions client, string contentRoot) =>
        !string.IsNullOrWhiteSpace(client.Jwks) ? client.Jwks
        : !string.IsNullOrWhiteSpace(client.JwksFile) ? File.ReadAllText(PathOf(client.JwksFile, contentRoot))
        : null;

    public static string PathOf(string file, string contentRoot) => Path.GetFullPath(file, contentRoot);
}
