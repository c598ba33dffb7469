using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.IntegrationTests.Security;

/// <summary>A real key pair made for the test run, and its public JWK as a client would publish it.</summary>
internal sealed class TestKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;
    private readonly string _curve;

    private TestKey(string kid, string algorithm, AsymmetricAlgorithm key, SecurityKey signingKey, string curve = "")
    {
        _curve = curve;
        Kid = kid;
        Algorithm = algorithm;
        _key = key;
        SigningKey = signingKey;
    }

    public string Kid { get; }

    /// <summary>The algorithm the key is meant for; a token may still claim another in its header.</summary>
    public string Algorithm { get; }

    public SecurityKey SigningKey { get; }

    public static TestKey Ec(string kid, string algorithm = "ES384")
    {
        var (curve, crv) = algorithm switch
        {
            "ES256" => (ECCurve.NamedCurves.nistP256, "P-256"),
            "ES512" => (ECCurve.NamedCurves.nistP521, "P-521"),
            _ => (ECCurve.NamedCurves.nistP384, "P-384"),
        };
        var ec = ECDsa.Create(curve);
        return new TestKey(kid, algorithm, ec, new ECDsaSecurityKey(ec) { KeyId = kid }, crv);
    }

    public static TestKey Rsa(string kid, string algorithm = "RS384")
    {
        var rsa = RSA.Create(2048);
        return new TestKey(kid, algorithm, rsa, new RsaSecurityKey(rsa) { KeyId = kid });
    }

    /// <summary>The public key as PEM text: what an attacker who read the JWKS has, and uses as an HMAC secret.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    public Dictionary<string, string> PublicJwk()
    {
        var jwk = _key switch
        {
            ECDsa ec => EcJwk(ec.ExportParameters(includePrivateParameters: false), _curve),
            RSA rsa => RsaJwk(rsa.ExportParameters(includePrivateParameters: false)),
            _ => throw new NotSupportedException(),
        };
        jwk["kid"] = Kid;
        jwk["use"] = "sig";
        jwk["alg"] = Algorithm;
        return jwk;
    }

    public static string Jwks(params TestKey[] keys) => JwksOf([.. keys.Select(k => k.PublicJwk())]);

    public static string JwksOf(params Dictionary<string, string>[] jwks) => JsonSerializer.Serialize(new { keys = jwks });

    public void Dispose() => _key.Dispose();

    private static Dictionary<string, string> EcJwk(ECParameters p, string curve) => new()
    {
        ["kty"] = "EC",
        ["crv"] = curve,
        ["x"] = Base64UrlEncoder.Encode(p.Q.X),
        ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
    };

    private static Dictionary<string, string> RsaJwk(RSAParameters p) => new()
    {
        ["kty"] = "RSA",
        ["n"] = Base64UrlEncoder.Encode(p.Modulus),
        ["e"] = Base64UrlEncoder.Encode(p.Exponent),
    };
}
