using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CdsService.Security;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.Tests.Security;

/// <summary>Only public EC and RSA signing keys with a kid are ever used to verify; anything else is left out, with a note.</summary>
public sealed class SigningKeysTests
{
    private static readonly string[] Accepted = ["ES384", "RS384"];

    [Fact]
    public void The_Sandbox_JWKS_yields_its_one_P384_key_fit_for_ES384_only()
    {
        var parsed = SigningKeys.Parse(SandboxJwks().ToJsonString(), Accepted);

        var key = Assert.Single(parsed.Keys);
        Assert.Equal("44823f3d-0b01-4a6c-a80e-b9d3e8a7226f", key.Kid);
        Assert.True(SigningKeys.Fits(key, "ES384"));
        Assert.False(SigningKeys.Fits(key, "ES256"));
        Assert.False(SigningKeys.Fits(key, "RS384"));
        Assert.False(SigningKeys.Fits(key, "HS384"));
        Assert.False(SigningKeys.Fits(key, "none"));
    }

    public static TheoryData<string, string> Unusable() => new()
    {
        { "symmetric", "key type 'oct'" },
        { "encryption key", "use is 'enc'" },
        { "no kid", "no kid" },
        { "alg not accepted", "alg 'ES256' is not accepted" },
        { "RSA 1024", "at least 2048 bits" },
        { "private key", "contains private key material" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Unusable_keys_are_left_out_with_a_reason(string variant, string reason)
    {
        var jwks = SandboxJwks();
        var key = jwks["keys"]![0]!.AsObject();
        switch (variant)
        {
            case "symmetric":
                key.Clear();
                key["kty"] = "oct";
                key["kid"] = "h";
                key["k"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
                break;
            case "encryption key":
                key["use"] = "enc";
                break;
            case "no kid":
                key.Remove("kid");
                break;
            case "alg not accepted":
                key["alg"] = "ES256";
                break;
            case "RSA 1024":
                using (var rsa = RSA.Create(1024))
                {
                    var p = rsa.ExportParameters(includePrivateParameters: false);
                    key.Clear();
                    key["kty"] = "RSA";
                    key["kid"] = "small";
                    key["n"] = Base64UrlEncoder.Encode(p.Modulus);
                    key["e"] = Base64UrlEncoder.Encode(p.Exponent);
                }

                break;
            case "private key":
                key["d"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(48));
                break;
        }

        var parsed = SigningKeys.Parse(jwks.ToJsonString(), Accepted);

        Assert.Empty(parsed.Keys);
        Assert.Contains(reason, Assert.Single(parsed.Skipped), StringComparison.Ordinal);
        Assert.Equal(variant == "private key", parsed.HasPrivateKey);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"keys":"none"}""")]
    public void A_document_that_is_not_a_JWKS_gives_no_keys(string json)
    {
        var parsed = SigningKeys.Parse(json, Accepted);

        Assert.Empty(parsed.Keys);
        Assert.NotEmpty(parsed.Skipped);
    }

    private static JsonNode SandboxJwks() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Security", "sandbox-jwks.json")))!;
}
