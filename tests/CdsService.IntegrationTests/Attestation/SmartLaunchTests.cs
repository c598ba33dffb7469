using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CdsService.IntegrationTests.Ehr;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// The attestation form as a SMART App Launch app, against an EHR (WireMock) that is both the FHIR server and its
/// authorization server: the card's smart link, the launch's checks of iss, the state and its cookie, PKCE, the
/// token's patient, and the write with the bearer token that the page never shows.
/// </summary>
public sealed partial class SmartLaunchTests : IDisposable
{
    private const string SmartToken = "smart-secret-token-4711";
    private readonly FakeEhr _ehr = new();
    private readonly CdsApp _app = new();

    public SmartLaunchTests()
    {
        _app.With("Attestation:Smart:Enabled", "true").With("Attestation:Smart:ClientId", "cds-attestation");
        SmartEhr.ServeConfiguration(_ehr);
        _ehr.Server.Given(Request.Create().WithPath($"{FakeEhr.BasePath}/QuestionnaireResponse").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", FakeEhr.FhirJson).WithBody("{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"qr-1\"}"));
    }

    [Fact]
    public async Task A_smart_launch_writes_the_response_with_the_bearer_token_and_the_link_is_then_used_up()
    {
        Token(200, new { access_token = SmartToken, token_type = "Bearer", expires_in = 300, patient = "pat-07", scope = "launch patient/QuestionnaireResponse.c" });
        var (launchUrl, appContext) = await SmartLinkAsync();
        Assert.Contains("/attestation/smart/launch/", launchUrl, StringComparison.Ordinal);
        Assert.EndsWith(appContext!, launchUrl, StringComparison.Ordinal);
        using var browser = Browser();

        using var launch = await browser.GetAsync(Launch(launchUrl, _ehr.BaseUrl));
        Assert.Equal(HttpStatusCode.Redirect, launch.StatusCode);
        var authorize = QueryHelpers.ParseQuery(launch.Headers.Location!.Query);
        Assert.StartsWith(_ehr.Server.Url + "/auth/authorize", launch.Headers.Location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("code", authorize["response_type"]);
        Assert.Equal("cds-attestation", authorize["client_id"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Equal(_ehr.BaseUrl, authorize["aud"]);
        Assert.Equal("launch-1", authorize["launch"]);
        Assert.Equal("http://localhost/attestation/smart/callback", authorize["redirect_uri"]);
        var cookie = Assert.Single(launch.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        using var callback = await browser.GetAsync(new Uri($"/attestation/smart/callback?code=code-1&state={Uri.EscapeDataString(authorize["state"]!)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var exchange = QueryHelpers.ParseQuery(TokenRequests().Single().Body);
        Assert.Equal("authorization_code", exchange["grant_type"]);
        Assert.Equal("code-1", exchange["code"]);
        Assert.Equal(authorize["code_challenge"], Challenge(exchange["code_verifier"]!));

        var form = await browser.GetStringAsync(callback.Headers.Location);
        Assert.DoesNotContain(SmartToken, form, StringComparison.Ordinal);
        Assert.DoesNotContain(SmartToken, cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(SmartToken, callback.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var submitted = await browser.PostAsync(callback.Headers.Location, Answers(Nonce().Match(form).Groups[1].Value));
        var done = await submitted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Contains("Saved to the patient's record in the EHR", done, StringComparison.Ordinal);
        Assert.DoesNotContain(SmartToken, done, StringComparison.Ordinal);
        var write = Assert.Single(_ehr.Requests, r => r.Method == "POST" && r.Path.EndsWith("/QuestionnaireResponse", StringComparison.Ordinal));
        Assert.Equal($"Bearer {SmartToken}", write.Headers!["Authorization"].Single());
        using var again = await browser.GetAsync(Launch(launchUrl, _ehr.BaseUrl));
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
    }

    [Fact]
    public async Task A_callback_without_its_state_or_from_another_browser_is_refused_and_exchanges_nothing()
    {
        Token(200, new { access_token = SmartToken, token_type = "Bearer", patient = "pat-07" });
        var (launchUrl, _) = await SmartLinkAsync();
        using var browser = Browser();
        using var launch = await browser.GetAsync(Launch(launchUrl, _ehr.BaseUrl));
        var state = QueryHelpers.ParseQuery(launch.Headers.Location!.Query)["state"]!.ToString();

        using var noState = await browser.GetAsync(new Uri("/attestation/smart/callback?code=code-1", UriKind.Relative));
        using var badState = await browser.GetAsync(new Uri("/attestation/smart/callback?code=code-1&state=forged", UriKind.Relative));
        using var otherBrowser = Browser();
        using var noCookie = await otherBrowser.GetAsync(new Uri($"/attestation/smart/callback?code=code-1&state={Uri.EscapeDataString(state)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, noState.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noCookie.StatusCode);
        Assert.Contains("Sign-in not verified", await noCookie.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(TokenRequests());
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/fhir/r4")]
    [InlineData("https://ehr.example.org/fhir")]
    public async Task A_launch_from_another_server_than_the_orders_is_refused(string iss)
    {
        var (launchUrl, _) = await SmartLinkAsync();
        using var browser = Browser();

        using var launch = await browser.GetAsync(Launch(launchUrl, iss));

        Assert.Equal(HttpStatusCode.BadRequest, launch.StatusCode);
        Assert.DoesNotContain(_ehr.Requests, r => r.Path.Contains("smart-configuration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_for_another_patient_is_refused()
    {
        Token(200, new { access_token = SmartToken, token_type = "Bearer", patient = "someone-else" });
        var (status, page) = await CallbackAsync();

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("different patient", page, StringComparison.Ordinal);
        Assert.DoesNotContain(SmartToken, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_token_endpoint_gives_a_page_that_says_so()
    {
        Token(500, new { error = "server_error" });
        var (status, page) = await CallbackAsync();

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("EHR sign-in unavailable", page, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Page)> CallbackAsync()
    {
        var (launchUrl, _) = await SmartLinkAsync();
        using var browser = Browser();
        using var launch = await browser.GetAsync(Launch(launchUrl, _ehr.BaseUrl));
        var state = QueryHelpers.ParseQuery(launch.Headers.Location!.Query)["state"]!.ToString();
        using var callback = await browser.GetAsync(new Uri($"/attestation/smart/callback?code=code-1&state={Uri.EscapeDataString(state)}", UriKind.Relative));
        return (callback.StatusCode, await callback.Content.ReadAsStringAsync());
    }

    private void Token(int status, object body) =>
        _ehr.Server.Given(Request.Create().WithPath("/auth/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body)));

    private List<WireMock.IRequestMessage> TokenRequests() => [.. _ehr.Requests.Where(r => r.Path == "/auth/token")];

    private HttpClient Browser() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static Uri Launch(string launchUrl, string iss) => new($"{launchUrl}?iss={Uri.EscapeDataString(iss)}&launch=launch-1");

    private async Task<(string Url, string? AppContext)> SmartLinkAsync()
    {
        var request = JsonNode.Parse(Scenario.Load("07-attestation-missing").Request)!.AsObject();
        request["hookInstance"] = Guid.NewGuid().ToString();
        request["fhirServer"] = _ehr.BaseUrl;
        using var response = await _app.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var link = body.RootElement.GetProperty("cards").EnumerateArray()
            .SelectMany(c => c.TryGetProperty("links", out var l) ? l.EnumerateArray() : [])
            .First(l => l.GetProperty("type").GetString() == "smart");
        return (link.GetProperty("url").GetString()!, link.TryGetProperty("appContext", out var context) ? context.GetString() : null);
    }

    private static FormUrlEncodedContent Answers(string nonce) => new(new Dictionary<string, string>
    {
        ["__form"] = nonce, ["b-precursor-lineage"] = "true", ["cd22-positive"] = "true", ["lft-monitoring"] = "true", ["vod-monitoring"] = "true", ["no-alkylating-conditioning"] = "false",
    });

    private static string Challenge(string verifier) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    [GeneratedRegex("name=\"__form\" value=\"([^\"]+)\"")]
    private static partial Regex Nonce();

    public void Dispose()
    {
        _app.Dispose();
        _ehr.Dispose();
    }
}
