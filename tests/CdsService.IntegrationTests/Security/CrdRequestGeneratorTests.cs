using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Ehr;
using CdsService.IntegrationTests.Fixtures;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// The order-sign request the Da Vinci CRD Request Generator (commit 1a184da) really sent for pat-07's draft
/// Besponsa order, captured from Chromium (body only; the JWT was in the header and is not kept), replayed under
/// the README's Development settings for the generator with a token minted as the generator mints its own
/// (src/util/auth.js): a fresh RSA key whose kid is its RFC 7638 thumbprint, posted to a key registry named as
/// <c>jku</c>; RS256; <c>iss</c> the generator's EHR base URL; <c>exp = iat + 1 day</c>; a 128-character jti.
/// Its prefetch keys (<c>medicationRequestBundle</c>, <c>coverageBundle</c>) are not the service's, so the record
/// comes from the FHIR server (WireMock, serving scenario 07).
/// </summary>
public sealed class CrdRequestGeneratorTests : IDisposable
{
    private const string Scenario07 = "07-attestation-missing";

    private readonly FakeEhr _ehr = new FakeEhr().ServePrefetchOf(EhrRequests.Load(Scenario07));
    private readonly JwksServer _keyRegistry = new();
    private readonly RSA _pageKey = RSA.Create(2048);
    private readonly CdsApp _app;

    public CrdRequestGeneratorTests()
    {
        _app = new CdsApp()
            .With("Security:Algorithms:0", "ES384")
            .With("Security:Algorithms:1", "RS384")
            .With("Security:Algorithms:2", "RS256")
            .With("Security:MaxTokenLifetime", "1.00:00:00")
            .With("Security:Jwks:MinRefreshInterval", "00:00:00")
            .With("CdsClients:1:Issuer", _ehr.BaseUrl)
            .With("CdsClients:1:JwksUri", _keyRegistry.JwksUri.AbsoluteUri);
    }

    [Fact]
    public async Task The_captured_generator_request_gets_200_and_the_attestation_cards()
    {
        var kid = RegisterPageKey();
        var request = JsonNode.Parse(Examples.Read("tests/requests/crd-request-generator-order-sign.json"))!.AsObject();
        request["fhirServer"] = _ehr.BaseUrl;

        using var response = await PostAsync(request, GeneratorToken(kid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var summaries = body.RootElement.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("summary").GetString());
        Assert.Equal(["Prior authorization: 4 items need documentation", "Prescriber attestation needed: 4 items"], summaries);

        // The generator's own prefetch keys are not the service's: every record section was read from the server.
        Assert.Equal(9, _ehr.Requests.Count);

        // The order echoed back is plain R4: the generator's _resolvedMedication is gone.
        var order = body.RootElement.GetProperty("systemActions")[0].GetProperty("resource");
        Assert.Equal("mr-07-besponsa", order.GetProperty("id").GetString());
        Assert.False(order.TryGetProperty("_resolvedMedication", out _));
    }

    public void Dispose()
    {
        _app.Dispose();
        _keyRegistry.Dispose();
        _ehr.Dispose();
        _pageKey.Dispose();
    }

    /// <summary>What a page load does: publish the new public key, kid = its JWK thumbprint (as jsrsasign's getJWKthumbprint).</summary>
    private string RegisterPageKey()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_pageKey.ExportParameters(includePrivateParameters: false)));
        var kid = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        _keyRegistry.Publish(TestKey.JwksOf(new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["n"] = jwk.N,
            ["e"] = jwk.E,
            ["kid"] = kid,
            ["alg"] = "RS256",
            ["use"] = "sig",
        }));
        return kid;
    }

    private string GeneratorToken(string kid)
    {
        var token = new TestToken();
        token.Header["alg"] = "RS256";
        token.Header["typ"] = "JWT";
        token.Header["kid"] = kid;
        token.Header["jku"] = _keyRegistry.JwksUri.AbsoluteUri;
        token.Payload["iss"] = _ehr.BaseUrl;
        token.Payload["aud"] = "http://localhost" + CdsApp.BesponsaService;
        token.Payload["iat"] = CdsApp.Today.ToUnixTimeSeconds();
        token.Payload["exp"] = (CdsApp.Today + TimeSpan.FromDays(1)).ToUnixTimeSeconds();
        token.Payload["jti"] = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", 128);
        return token.SignWith(new RsaSecurityKey(_pageKey) { KeyId = kid }, SecurityAlgorithms.RsaSha256);
    }

    private async Task<HttpResponseMessage> PostAsync(JsonObject request, string token)
    {
        using var client = _app.CreateClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, CdsApp.BesponsaService)
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(message);
    }
}
