using System.Collections.Concurrent;
using CdsService.IntegrationTests.Fixtures;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// The SMART App Launch path in a real browser: the service on a Kestrel port, the EHR (FHIR server and authorization
/// server, WireMock) on another. Chromium opens the card's SMART link as the EHR would, follows the real redirects to
/// the EHR's sign-in and back with the cookie, and the form it shows writes the attestation with the bearer token
/// that the browser never gets to see.
/// </summary>
public sealed class SmartBrowserTests : IDisposable
{
    private static readonly string[] Attested = ["cd22-positive", "lft-monitoring", "vod-monitoring", "no-alkylating-conditioning"];

    private readonly SmartEhr _smart = new();
    private readonly CdsApp _app = new();

    public SmartBrowserTests()
    {
        _app.With("Attestation:Smart:Enabled", "true").With("Attestation:Smart:ClientId", SmartEhr.ClientId);
        _app.UseKestrel(0);
        _app.StartServer();
    }

    [ChromiumFact]
    public async Task A_prescriber_launched_from_the_EHR_attests_and_the_response_is_written_with_the_token_the_browser_never_sees()
    {
        var service = _app.ClientOptions.BaseAddress;
        var first = await SmartHook.SignAsync(service, _smart.Ehr.BaseUrl);
        Assert.All(Attested, id => Assert.Equal("unknown", SmartHook.Status(first, id)));
        var (launchUrl, appContext) = SmartHook.SmartLink(first);
        _smart.AppContext = appContext;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true });
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var seen = new BrowserTraffic(page);

        await page.GotoAsync(SmartHook.Launch(launchUrl, _smart.Ehr.BaseUrl));

        // The browser went to the EHR's sign-in and came back to the callback, which sent it on to the form.
        Assert.Contains(seen.Urls, u => u.StartsWith(_smart.Ehr.Server.Url + "/auth/authorize?", StringComparison.Ordinal));
        var callback = Assert.Single(seen.Urls, u => u.StartsWith(new Uri(service, "attestation/smart/callback?").AbsoluteUri, StringComparison.Ordinal));
        Assert.StartsWith(new Uri(service, "attestation/smart/form/").AbsoluteUri, page.Url, StringComparison.Ordinal);
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "cds-attestation-smart");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        // PKCE: the verifier sent with the code is the one whose S256 challenge went to authorize, for that code.
        var authorize = Assert.Single(_smart.AuthorizeRequests).Query!;
        var exchange = QueryHelpers.ParseQuery(Assert.Single(_smart.TokenRequests).Body);
        Assert.Equal(authorize["code_challenge"].Single(), SmartEhr.Challenge(exchange["code_verifier"]!));
        Assert.Equal(QueryHelpers.ParseQuery(new Uri(callback).Query)["code"], exchange["code"]);
        Assert.Equal(authorize["redirect_uri"].Single(), exchange["redirect_uri"]);
        Assert.Equal(_smart.Ehr.BaseUrl, authorize["aud"].Single());

        await AttestationFormPage.AnswerAsync(page);

        var form = await page.ContentAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and save the attestation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved to the patient's record in the EHR");

        var stored = Assert.Single(_smart.Stored);
        Assert.Equal($"Bearer {_smart.AccessToken}", stored.Authorization);
        Assert.Contains("\"Patient/pat-07\"", stored.Body, StringComparison.Ordinal);

        // Everything the browser was sent or went to: every URL, every header (Location, Set-Cookie), every page body,
        // the cookie jar. The bodies must include the form and the confirmation, or this would prove nothing.
        var traffic = await seen.AllTextAsync();
        traffic.Add(form);
        traffic.Add(await page.ContentAsync());
        traffic.AddRange((await context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        Assert.Contains(traffic, t => t.Contains("Sign and save the attestation", StringComparison.Ordinal));
        Assert.Contains(traffic, t => t.Contains("Saved to the patient", StringComparison.Ordinal));
        Assert.DoesNotContain(traffic, t => t.Contains(_smart.AccessToken, StringComparison.Ordinal));

        var second = await SmartHook.SignAsync(service, _smart.Ehr.BaseUrl);
        Assert.All(Attested, id => Assert.Equal("met", SmartHook.Status(second, id)));
    }

    public void Dispose()
    {
        _app.Dispose();
        _smart.Dispose();
    }

    /// <summary>What one page requested and was answered, kept as it happens (a body can be gone after navigation).</summary>
    private sealed class BrowserTraffic
    {
        private readonly ConcurrentQueue<string> _urls = new();
        private readonly ConcurrentQueue<Task<string>> _responses = new();

        public BrowserTraffic(IPage page)
        {
            page.Request += (_, request) => _urls.Enqueue(request.Url);
            page.Response += (_, response) => _responses.Enqueue(TextAsync(response));
        }

        public IReadOnlyList<string> Urls => [.. _urls];

        public async Task<List<string>> AllTextAsync() => [.. _urls, .. await Task.WhenAll(_responses)];

        private static async Task<string> TextAsync(IResponse response)
        {
            var headers = string.Join("\n", (await response.AllHeadersAsync()).Select(h => $"{h.Key}: {h.Value}"));

            // A redirect has no body the browser can read.
            return response.Status is >= 300 and < 400 ? headers : headers + "\n" + await response.TextAsync();
        }
    }
}
