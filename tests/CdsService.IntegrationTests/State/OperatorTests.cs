using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Security;
using static CdsService.IntegrationTests.State.StateCalls;

namespace CdsService.IntegrationTests.State;

/// <summary>The operator endpoints in Development: anonymous from loopback only, read-only, answering from the store.</summary>
public sealed class OperatorTests : IDisposable
{
    private readonly CdsApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_feedback_summary_counts_outcomes_and_override_reasons_per_criterion()
    {
        var (_, body) = await HookAsync(_app, WithWarning);
        var card = FirstCard(body);
        var uuid = card.GetProperty("uuid").GetString()!;
        var criteria = card.GetProperty("extension").GetProperty("com.priorauth.criteria").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        foreach (var second in new[] { "01", "02", "03" })
        {
            using var response = await _app.PostJsonAsync(FeedbackPath, SandboxDismissal(uuid, $"2026-11-28T12:00:{second}Z"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var summary = await OperatorGetAsync(_app, "/operator/feedback-summary?from=2026-11-01&to=2026-12-01");

        var rows = summary.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(criteria.Order(StringComparer.Ordinal), rows.Select(r => r.GetProperty("criterion").GetString()));
        Assert.All(rows, r =>
        {
            Assert.Equal(("overridden", 3), (r.GetProperty("outcome").GetString(), r.GetProperty("count").GetInt32()));
            var reason = Assert.Single(r.GetProperty("overrideReasons").EnumerateArray());
            Assert.Equal(("not-relevant", 3), (reason.GetProperty("code").GetString(), reason.GetProperty("count").GetInt32()));
        });
        var empty = await OperatorGetAsync(_app, "/operator/feedback-summary?from=2026-12-01&to=2026-12-02");
        Assert.Empty(empty.GetProperty("rows").EnumerateArray());
    }

    [Fact]
    public async Task Hook_calls_export_as_ndjson_one_call_per_line()
    {
        var first = (await HookAsync(_app, WithWarning)).HookInstance;
        var second = (await HookAsync(_app, WithSuggestions)).HookInstance;
        await FeedbackTests.WaitForCardAsync(_app, FirstCard((await HookAsync(_app, WithWarning)).Body).GetProperty("uuid").GetString()!);

        using var response = await _app.CreateClient().GetAsync(new Uri("/operator/hook-calls?from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z", UriKind.Relative));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var instances = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("hookInstance").GetString()).ToList();
        Assert.Equal(3, instances.Count);
        Assert.Contains(first, instances);
        Assert.Contains(second, instances);
    }

    [Theory]
    [InlineData("/operator/hook-calls/no-such-call", HttpStatusCode.NotFound)]
    [InlineData("/operator/coverage-assertions/no-such-assertion", HttpStatusCode.NotFound)]
    [InlineData("/operator/feedback-summary?from=tomorrow", HttpStatusCode.BadRequest)]
    [InlineData("/operator/hook-calls?from=2026-12-01&to=2026-11-01", HttpStatusCode.BadRequest)]
    public async Task Unknown_ids_are_404_and_bad_windows_400(string path, HttpStatusCode expected)
    {
        using var response = await _app.CreateClient().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("/operator/feedback-summary?to=0001-01-10")]
    [InlineData("/operator/hook-calls?to=0001-01-10")]
    public async Task A_window_ending_near_the_start_of_the_calendar_is_answered_not_a_500(string path)
    {
        using var response = await _app.CreateClient().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Operator_endpoints_are_read_only_and_closed_to_other_addresses()
    {
        using var post = await _app.PostJsonAsync("/operator/hook-calls", "{}");
        _app.RemoteIp = IPAddress.Parse("203.0.113.9");
        using var remote = await _app.CreateClient().GetAsync(new Uri("/operator/feedback-summary", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, remote.StatusCode);
    }
}

/// <summary>
/// Production: operators present a JWT from an issuer under <c>Operators</c>, checked like a CDS client's, with scope
/// <c>cds.audit.read</c>; feedback needs a CDS client token whose <c>aud</c> is the feedback URL.
/// </summary>
public sealed class ProductionOperatorAndFeedbackTests : IDisposable
{
    private const string OperatorIssuer = "https://ops.payer.example.org";

    private readonly TestKey _operatorKey = TestKey.Ec("ops-es384");
    private readonly SecuredService _service;

    public ProductionOperatorAndFeedbackTests() =>
        _service = new SecuredService(app => app
            .With("Operators:0:Issuer", OperatorIssuer)
            .With("Operators:0:Jwks", TestKey.Jwks(_operatorKey)));

    public void Dispose()
    {
        _service.Dispose();
        _operatorKey.Dispose();
    }

    [Fact]
    public async Task Feedback_needs_a_token_for_the_feedback_url_and_an_operator_token_with_the_scope_reads_it()
    {
        using var hook = await _service.CallWithTokenAsync(_service.Token().SignWith(_service.Es384));
        using var answer = JsonDocument.Parse(await hook.Content.ReadAsStringAsync());
        var card = answer.RootElement.GetProperty("cards")[0].GetProperty("uuid").GetString()!;
        var hookInstance = JsonDocument.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json")).RootElement.GetProperty("hookInstance").GetString()!;

        // Posted at once: the card's audit record may still be queued, and the endpoint waits for its commit.
        using var wrongAudience = await PostFeedbackAsync(_service.Token().SignWith(_service.Es384), card);
        using var accepted = await PostFeedbackAsync(_service.Token(path: FeedbackPath).SignWith(_service.Es384), card);
        using var clientToken = await GetAsync($"/operator/hook-calls/{hookInstance}", _service.Token(path: $"/operator/hook-calls/{hookInstance}").SignWith(_service.Es384));
        using var unscoped = await GetAsync($"/operator/hook-calls/{hookInstance}", OperatorToken($"/operator/hook-calls/{hookInstance}", scope: "cds.audit.write"));
        using var anonymous = await GetAsync($"/operator/hook-calls/{hookInstance}", null);
        using var scoped = await GetAsync($"/operator/hook-calls/{hookInstance}", OperatorToken($"/operator/hook-calls/{hookInstance}", scope: "openid cds.audit.read"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, clientToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unscoped.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scoped.StatusCode);
        var call = JsonDocument.Parse(await scoped.Content.ReadAsStringAsync()).RootElement.GetProperty("calls").EnumerateArray().Last();
        Assert.Equal(SecuredService.Issuer, call.GetProperty("clientIssuer").GetString());
        Assert.Single(FeedbackOn(JsonDocument.Parse(await scoped.Content.ReadAsStringAsync()).RootElement, card));
    }

    private string OperatorToken(string path, string scope)
    {
        var token = TestToken.SandboxShaped(_operatorKey, OperatorIssuer, SecuredService.PublicBase + path, null, CdsApp.Today);
        token.Payload["scope"] = scope;
        return token.SignWith(_operatorKey);
    }

    private async Task<HttpResponseMessage> PostFeedbackAsync(string token, string card)
    {
        using var client = _service.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, FeedbackPath) { Content = new StringContent(SandboxDismissal(card), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var client = _service.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }
}
