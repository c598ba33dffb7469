using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DevToken;

/// <summary>
/// A stand-in CDS client for local testing: an ES384 key kept in a PEM file, its public JWKS, and tokens shaped like the
/// CDS Hooks Sandbox's (header alg, typ, kid; claims iss, aud, exp, iat, jti).
/// </summary>
internal sealed class DevTokenMinter : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly ECDsa _key;

    private DevTokenMinter(ECDsa key, string issuer)
    {
        _key = key;
        Issuer = issuer;

        // The RFC 7638 thumbprint: the same key always gets the same kid, so a JWKS registered once stays valid.
        using var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicKey)).ComputeJwkThumbprint());
    }

    public string Issuer { get; }

    public string KeyId { get; }

    /// <summary>Loads the P-384 key in <paramref name="keyFile"/> (PKCS#8 PEM), creating it, readable by its owner only, on first use.</summary>
    public static DevTokenMinter LoadOrCreate(string keyFile, string issuer)
    {
        var key = ECDsa.Create();
        if (File.Exists(keyFile))
        {
            key.ImportFromPem(File.ReadAllText(keyFile));
        }
        else
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP384);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        if (key.KeySize != 384)
        {
            key.Dispose();
            throw new InvalidOperationException($"{keyFile} does not hold a P-384 key.");
        }

        return new DevTokenMinter(key, issuer);
    }

    /// <summary>The public JWKS to register with the service (<c>CdsClients:N:JwksFile</c>).</summary>
    public string PublicJwks()
    {
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-384",
            ["use"] = "sig",
            ["alg"] = "ES384",
            ["kid"] = KeyId,
            ["x"] = Base64UrlEncoder.Encode(point.X),
            ["y"] = Base64UrlEncoder.Encode(point.Y),
        };
        return JsonSerializer.Serialize(new { keys = new[] { jwk } }, Indented);
    }

    /// <summary>A signed token for one call to <paramref name="audience"/>, the exact URL of the endpoint invoked.</summary>
    public string Mint(string audience, DateTimeOffset now, TimeSpan lifetime)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "JWT",
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString() },
            SigningCredentials = new SigningCredentials(
                // IdentityModel would otherwise cache a signer per key thumbprint, outliving this instance's ECDsa.
                new ECDsaSecurityKey(_key) { KeyId = KeyId, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } },
                SecurityAlgorithms.EcdsaSha384),
        });
    }

    public void Dispose() => _key.Dispose();
}
