using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// Every way a CDS client's call can fail the CDS Hooks JWT profile, each one token (or header) that is valid in every
/// other respect, with the reason the service must log for it.
/// </summary>
internal static class TokenVariants
{
    private static readonly DateTimeOffset Now = Fixtures.CdsApp.Today;

    /// <summary>Name, then (the Authorization header to send, the expected logged reason).</summary>
    public static readonly IReadOnlyDictionary<string, (Func<SecuredService, string?> Authorization, string Reason)> Rejected =
        new Dictionary<string, (Func<SecuredService, string?>, string)>
        {
            ["no Authorization header"] = (_ => null, "TokenMissing"),
            ["Basic scheme"] = (_ => "Basic dXNlcjpwYXNz", "TokenMalformed"),
            ["Bearer with no token"] = (_ => "Bearer ", "TokenMalformed"),
            ["not a JWT"] = (_ => "Bearer not-a-jwt", "TokenMalformed"),
            ["five-part JWE"] = (_ => "Bearer eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", "TokenMalformed"),
            ["crit header"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "crit", new[] { "exp" }))), "TokenMalformed"),
            ["typ missing"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "typ", null))), "TypInvalid"),
            ["typ at+jwt"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "typ", "at+jwt"))), "TypInvalid"),
            ["typ lower-case jwt"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "typ", "jwt"))), "TypInvalid"),
            ["alg none, unsigned"] = (s => Bearer(Unsigned(s)), "AlgRejected"),
            ["alg HS256 signed with the RSA public key (alg confusion)"] = (s => Bearer(Confused(s, s.Rs384, "HS256")), "AlgRejected"),
            ["alg HS384 signed with the EC public key (alg confusion)"] = (s => Bearer(Confused(s, s.Es384, "HS384")), "AlgRejected"),
            ["alg ES256, published key but not configured"] = (s => Bearer(s.Token(s.Es256).SignWith(s.Es256)), "AlgRejected"),
            ["alg RS256, RSA key but not configured"] = (s => Bearer(RsaAs(s, "RS256")), "AlgRejected"),
            ["alg header ES384 naming the RSA key's kid"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "kid", s.Rs384.Kid))), "KidUnknown"),
            ["iss not on the allowlist"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "iss", "https://rogue-ehr.example.org"))), "IssUntrusted"),
            ["iss missing"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "iss", null))), "IssUntrusted"),
            ["jku not the one configured for the issuer"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "jku", s.Jwks.UnlistedUri.AbsoluteUri))), "JkuUntrusted"),
            ["jku for an issuer configured without one"] = (s => Bearer(s.Token(s.InlineKey, issuer: SecuredService.InlineIssuer).SignWith(s.InlineKey)), "JkuUntrusted"),
            ["kid missing"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "kid", null))), "KidMissing"),
            ["kid not in the issuer's JWKS"] = (s => Bearer(Signed(s, t => t.Set(t.Header, "kid", "retired-key"))), "KidUnknown"),
            ["kid of another issuer's key"] = (s => Bearer(s.Token(s.InlineKey).SignWith(s.InlineKey)), "KidUnknown"),
            ["signature by another key claiming the kid"] = (s => Bearer(s.Token().SignWith(s.Impostor)), "SignatureInvalid"),
            ["payload altered after signing"] = (s => Bearer(Altered(s)), "SignatureInvalid"),
            ["aud another service"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", SecuredService.PublicBase + "/cds-services/other-service"))), "AudMismatch"),
            ["aud the discovery URL"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", SecuredService.PublicBase + "/cds-services"))), "AudMismatch"),
            ["aud the feedback URL"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", SecuredService.PublicBase + Fixtures.CdsApp.BesponsaService + "/feedback"))), "AudMismatch"),
            ["aud with a trailing slash"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", SecuredService.PublicBase + Fixtures.CdsApp.BesponsaService + "/"))), "AudMismatch"),
            ["aud http instead of https"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", "http://cds.example.org" + Fixtures.CdsApp.BesponsaService))), "AudMismatch"),
            ["aud the request's own host, not the public URL"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", "http://localhost" + Fixtures.CdsApp.BesponsaService))), "AudMismatch"),
            ["aud array without this endpoint"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", new[] { "https://a.example.org/x", SecuredService.PublicBase + "/cds-services" }))), "AudMismatch"),
            ["aud missing"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "aud", null))), "AudMismatch"),
            ["exp passed beyond the leeway"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "exp", (Now - TimeSpan.FromSeconds(61)).ToUnixTimeSeconds()).Set(t.Payload, "iat", (Now - TimeSpan.FromMinutes(6)).ToUnixTimeSeconds()))), "ExpPassed"),
            ["exp missing"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "exp", null))), "ExpMissing"),
            ["nbf in the future"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "nbf", (Now + TimeSpan.FromMinutes(3)).ToUnixTimeSeconds()))), "NotYetValid"),
            ["iat in the future beyond the leeway"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "iat", (Now + TimeSpan.FromSeconds(120)).ToUnixTimeSeconds()))), "IatInFuture"),
            ["iat missing"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "iat", null))), "IatMissing"),
            ["lifetime over the maximum"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "exp", (Now + TimeSpan.FromHours(2)).ToUnixTimeSeconds()))), "LifetimeTooLong"),
            ["lifetime two seconds over the maximum"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "iat", (Now - TimeSpan.FromSeconds(10)).ToUnixTimeSeconds()).Set(t.Payload, "exp", (Now - TimeSpan.FromSeconds(10) + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(2)).ToUnixTimeSeconds()))), "LifetimeTooLong"),
            ["jti missing"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "jti", null))), "JtiMissing"),
            ["jti empty"] = (s => Bearer(Signed(s, t => t.Set(t.Payload, "jti", ""))), "JtiMissing"),
            ["tenant missing for a tenant-bound client"] = (s => Bearer(TenantToken(s, null)), "TenantUntrusted"),
            ["tenant not configured for the client"] = (s => Bearer(TenantToken(s, "tenant-b")), "TenantUntrusted"),
        };

    /// <summary>Tokens that bend a rule only as far as it allows.</summary>
    public static readonly IReadOnlyDictionary<string, Func<SecuredService, string>> Accepted = new Dictionary<string, Func<SecuredService, string>>
    {
        ["ES384 from the published JWKS"] = s => s.Token(s.Es384).SignWith(s.Es384),
        ["RS384 from the published JWKS"] = s => s.Token(s.Rs384).SignWith(s.Rs384),
        ["no jku: the configured JwksUri is used"] = s => s.Token(jku: false).SignWith(s.Es384),
        ["ES384 from an inline JWKS"] = s => s.Token(s.InlineKey, issuer: SecuredService.InlineIssuer, jku: false).SignWith(s.InlineKey),
        ["aud an array holding this endpoint"] = s => Signed(s, t => t.Set(t.Payload, "aud", new[] { "https://a.example.org/x", SecuredService.PublicBase + Fixtures.CdsApp.BesponsaService })),
        ["exp passed within the leeway"] = s => Signed(s, t => t.Set(t.Payload, "exp", (Now - TimeSpan.FromSeconds(30)).ToUnixTimeSeconds()).Set(t.Payload, "iat", (Now - TimeSpan.FromMinutes(5)).ToUnixTimeSeconds())),
        ["iat ahead within the leeway"] = s => Signed(s, t => t.Set(t.Payload, "iat", (Now + TimeSpan.FromSeconds(30)).ToUnixTimeSeconds())),
        ["tenant configured for the client"] = s => TenantToken(s, SecuredService.Tenant),
        // The CRD Request Generator reads the clock separately for iat and exp (each floored to seconds): a day-long token
        // is 86,401 s when the two reads straddle a second.
        ["lifetime one second over the maximum (iat and exp rounded apart)"] = s => Signed(s, t => t.Set(t.Payload, "iat", (Now - TimeSpan.FromSeconds(10)).ToUnixTimeSeconds()).Set(t.Payload, "exp", (Now - TimeSpan.FromSeconds(10) + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)).ToUnixTimeSeconds())),
    };

    private static string Bearer(string token) => "Bearer " + token;

    private static string Signed(SecuredService s, Action<TestToken> bend)
    {
        var token = s.Token();
        bend(token);
        return token.SignWith(s.Es384);
    }

    private static string Unsigned(SecuredService s)
    {
        var token = s.Token();
        token.Header["alg"] = "none";
        return token.Unsigned();
    }

    private static string RsaAs(SecuredService s, string algorithm)
    {
        var token = s.Token(s.Rs384);
        token.Header["alg"] = algorithm;
        return token.SignWith(s.Rs384.SigningKey, algorithm);
    }

    /// <summary>The classic attack: the verifier's public key, which anyone can read, used as an HMAC secret.</summary>
    private static string Confused(SecuredService s, TestKey published, string hmac)
    {
        var token = s.Token(published);
        token.Header["alg"] = hmac;
        return token.SignWith(new SymmetricSecurityKey(Encoding.ASCII.GetBytes(published.PublicKeyPem)), hmac == "HS256" ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.HmacSha384);
    }

    private static string Altered(SecuredService s)
    {
        var parts = s.Token().SignWith(s.Es384).Split('.');
        var other = s.Token();
        other.Payload["aud"] = SecuredService.PublicBase + Fixtures.CdsApp.BesponsaService;
        other.Payload["iss"] = SecuredService.Issuer;
        other.Payload["jti"] = "forged-" + Guid.NewGuid();
        var forgedPayload = other.Unsigned().Split('.')[1];
        return $"{parts[0]}.{forgedPayload}.{parts[2]}";
    }

    private static string TenantToken(SecuredService s, string? tenant)
    {
        var token = s.Token(s.TenantKey, issuer: SecuredService.TenantIssuer, jku: false);
        token.Set(token.Payload, "tenant", tenant);
        return token.SignWith(s.TenantKey);
    }
}
