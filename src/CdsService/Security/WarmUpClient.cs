using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.Security;

/// <summary>
/// The CDS client the service is to itself while it warms up: start-up calls its own hook endpoint over HTTP (see
/// <see cref="Hosting.WarmUp"/>) so that Kestrel, authentication, rate limiting and the response writer are compiled
/// before clinicians' calls arrive, and those calls need a token like any other. The trust it gets is narrow:
/// <list type="bullet">
/// <item>its issuer is a random URN and its P-384 key is generated in memory at start-up, never written anywhere;</item>
/// <item>its calls are rehearsals: nothing reaches the real store or the audit trail (their writes go to a scratch
/// store deleted as the warm-up ends, <see cref="Storage.RehearsalStore"/>), and they are logged at Debug;</item>
/// <item>it is retired when the warm-up ends: the private key is disposed and the issuer keeps no verifying key, so
/// no token of it, old or new, is ever accepted again.</item>
/// </list>
/// Operators' tokens never come from it (the operator allowlist is separate).
/// </summary>
internal sealed class WarmUpClient : IDisposable
{
    /// <summary>Long enough for one call, short enough that a token is worthless soon after it is made.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly JsonWebTokenHandler _handler = new();
    private ECDsa? _key;
    private readonly SigningCredentials? _credentials;

    public WarmUpClient(Microsoft.Extensions.Options.IOptions<SecurityOptions> security, TimeProvider clock)
    {
        _clock = clock;
        Issuer = "urn:uuid:" + Guid.NewGuid();
        if (!security.Value.AcceptedAlgorithms.Contains(SecurityAlgorithms.EcdsaSha384))
        {
            // A deployment that accepts no ES384 gets no warm-up client: the warm-up runs in-process instead.
            PublicKeys = [];
            _retired = true;
            return;
        }

        _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var kid = Guid.NewGuid().ToString("N");
        _credentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha384);
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        PublicKeys =
        [
            new JsonWebKey
            {
                Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
                Crv = JsonWebKeyECTypes.P384,
                X = Base64UrlEncoder.Encode(parameters.Q.X),
                Y = Base64UrlEncoder.Encode(parameters.Q.Y),
                Kid = kid,
                Alg = SecurityAlgorithms.EcdsaSha384,
                Use = JsonWebKeyUseNames.Sig,
            },
        ];
    }

    /// <summary>A random <c>urn:uuid:</c>, new for each process; no configured client can have it.</summary>
    public string Issuer { get; }

    /// <summary>The public key the service verifies this client's tokens with: empty once retired.</summary>
    public IReadOnlyList<JsonWebKey> PublicKeys { get; private set; }

    /// <summary>Read on every token lookup for this issuer, so a flag rather than the lock.</summary>
    public bool IsRetired => _retired;

    private volatile bool _retired;

    /// <summary>A fresh token for one call to <paramref name="audience"/>, or null once retired.</summary>
    public string? CreateToken(string audience)
    {
        lock (_gate)
        {
            if (_key is null || _credentials is null)
            {
                return null;
            }

            var now = _clock.GetUtcNow().UtcDateTime;
            return _handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = audience,
                IssuedAt = now,
                NotBefore = now,
                Expires = now + TokenLifetime,
                TokenType = "JWT",
                Claims = new Dictionary<string, object>
                {
                    [JwtRegisteredClaimNames.Sub] = Issuer,
                    [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
                },
                SigningCredentials = _credentials,
            });
        }
    }

    /// <summary>Whether an authenticated caller is this client (its calls are rehearsals).</summary>
    public bool IsCaller(ClaimsPrincipal? user) =>
        user is { Identity.IsAuthenticated: true }
        && string.Equals(user.FindFirst(JwtRegisteredClaimNames.Iss)?.Value, Issuer, StringComparison.Ordinal);

    /// <summary>Ends this client for good: the private key is disposed and the public one withdrawn.</summary>
    public void Retire()
    {
        lock (_gate)
        {
            _retired = true;
            PublicKeys = [];
            _key?.Dispose();
            _key = null;
        }
    }

    public void Dispose() => Retire();
}
