using System.ComponentModel.DataAnnotations;

namespace CdsService.Security;

/// <summary>
/// Configuration section <c>Security</c>: how client JWTs are checked and how the HTTP surface is hardened.
/// The trusted clients themselves are in <see cref="CdsClientsOptions"/> (section <c>CdsClients</c>).
/// </summary>
internal sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>The algorithms CDS Hooks recommends (§Trusting CDS Clients): ES384 and RS384.</summary>
    public static readonly IReadOnlyList<string> DefaultAlgorithms = ["ES384", "RS384"];

    /// <summary>
    /// JWS algorithms accepted in the JWT header. Unset means <see cref="DefaultAlgorithms"/>. Only asymmetric
    /// algorithms may be listed (ES256/384/512, RS256/384/512, PS256/384/512): <c>none</c> and HS* are refused by
    /// the spec and by start-up validation.
    /// </summary>
    public string[]? Algorithms { get; set; }

    /// <summary>Leeway for <c>exp</c> and <c>iat</c> against this server's clock.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest lifetime (<c>exp - iat</c>) accepted. Bounds how long a <c>jti</c> must be remembered; the
    /// Sandbox and EHRs send 5 minutes.
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether <c>GET /cds-services</c> also needs a valid JWT. Off by default: discovery is public metadata.</summary>
    public bool RequireTokenForDiscovery { get; set; }

    /// <summary>
    /// Development only: accept calls without an <c>Authorization</c> header from loopback addresses. A request that
    /// carries a token is always validated. Start-up fails if this is set outside Development.
    /// </summary>
    public bool AllowAnonymousFromLoopback { get; set; }

    /// <summary>How long a request may run before it is answered 504.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public JwksFetchOptions Jwks { get; set; } = new();

    public BrowserClientOptions Cors { get; set; } = new();

    public ClientRateLimitOptions RateLimit { get; set; } = new();

    public FailedAuthenticationOptions FailedAuthentication { get; set; } = new();

    public IReadOnlyList<string> AcceptedAlgorithms => Algorithms is { Length: > 0 } ? Algorithms : DefaultAlgorithms;
}

/// <summary>Section <c>Security:Jwks</c>: fetching a client's JWK Set from its configured <c>JwksUri</c>.</summary>
internal sealed class JwksFetchOptions
{
    /// <summary>
    /// The least time between two fetches of one issuer's JWKS, so that tokens with made-up <c>kid</c>s cannot make
    /// this service hammer the client's key server.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After this age the keys are fetched again on the next call, so a key the client withdrew stops working.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The whole budget for one fetch, retry included.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest JWKS document accepted, in bytes.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxBytes { get; set; } = 64 * 1024;
}

/// <summary>Section <c>Security:Cors</c>: browser-based CDS clients such as the CDS Hooks Sandbox.</summary>
internal sealed class BrowserClientOptions
{
    /// <summary>Origins allowed to call this service from a browser (scheme, host and port only).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How long a browser may cache a preflight answer (<c>Access-Control-Max-Age</c>).</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Section <c>Security:RateLimit</c>: a token bucket per client (the validated <c>iss</c>, or the remote IP for anonymous
/// calls) holding <see cref="PermitLimit"/> requests, refilled completely every <see cref="Window"/>.
/// </summary>
internal sealed class ClientRateLimitOptions
{
    /// <summary>
    /// 6,000 a minute (100 a second) per issuer: a large hospital EHR's order-sign peak is tens a second, and one
    /// issuer often stands for a whole health system. The old 600 turned a busy morning into 429s.
    /// </summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 6_000;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
