using System.Net;

namespace CdsService.IntegrationTests.Security;

/// <summary>Refused tokens are limited per remote address, before the signature is verified.</summary>
public sealed class FailedAuthenticationThrottleTests : IDisposable
{
    private readonly SecuredService _service = new(app => app
        .With("Security:FailedAuthentication:PermitLimit", "3")
        .With("Security:FailedAuthentication:Window", "01:00:00"));

    [Fact]
    public async Task An_address_past_its_failures_gets_429_without_its_token_being_checked_and_another_address_is_unaffected()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            // Signed by a key the client never published: each one costs a signature verify while it is allowed.
            using var response = await _service.CallWithTokenAsync(_service.Token().SignWith(_service.Impostor));
            statuses.Add(response.StatusCode);
        }

        // Even a valid token from that address is refused while its failures last.
        using var valid = await _service.CallWithTokenAsync(_service.Token().SignWith(_service.Es384));
        _service.App.RemoteIp = IPAddress.Parse("192.0.2.7");
        using var elsewhere = await _service.CallWithTokenAsync(_service.Token().SignWith(_service.Impostor));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, (HttpStatusCode)429, (HttpStatusCode)429], statuses);
        Assert.Equal((HttpStatusCode)429, valid.StatusCode);
        Assert.True(valid.Headers.RetryAfter is not null, "Retry-After missing");
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
        // Three verifies from the first address, one from the other: the refused ones were never verified.
        Assert.Equal(4, _service.Logs.Reasons.Count(r => r == "SignatureInvalid"));
        Assert.Contains("TooManyFailures", _service.Logs.Reasons);
    }

    public void Dispose() => _service.Dispose();
}
