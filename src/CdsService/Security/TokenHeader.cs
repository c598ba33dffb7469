using Microsoft.IdentityModel.JsonWebTokens;

namespace CdsService.Security;

/// <summary>
/// The checks made before any key is looked up or fetched (CDS Hooks §Trusting CDS Clients): a well-formed signed JWT,
/// <c>typ</c> JWT, an accepted asymmetric <c>alg</c>, an allowlisted <c>iss</c>, no <c>jku</c> other than the one
/// configured for that issuer, and a <c>kid</c>. Whatever fails here never causes a network call.
/// </summary>
internal static class TokenHeader
{
    /// <summary>Far above the ~600 bytes a CDS client's JWT takes; bounds the work a junk header can cause.</summary>
    private const int MaxTokenLength = 8 * 1024;

    public static bool TryReadBearer(HttpRequest request, out string token)
    {
        token = "";
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header)
        {
            return false;
        }

        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header[scheme.Length..].Trim();
        return token.Length > 0;
    }

    public static TokenHeaderResult Check(string raw, TrustedClients clients, IReadOnlyCollection<string> algorithms)
    {
        if (raw.Length > MaxTokenLength || !TryParse(raw, out var jwt) || jwt.IsEncrypted || jwt.TryGetHeaderValue<object>("crit", out _))
        {
            // "crit" names header extensions the verifier must understand (RFC 7515 §4.1.11); this one understands none.
            return TokenHeaderResult.Reject(RejectionReason.TokenMalformed);
        }

        if (!string.Equals(jwt.Typ, "JWT", StringComparison.Ordinal))
        {
            return TokenHeaderResult.Reject(RejectionReason.TypInvalid);
        }

        if (!algorithms.Contains(jwt.Alg) || !SigningKeys.AsymmetricAlgorithms.Contains(jwt.Alg))
        {
            return TokenHeaderResult.Reject(RejectionReason.AlgRejected);
        }

        if (clients.Find(ReadIssuer(jwt)) is not { } client)
        {
            return TokenHeaderResult.Reject(RejectionReason.IssUntrusted);
        }

        if (jwt.TryGetHeaderValue<object>("jku", out _)
            && !(jwt.TryGetHeaderValue<string>("jku", out var jku) && client.AcceptsJku(jku)))
        {
            return TokenHeaderResult.Reject(RejectionReason.JkuUntrusted, client);
        }

        return string.IsNullOrEmpty(jwt.Kid)
            ? TokenHeaderResult.Reject(RejectionReason.KidMissing, client)
            : new TokenHeaderResult(null, client, jwt.Kid, jwt.Alg);
    }

    private static bool TryParse(string raw, out JsonWebToken jwt)
    {
        try
        {
            jwt = new JsonWebToken(raw);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or FormatException)
        {
            jwt = null!;
            return false;
        }
    }

    private static string? ReadIssuer(JsonWebToken jwt) =>
        jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Iss, out var issuer) ? issuer : null;
}

/// <summary>The outcome of <see cref="TokenHeader.Check"/>: a rejection, or the client and the key id and algorithm to verify with.</summary>
internal sealed record TokenHeaderResult(RejectionReason? Rejection, TrustedClient? Client, string Kid, string Algorithm)
{
    public static TokenHeaderResult Reject(RejectionReason reason, TrustedClient? client = null) => new(reason, client, "", "");
}
