using System.Net;
using CdsService.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// The Development profile behind <c>dotnet run</c>: anonymous calls from loopback only, any token still validated,
/// the CDS Hooks Sandbox trusted, and a loud warning at start-up.
/// </summary>
public sealed class DevelopmentProfileTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly CdsApp _app;

    public DevelopmentProfileTests() =>
        _app = new CdsApp().WithServices(services => services.AddSingleton<ILogEventSink>(_logs));

    public static TheoryData<string?, HttpStatusCode> Callers() => new()
    {
        { "127.0.0.1", HttpStatusCode.OK },
        { "::1", HttpStatusCode.OK },
        { "::ffff:127.0.0.1", HttpStatusCode.OK },
        { "203.0.113.9", HttpStatusCode.Unauthorized },
        { "192.168.1.20", HttpStatusCode.Unauthorized },
        { null, HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Anonymous_calls_are_accepted_from_loopback_only(string? remoteAddress, HttpStatusCode expected)
    {
        _app.RemoteIp = remoteAddress is null ? null : IPAddress.Parse(remoteAddress);

        using var response = await _app.PostJsonAsync(CdsApp.BesponsaService, Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_token_sent_from_loopback_is_still_validated()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, CdsApp.BesponsaService)
        {
            Content = new StringContent(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer not-a-jwt");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_Sandbox_is_a_trusted_client_with_its_published_key()
    {
        // Signed by a key that is not the Sandbox's, but otherwise exactly the Sandbox's token: the service must get as far
        // as the signature, which shows it knows the issuer, accepts its jku and has its kid (from the JWKS file, no fetch).
        using var notTheSandboxKey = TestKey.Ec("44823f3d-0b01-4a6c-a80e-b9d3e8a7226f");
        var token = TestToken.SandboxShaped(
            notTheSandboxKey,
            "https://sandbox.cds-hooks.org",
            "http://localhost" + CdsApp.BesponsaService,
            new Uri("https://sandbox.cds-hooks.org/.well-known/jwks.json"),
            CdsApp.Today);
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, CdsApp.BesponsaService)
        {
            Content = new StringContent(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer " + token.SignWith(notTheSandboxKey));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("SignatureInvalid", Assert.Single(_logs.Reasons));
    }

    [Fact]
    public void Start_up_warns_loudly_that_anonymous_loopback_calls_are_accepted()
    {
        using var client = _app.CreateClient();

        Assert.Contains(_logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning
            && e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("WITHOUT a JWT", StringComparison.Ordinal));
    }

    public void Dispose() => _app.Dispose();
}
