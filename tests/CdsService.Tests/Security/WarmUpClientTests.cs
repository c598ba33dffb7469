using CdsService.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.Tests.Security;

/// <summary>The warm-up's own client: CDS Hooks-shaped tokens under a random issuer, worthless once it is retired.</summary>
public sealed class WarmUpClientTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
    private const string Audience = "https://cds.example.org/cds-services/besponsa-prior-auth";

    [Fact]
    public async Task Its_token_is_an_ES384_JWT_for_one_audience_with_a_jti_and_a_one_minute_lifetime()
    {
        using var client = Client(new SecurityOptions());

        var raw = client.CreateToken(Audience)!;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(raw, new TokenValidationParameters
        {
            ValidIssuer = client.Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = client.PublicKeys,
            ValidateLifetime = false,
        });
        var token = (JsonWebToken)result.SecurityToken;

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("ES384", token.Alg);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal(Assert.Single(client.PublicKeys).Kid, token.Kid);
        Assert.StartsWith("urn:uuid:", client.Issuer, StringComparison.Ordinal);
        Assert.Equal(Now.UtcDateTime, token.IssuedAt);
        Assert.Equal(TimeSpan.FromMinutes(1), token.ValidTo - token.IssuedAt);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.NotEqual(token.Id, new JsonWebToken(client.CreateToken(Audience)!).Id);
        Assert.False(Assert.Single(client.PublicKeys).HasPrivateKey);
    }

    [Fact]
    public void Each_process_gets_its_own_issuer_and_key()
    {
        using var one = Client(new SecurityOptions());
        using var other = Client(new SecurityOptions());

        Assert.NotEqual(one.Issuer, other.Issuer);
        Assert.NotEqual(one.PublicKeys[0].X, other.PublicKeys[0].X);
    }

    [Fact]
    public void Once_retired_it_signs_nothing_and_offers_no_key()
    {
        using var client = Client(new SecurityOptions());

        client.Retire();

        Assert.True(client.IsRetired);
        Assert.Empty(client.PublicKeys);
        Assert.Null(client.CreateToken(Audience));
    }

    [Fact]
    public void A_deployment_that_does_not_accept_ES384_gets_no_warm_up_client()
    {
        using var client = Client(new SecurityOptions { Algorithms = ["RS256"] });

        Assert.Empty(client.PublicKeys);
        Assert.Null(client.CreateToken(Audience));
    }

    private static WarmUpClient Client(SecurityOptions security) =>
        new(Options.Create(security), new FixedTime(Now));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
