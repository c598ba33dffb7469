using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// A JWT built field by field, shaped exactly like the CDS Hooks Sandbox's (header alg, typ, kid, jku; claims iss,
/// aud, exp, iat, jti), so each test can break one thing and leave the rest valid.
/// </summary>
internal sealed class TestToken
{
    public Dictionary<string, object?> Header { get; } = [];

    public Dictionary<string, object?> Payload { get; } = [];

    public static TestToken SandboxShaped(TestKey key, string issuer, string audience, Uri? jku, DateTimeOffset now)
    {
        var token = new TestToken();
        token.Header["alg"] = key.Algorithm;
        token.Header["typ"] = "JWT";
        token.Header["kid"] = key.Kid;
        if (jku is not null)
        {
            token.Header["jku"] = jku.AbsoluteUri;
        }

        token.Payload["iss"] = issuer;
        token.Payload["aud"] = audience;
        token.Payload["exp"] = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
        token.Payload["iat"] = now.ToUnixTimeSeconds();
        token.Payload["jti"] = Guid.NewGuid().ToString();
        return token;
    }

    public TestToken Set(Dictionary<string, object?> part, string name, object? value)
    {
        if (value is null)
        {
            part.Remove(name);
        }
        else
        {
            part[name] = value;
        }

        return this;
    }

    /// <summary>Signs with the key's own algorithm, whatever the header claims.</summary>
    public string SignWith(TestKey key) => SignWith(key.SigningKey, key.Algorithm);

    public string SignWith(SecurityKey key, string algorithm)
    {
        var input = SigningInput();
        var provider = CryptoProviderFactory.Default.CreateForSigning(key, algorithm);
        try
        {
            return input + "." + Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(input)));
        }
        finally
        {
            CryptoProviderFactory.Default.ReleaseSignatureProvider(provider);
        }
    }

    /// <summary>An unsecured JWT (RFC 7519 §6): empty signature.</summary>
    public string Unsigned() => SigningInput() + ".";

    private string SigningInput() =>
        Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(Header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(Payload));
}
