using System.Net;
using System.Text.Json;

namespace CdsService.IntegrationTests.Security;

/// <summary>A token bucket per validated issuer (per remote IP when anonymous); 429 ProblemDetails past it.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly SecuredService _service = new(app => app
        .With("Security:RateLimit:PermitLimit", "2")
        .With("Security:RateLimit:Window", "01:00:00"));

    [Fact]
    public async Task A_client_over_its_limit_gets_429_ProblemDetails_while_another_client_is_unaffected()
    {
        using var first = await _service.CallWithTokenAsync(_service.Token().SignWith(_service.Es384));
        using var second = await _service.CallWithTokenAsync(_service.Token().SignWith(_service.Es384));
        using var third = await _service.CallWithTokenAsync(_service.Token().SignWith(_service.Es384));
        using var otherClient = await _service.CallWithTokenAsync(
            _service.Token(_service.InlineKey, issuer: SecuredService.InlineIssuer, jku: false).SignWith(_service.InlineKey));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await third.Content.ReadAsStringAsync());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(third.Headers.RetryAfter is not null, "Retry-After missing");
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }

    [Fact]
    public async Task Anonymous_calls_are_limited_per_remote_address_and_health_probes_never()
    {
        using var client = _service.Client();

        var fromFirst = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));
            fromFirst.Add(response.StatusCode);
        }

        _service.App.RemoteIp = IPAddress.Parse("203.0.113.7");
        using var fromSecond = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));
        _service.App.RemoteIp = IPAddress.Loopback;
        var probes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
            probes.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429], fromFirst);
        Assert.Equal(HttpStatusCode.OK, fromSecond.StatusCode);
        Assert.All(probes, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task A_client_that_accepts_only_html_gets_its_429_as_a_problem_not_a_500()
    {
        using var client = _service.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));
            statuses.Add(last.StatusCode);
        }

        using (last)
        {
            // The problem writer declines text/html; the refusal is still written as problem JSON.
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429], statuses);
            Assert.Equal("application/problem+json", last!.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await last.Content.ReadAsStringAsync());
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
            Assert.True(last.Headers.RetryAfter is not null, "Retry-After missing");
        }
    }

    public void Dispose() => _service.Dispose();
}
