using System.Net;
using System.Text.Json.Nodes;
using CdsService.CdsHooks;
using CdsService.IntegrationTests.Fixtures;
using CdsService.PatientRecords;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CdsService.IntegrationTests.Security;

/// <summary>The surface around the hooks: headers, HTTPS, body size, time limit and health probes.</summary>
public sealed class HardeningTests(SecuredService service) : IClassFixture<SecuredService>
{
    public static TheoryData<string> Responses() => ["200 hook response", "401 refusal", "404 ProblemDetails"];

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_security_headers_and_hook_responses_are_not_stored(string kind)
    {
        using var response = kind switch
        {
            "200 hook response" => await service.CallWithTokenAsync(service.Token().SignWith(service.Es384)),
            "401 refusal" => await service.CallAsync(null),
            _ => await service.CallWithTokenAsync(service.Token(path: "/cds-services/no-such-service").SignWith(service.Es384), "/cds-services/no-such-service"),
        };

        Assert.Equal(kind[..3], ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.StartsWith("default-src 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store missing");
    }

    [Fact]
    public async Task Production_sends_HSTS_over_https_and_redirects_plain_http()
    {
        using var client = service.Client();
        using var https = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var plain = await client.GetAsync(new Uri("http://cds.example.org/cds-services"));

        Assert.StartsWith("max-age=31536000", Header(https, "Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal(new Uri("https://cds.example.org/cds-services"), plain.Headers.Location);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_probes_answer_Healthy_in_plain_text_without_a_token(string path)
    {
        using var client = service.Client();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_body_limit_is_Kestrels_too_and_a_larger_body_gets_413()
    {
        using var small = new SecuredService(app => app.With("Cds:MaxRequestBodyBytes", "4096"));

        using var response = await small.CallWithTokenAsync(small.Token().SignWith(small.Es384));

        Assert.Equal(4096, small.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_request_that_outlasts_the_timeout_gets_504()
    {
        // A prefetch gap sends the service to the EHR's FHIR server, which here never answers.
        using var app = new CdsApp()
            .With("Security:RequestTimeout", "00:00:00.500")
            .WithServices(services => services.Replace(ServiceDescriptor.Singleton<IEhrDataSource, SilentEhr>()));
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!;
        request["prefetch"]!.AsObject().Remove("conditions");

        using var response = await app.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task Development_sends_no_HSTS_and_does_not_redirect()
    {
        using var app = new CdsApp().With("https_port", "443");

        using var response = await app.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private sealed class SilentEhr : IEhrDataSource
    {
        public async Task<EhrFetchResult> FetchAsync(HookRequest request, IReadOnlyList<RecordSection> sections, CdsService.Fhir.ElementNames? unread, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
