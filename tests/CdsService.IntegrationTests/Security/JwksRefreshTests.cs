using System.Net;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// Keys published at the client's JwksUri: fetched when needed, refreshed when an unknown kid arrives (so rotation
/// works), but rate-limited and bounded in time, so made-up kids and a slow key server cannot be turned on the service.
/// </summary>
public sealed class JwksRefreshTests
{
    [Fact]
    public async Task A_rotated_key_is_picked_up_after_a_JWKS_refresh_and_the_withdrawn_one_stops_working()
    {
        using var service = new SecuredService(app => app.With("Security:Jwks:MinRefreshInterval", "00:00:00"));
        using var rotated = TestKey.Ec("ehr-es384-next");

        using var before = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));
        service.Jwks.Publish(TestKey.Jwks(rotated, service.Rs384));
        using var after = await service.CallWithTokenAsync(service.Token(rotated).SignWith(rotated));
        using var withdrawn = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withdrawn.StatusCode);
        Assert.Equal("KidUnknown", service.Logs.Reasons[^1]);
        Assert.Equal(3, service.Jwks.JwksRequests);
    }

    [Fact]
    public async Task Unknown_kids_do_not_trigger_fetches_more_often_than_the_minimum_interval()
    {
        // The test clock stands still, so the default 30 s interval never elapses.
        using var service = new SecuredService();

        using var known = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));
        for (var i = 0; i < 3; i++)
        {
            var token = service.Token();
            token.Header["kid"] = $"made-up-{i}";
            using var response = await service.CallWithTokenAsync(token.SignWith(service.Es384));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(1, service.Jwks.JwksRequests);
    }

    [Fact]
    public async Task A_key_server_slower_than_the_fetch_timeout_fails_closed_and_a_later_fetch_recovers()
    {
        using var service = new SecuredService(app => app
            .With("Security:Jwks:FetchTimeout", "00:00:00.300")
            .With("Security:Jwks:MinRefreshInterval", "00:00:00"));
        service.Jwks.Publish(TestKey.Jwks(service.Es384), delay: TimeSpan.FromSeconds(3));

        using var slow = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));
        service.Jwks.Publish(TestKey.Jwks(service.Es384));
        using var recovered = await service.CallWithTokenAsync(service.Token().SignWith(service.Es384));

        Assert.Equal(HttpStatusCode.Unauthorized, slow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }
}
