using System.Net;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// CDS Hooks §Trusting CDS Clients, rule by rule: each broken token gets a bare 401 (no body, no error description)
/// and the service logs the specific reason, never the token; tokens inside the rules get through.
/// </summary>
public sealed class TokenRejectionTests(SecuredService service) : IClassFixture<SecuredService>
{
    public static TheoryData<string> Rejected() => [.. TokenVariants.Rejected.Keys];

    public static TheoryData<string> Accepted() => [.. TokenVariants.Accepted.Keys];

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task A_token_breaking_a_rule_gets_a_bare_401_and_its_reason_is_logged(string variant)
    {
        var (authorization, reason) = TokenVariants.Rejected[variant];
        var header = authorization(service);
        var logged = service.Logs.Reasons.Count;

        using var response = await service.CallAsync(header);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        Assert.Equal(reason, Assert.Single(service.Logs.Reasons.Skip(logged)));
        if (header is not null)
        {
            Assert.DoesNotContain(header["Bearer ".Length..].Trim() is { Length: > 10 } token ? token : "\u0000", service.Logs.AllText(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task A_token_within_the_rules_is_accepted(string variant)
    {
        using var response = await service.CallWithTokenAsync(TokenVariants.Accepted[variant](service));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_jku_not_listed_for_the_issuer_is_never_fetched()
    {
        var token = service.Token();
        token.Header["jku"] = service.Jwks.UnlistedUri.AbsoluteUri;
        token.Header["kid"] = "a-kid-only-the-attacker-has";

        using var response = await service.CallWithTokenAsync(token.SignWith(service.Es384));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, service.Jwks.Requests(service.Jwks.UnlistedUri.AbsolutePath));
    }
}
