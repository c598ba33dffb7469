using System.Net;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Security;

/// <summary>CDS Hooks §CORS, for the Sandbox in the Development profile: its origin, its headers, cached preflights.</summary>
public sealed class CorsTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    private const string Sandbox = "https://sandbox.cds-hooks.org";

    [Fact]
    public async Task A_preflight_from_the_Sandbox_is_answered_and_cacheable()
    {
        using var response = await PreflightAsync(Sandbox);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Sandbox, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var headers = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant();
        Assert.Contains("AUTHORIZATION", headers, StringComparison.Ordinal);
        Assert.Contains("CONTENT-TYPE", headers, StringComparison.Ordinal);
        Assert.Contains("POST", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Equal("600", Assert.Single(response.Headers.GetValues("Access-Control-Max-Age")));
    }

    [Fact]
    public async Task A_preflight_from_an_unlisted_origin_gets_no_CORS_permission()
    {
        using var response = await PreflightAsync("https://evil.example.org");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_Sandbox_can_read_a_hook_response()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CdsApp.BesponsaService)
        {
            Content = new StringContent(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", Sandbox);

        using var response = await fixture.App.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Sandbox, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, CdsApp.BesponsaService);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await fixture.App.CreateClient().SendAsync(request);
    }
}
