using System.Net;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// A developer wiring up a client (the CRD Request Generator, the Sandbox) needs to know why a token was refused:
/// Development answers the 401 with a ProblemDetails naming the reason code, never echoing the token; Production's
/// bare 401 is asserted rule by rule in <see cref="TokenRejectionTests"/>.
/// </summary>
public sealed class DevelopmentRefusalTests : IDisposable
{
    private readonly CdsApp _app = new();

    [Fact]
    public async Task A_refused_token_in_Development_gets_a_problem_naming_the_reason_and_not_the_token()
    {
        using var key = TestKey.Ec("44823f3d-0b01-4a6c-a80e-b9d3e8a7226f");
        var token = TestToken.SandboxShaped(key, "https://sandbox.cds-hooks.org", "http://localhost" + CdsApp.BesponsaService,
            new Uri("https://sandbox.cds-hooks.org/.well-known/jwks.json"), CdsApp.Today).SignWith(key);

        using var response = await SendAsync("Bearer " + token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("SignatureInvalid", problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[1], body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_token_in_Development_is_named_as_such()
    {
        using var response = await SendAsync("Bearer not-a-jwt");

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("TokenMalformed", problem.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_same_refusal_in_Production_is_a_bare_401()
    {
        using var service = new SecuredService();

        using var response = await service.CallAsync("Bearer not-a-jwt");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(response.Content.Headers.ContentType);
    }

    private async Task<HttpResponseMessage> SendAsync(string authorization)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, CdsApp.BesponsaService)
        {
            Content = new StringContent(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request);
    }

    public void Dispose() => _app.Dispose();
}
