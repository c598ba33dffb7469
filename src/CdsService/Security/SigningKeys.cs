using Microsoft.IdentityModel.Tokens;

namespace CdsService.Security;

/// <summary>
/// Turns a client's JWK Set into the keys this service verifies with: public EC and RSA signing keys, each with a
/// <c>kid</c>. Symmetric (<c>oct</c>) keys never get through, so an HS* token can never find a key to verify with.
/// </summary>
internal static class SigningKeys
{
    private const int MinimumRsaBits = 2048;

    public static readonly IReadOnlySet<string> AsymmetricAlgorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    };

    /// <summary>The usable keys of a JWK Set, and a note for each key left out.</summary>
    public static ParsedJwks Parse(string json, IReadOnlyCollection<string> algorithms)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException)
        {
            return new ParsedJwks([], ["not a JSON Web Key Set"], HasPrivateKey: false);
        }
        catch (System.Text.Json.JsonException)
        {
            return new ParsedJwks([], ["not valid JSON"], HasPrivateKey: false);
        }

        var keys = new List<JsonWebKey>();
        var skipped = new List<string>();
        var hasPrivate = false;
        foreach (var key in set.Keys)
        {
            hasPrivate |= key.HasPrivateKey;
            var problem = Problem(key, algorithms);
            if (problem is null)
            {
                keys.Add(key);
            }
            else
            {
                skipped.Add($"key '{key.Kid}': {problem}");
            }
        }

        return new ParsedJwks(keys, skipped, hasPrivate);
    }

    /// <summary>Whether a key can verify a token signed with <paramref name="algorithm"/>.</summary>
    public static bool Fits(JsonWebKey key, string algorithm)
    {
        if (!string.IsNullOrEmpty(key.Alg) && !string.Equals(key.Alg, algorithm, StringComparison.Ordinal))
        {
            return false;
        }

        return algorithm switch
        {
            "ES256" => IsCurve(key, JsonWebKeyECTypes.P256),
            "ES384" => IsCurve(key, JsonWebKeyECTypes.P384),
            "ES512" => IsCurve(key, JsonWebKeyECTypes.P521),
            "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512" => key.Kty == JsonWebAlgorithmsKeyTypes.RSA,
            _ => false,
        };
    }

    private static bool IsCurve(JsonWebKey key, string curve) =>
        key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && key.Crv == curve;

    private static string? Problem(JsonWebKey key, IReadOnlyCollection<string> algorithms)
    {
        if (string.IsNullOrEmpty(key.Kid))
        {
            return "no kid";
        }

        if (!string.IsNullOrEmpty(key.Use) && key.Use != JsonWebKeyUseNames.Sig)
        {
            return $"use is '{key.Use}', not 'sig'";
        }

        if (key.HasPrivateKey)
        {
            return "contains private key material";
        }

        if (!string.IsNullOrEmpty(key.Alg) && !algorithms.Contains(key.Alg))
        {
            return $"alg '{key.Alg}' is not accepted";
        }

        return key.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.EllipticCurve when key.Crv is JsonWebKeyECTypes.P256 or JsonWebKeyECTypes.P384 or JsonWebKeyECTypes.P521
                && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y) => null,
            JsonWebAlgorithmsKeyTypes.EllipticCurve => "not a P-256, P-384 or P-521 public key",
            JsonWebAlgorithmsKeyTypes.RSA when !string.IsNullOrEmpty(key.E) && ModulusBits(key) >= MinimumRsaBits => null,
            JsonWebAlgorithmsKeyTypes.RSA => $"not an RSA public key of at least {MinimumRsaBits} bits",
            _ => $"key type '{key.Kty}' is not EC or RSA",
        };
    }

    private static int ModulusBits(JsonWebKey key) =>
        string.IsNullOrEmpty(key.N) ? 0 : Base64UrlEncoder.DecodeBytes(key.N).SkipWhile(b => b == 0).Count() * 8;
}

/// <param name="Keys">The keys usable for verification.</param>
/// <param name="Skipped">One note per key left out, or for a document that could not be read.</param>
/// <param name="HasPrivateKey">Whether any key carried private material: a client's secret was shared by mistake.</param>
internal sealed record ParsedJwks(IReadOnlyList<JsonWebKey> Keys, IReadOnlyList<string> Skipped, bool HasPrivateKey);
