using System.Net;
using System.Text.RegularExpressions;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Security;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// The SMART launch's credentials (the code, the PKCE verifier, the access token, and the state and grant references
/// that stand for them) never reach a log event, at any level, through a whole launch and a replayed callback.
/// </summary>
public sealed partial class SmartLogTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly SmartEhr _smart = new();
    private readonly CdsApp _app = new();

    public SmartLogTests()
    {
        _app.With("Attestation:Smart:Enabled", "true").With("Attestation:Smart:ClientId", SmartEhr.ClientId)
            .With("Serilog:MinimumLevel:Default", "Verbose")
            .WithServices(s => s.AddSingleton<ILogEventSink>(_logs));

        // A real port, so one cookie-keeping client follows the redirects to the EHR's sign-in and back, as a browser.
        _app.UseKestrel(0);
        _app.StartServer();
    }

    [Fact]
    public async Task No_SMART_credential_reaches_the_log()
    {
        var hook = await SmartHook.SignAsync(_app.ClientOptions.BaseAddress, _smart.Ehr.BaseUrl);
        var (launchUrl, appContext) = SmartHook.SmartLink(hook);
        _smart.AppContext = appContext;
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true });

        using var opened = await browser.GetAsync(new Uri(SmartHook.Launch(launchUrl, _smart.Ehr.BaseUrl)));
        var form = await opened.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var formUrl = opened.RequestMessage!.RequestUri!;
        Assert.Contains("/attestation/smart/form/", formUrl.AbsolutePath, StringComparison.Ordinal);
        using var submitted = await browser.PostAsync(formUrl, Answers(Nonce().Match(form).Groups[1].Value));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal($"Bearer {_smart.AccessToken}", Assert.Single(_smart.Stored).Authorization);

        // A replayed callback (the code in its query again) is refused, and logged as refused.
        var exchange = QueryHelpers.ParseQuery(Assert.Single(_smart.TokenRequests).Body);
        var state = Assert.Single(_smart.AuthorizeRequests).Query!["state"].Single();
        var callback = QueryHelpers.AddQueryString(new Uri(_app.ClientOptions.BaseAddress, "attestation/smart/callback").AbsoluteUri, new Dictionary<string, string?> { ["code"] = exchange["code"], ["state"] = state });
        using var replayed = await browser.GetAsync(new Uri(callback));
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);

        var text = _logs.AllText();
        Assert.Contains(("GET", "/attestation/smart/callback", "302"), Requests());
        Assert.Contains(("GET", "/attestation/smart/callback", "400"), Requests());
        Assert.Contains(Requests(), r => r is ("POST", _, "200") && r.Path.StartsWith("/attestation/smart/form/", StringComparison.Ordinal));
        string[] secrets = [_smart.AccessToken, exchange["code"]!, exchange["code_verifier"]!, state!, formUrl.Segments[^1]];
        Assert.All(secrets, secret => Assert.True(secret.Length >= 16, "each credential is long enough that a match is no accident"));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
    }

    // The request log's own events, as (method, path, status).
    private IEnumerable<(string Method, string Path, string Status)> Requests() =>
        _logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP {RequestMethod}", StringComparison.Ordinal))
            .Select(e => (Scalar(e, "RequestMethod"), Scalar(e, "RequestPath"), Scalar(e, "StatusCode")));

    private static string Scalar(LogEvent e, string name) => ((ScalarValue)e.Properties[name]).Value?.ToString() ?? "";

    private static FormUrlEncodedContent Answers(string nonce) => new(new Dictionary<string, string>
    {
        ["__form"] = nonce, ["b-precursor-lineage"] = "true", ["cd22-positive"] = "true", ["lft-monitoring"] = "true", ["vod-monitoring"] = "true", ["no-alkylating-conditioning"] = "false",
    });

    [GeneratedRegex("name=\"__form\" value=\"([^\"]+)\"")]
    private static partial Regex Nonce();

    public void Dispose()
    {
        _app.Dispose();
        _smart.Dispose();
    }
}
