using System.Net;
using CdsService.IntegrationTests.Fixtures;
using CdsService.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CdsService.IntegrationTests.Security;

/// <summary>CDS Hooks: <c>jti</c> is a nonce; a token is good for one call.</summary>
public sealed class ReplayTests(SecuredService service) : IClassFixture<SecuredService>
{
    [Fact]
    public async Task A_replayed_token_is_refused_the_second_time()
    {
        var token = service.Token().SignWith(service.Es384);

        using var first = await service.CallWithTokenAsync(token);
        using var second = await service.CallWithTokenAsync(token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal("JtiReplayed", service.Logs.Reasons[^1]);
    }

    [Fact]
    public async Task Copies_of_a_token_sent_at_once_get_through_only_once()
    {
        var token = service.Token().SignWith(service.Es384);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => service.CallWithTokenAsync(token)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_jti_is_remembered_per_issuer()
    {
        var shared = Guid.NewGuid().ToString();
        var ehr = service.Token();
        ehr.Payload["jti"] = shared;
        var other = service.Token(service.InlineKey, issuer: SecuredService.InlineIssuer, jku: false);
        other.Payload["jti"] = shared;

        using var first = await service.CallWithTokenAsync(ehr.SignWith(service.Es384));
        using var second = await service.CallWithTokenAsync(other.SignWith(service.InlineKey));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task An_open_endpoint_does_not_read_the_token_or_spend_its_jti()
    {
        var token = service.Token(path: "/cds-services");
        using var client = service.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Add("Authorization", "Bearer " + token.SignWith(service.Es384));

        using var response = await client.SendAsync(request);
        var replays = service.App.Services.GetRequiredService<ReplayCache>();
        var unspent = await replays.TryClaimAsync(SecuredService.Issuer, (string)token.Payload["jti"]!, CdsApp.Today.AddMinutes(5), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(unspent, "open discovery validated the token and spent its jti");
    }
}
