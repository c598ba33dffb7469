using System.Net.Http.Headers;
using System.Text;
using CdsService.IntegrationTests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// The service in its Production profile behind https://cds.example.org, trusting three test EHRs: one publishing its
/// keys at a JWKS URL (WireMock), one whose JWKS is configured inline, one (by file) restricted to a tenant.
/// The https port is known, as behind a real TLS endpoint, so plain http is redirected.
/// </summary>
public sealed class SecuredService : IDisposable
{
    public const string PublicBase = "https://cds.example.org";
    public const string Issuer = "https://ehr.example.org";
    public const string InlineIssuer = "https://inline-ehr.example.org";
    public const string TenantIssuer = "https://tenant-ehr.example.org";
    public const string Tenant = "tenant-a";

    private readonly string _jwksFile = Path.Combine(Path.GetTempPath(), $"cds-test-jwks-{Guid.NewGuid():N}.json");

    public SecuredService()
        : this(_ => { })
    {
    }

    internal SecuredService(Action<CdsApp> configure)
    {
        Jwks.Publish(TestKey.Jwks(Es384, Rs384, Es256));
        File.WriteAllText(_jwksFile, TestKey.Jwks(TenantKey));
        App = new CdsApp("Production")
            .With("Cds:PublicBaseUrl", PublicBase)
            .With("https_port", "443")
            .With("CdsClients:0:Issuer", Issuer)
            .With("CdsClients:0:JwksUri", Jwks.JwksUri.AbsoluteUri)
            .With("CdsClients:1:Issuer", InlineIssuer)
            .With("CdsClients:1:Jwks", TestKey.Jwks(InlineKey))
            .With("CdsClients:2:Issuer", TenantIssuer)
            .With("CdsClients:2:JwksFile", _jwksFile)
            .With("CdsClients:2:Tenants:0", Tenant)

            // These tests send many refused tokens from one address on purpose; the throttle has its own test.
            .With("Security:FailedAuthentication:PermitLimit", "100000")
            .WithServices(services => services.AddSingleton<ILogEventSink>(Logs));
        configure(App);
    }

    internal JwksServer Jwks { get; } = new();

    internal LogCapture Logs { get; } = new();

    internal TestKey Es384 { get; } = TestKey.Ec("ehr-es384");

    internal TestKey Rs384 { get; } = TestKey.Rsa("ehr-rs384");

    /// <summary>Published by the EHR, but ES256 is not among the accepted algorithms by default.</summary>
    internal TestKey Es256 { get; } = TestKey.Ec("ehr-es256", "ES256");

    internal TestKey InlineKey { get; } = TestKey.Ec("inline-es384");

    internal TestKey TenantKey { get; } = TestKey.Ec("tenant-es384");

    /// <summary>Someone else's key, claiming the EHR's kid.</summary>
    internal TestKey Impostor { get; } = TestKey.Ec("ehr-es384");

    internal CdsApp App { get; }

    /// <summary>A valid token from the JWKS-URL EHR for <paramref name="path"/>, to be bent by the test.</summary>
    internal TestToken Token(TestKey? key = null, string path = CdsApp.BesponsaService, string issuer = Issuer, bool jku = true) =>
        TestToken.SandboxShaped(key ?? Es384, issuer, PublicBase + path, jku ? Jwks.JwksUri : null, CdsApp.Today);

    public HttpClient Client() =>
        App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(PublicBase), AllowAutoRedirect = false });

    /// <summary>POSTs a hook request (scenario 05 unless given) with the Authorization header value given, if any.</summary>
    public async Task<HttpResponseMessage> CallAsync(string? authorization, string path = CdsApp.BesponsaService, string? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body ?? Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var client = Client();
        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> CallWithTokenAsync(string token, string path = CdsApp.BesponsaService, string? body = null) =>
        CallAsync(new AuthenticationHeaderValue("Bearer", token).ToString(), path, body);

    public void Dispose()
    {
        App.Dispose();
        Jwks.Dispose();
        foreach (var key in new[] { Es384, Rs384, Es256, InlineKey, TenantKey, Impostor })
        {
            key.Dispose();
        }

        File.Delete(_jwksFile);
    }
}
