using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.Storage;
using CdsService.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using static CdsService.IntegrationTests.State.StateCalls;

namespace CdsService.IntegrationTests.State;

/// <summary>CDS Hooks 2.0 §Feedback on the embedded store: validated against the cards issued, stored once, kept.</summary>
public sealed class FeedbackTests : IDisposable
{
    private readonly CdsApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_spec_examples_are_stored_once_however_often_sent_and_survive_a_restart()
    {
        var (hookInstance, body) = await HookAsync(_app, WithSuggestions);
        var card = CardWithSuggestions(body);
        var cardUuid = card.GetProperty("uuid").GetString()!;
        var suggestion = card.GetProperty("suggestions")[0].GetProperty("uuid").GetString()!;
        var (warningInstance, warningBody) = await HookAsync(_app, WithWarning);
        var warning = FirstCard(warningBody).GetProperty("uuid").GetString()!;
        var (commentedInstance, commentedBody) = await HookAsync(_app, WithWarning);
        var commented = FirstCard(commentedBody).GetProperty("uuid").GetString()!;
        string[] posts =
        [
            CorpusFeedback("spec__22__example-suggestion-accepted.json", cardUuid, suggestion),
            CorpusFeedback("spec__23__example-overridden-guidance-without-overridereason.json", warning),
            CorpusFeedback("spec__24__example-overridden-guidance-with-overridereason.json", commented),
            SandboxDismissal(warning),
        ];

        foreach (var post in posts.Concat(posts).Concat(posts))
        {
            using var response = await _app.PostJsonAsync(FeedbackPath, post);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var restarted = new CdsApp().With("Storage:Sqlite:Path", _app.StatePath);
        var accepted = Assert.Single(FeedbackOn(await OperatorGetAsync(restarted, $"/operator/hook-calls/{hookInstance}"), cardUuid));
        Assert.Equal("accepted", accepted.GetProperty("outcome").GetString());
        Assert.Equal(suggestion, accepted.GetProperty("acceptedSuggestions")[0].GetString());
        var overrides = FeedbackOn(await OperatorGetAsync(restarted, $"/operator/hook-calls/{warningInstance}"), warning).ToList();
        Assert.Equal(2, overrides.Count);
        Assert.Contains(overrides, o => !o.TryGetProperty("overrideReason", out _));
        Assert.Contains(overrides, o => o.TryGetProperty("overrideReason", out var r) && r.GetProperty("code").GetString() == "not-relevant" && !r.TryGetProperty("userComment", out _));
        var withComment = Assert.Single(FeedbackOn(await OperatorGetAsync(restarted, $"/operator/hook-calls/{commentedInstance}"), commented)).GetProperty("overrideReason");
        Assert.Equal(("d7ecf885", "A comment entered by the clinician."), (withComment.GetProperty("code").GetString(), withComment.GetProperty("userComment").GetString()));
    }

    public static TheoryData<string, string> BadItems() => new()
    {
        { """{"outcome":"accepted","acceptedSuggestions":[{"id":"x"}],"outcomeTimestamp":"2026-11-28T12:00:00Z"}""", "feedback[1].card is required" },
        { """{"card":"{card}","outcome":"ignored","outcomeTimestamp":"2026-11-28T12:00:00Z"}""", "feedback[1].outcome must be 'accepted' or 'overridden'" },
        { """{"card":"{card}","outcome":"accepted","outcomeTimestamp":"2026-11-28T12:00:00Z"}""", "feedback[1].acceptedSuggestions is required" },
        { """{"card":"{card}","outcome":"accepted","acceptedSuggestions":[{"id":"not-a-suggestion"}],"outcomeTimestamp":"2026-11-28T12:00:00Z"}""", "feedback[1].acceptedSuggestions names 'not-a-suggestion'" },
        { """{"card":"{card}","outcome":"overridden","overrideReason":{},"outcomeTimestamp":"2026-11-28T12:00:00Z"}""", "feedback[1].overrideReason must have a 'reason' (Coding) or a 'userComment'" },
        { """{"card":"{card}","outcome":"overridden","overrideReason":{"reason":{"system":"urn:x"}},"outcomeTimestamp":"2026-11-28T12:00:00Z"}""", "feedback[1].overrideReason.reason.code is required" },
        { """{"card":"{card}","outcome":"overridden"}""", "feedback[1].outcomeTimestamp is required" },
        { """{"card":"{card}","outcome":"overridden","outcomeTimestamp":"yesterday"}""", "feedback[1].outcomeTimestamp must be an RFC 3339 date-time" },
        { """{"card":"11111111-2222-3333-4444-555555555555","outcome":"overridden","outcomeTimestamp":"2026-11-28T12:00:00Z"}""", "feedback[1].card '11111111-2222-3333-4444-555555555555' is not a card service 'besponsa-prior-auth' issued" },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public async Task A_bad_item_is_a_400_naming_it_and_nothing_of_the_post_is_stored(string badItem, string expected)
    {
        var (_, body) = await HookAsync(_app, WithSuggestions);
        var card = CardWithSuggestions(body).GetProperty("uuid").GetString()!;
        var good = JsonNode.Parse(SandboxDismissal(card))!["feedback"]![0]!.DeepClone();
        var post = new JsonObject { ["feedback"] = new JsonArray(good, JsonNode.Parse(badItem.Replace("{card}", card, StringComparison.Ordinal))) };

        using var response = await _app.PostJsonAsync(FeedbackPath, post.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith(expected, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await _app.Services.GetRequiredService<IFeedbackStore>().FindFeedbackAsync([card], CancellationToken.None));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"feedback":[]}""")]
    [InlineData("""{"feedback":{}}""")]
    [InlineData("not json")]
    public async Task A_body_without_feedback_items_is_a_400(string body)
    {
        using var response = await _app.PostJsonAsync(FeedbackPath, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_outcome_given_twice_is_a_400_and_nothing_is_stored()
    {
        var (_, body) = await HookAsync(_app, WithWarning);
        var card = FirstCard(body).GetProperty("uuid").GetString()!;
        var json = """{"feedback":[{"card":"CARD","outcome":"accepted","outcome":"overridden","outcomeTimestamp":"2026-11-28T12:00:00Z"}]}""".Replace("CARD", card, StringComparison.Ordinal);

        using var response = await _app.PostJsonAsync(FeedbackPath, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("duplicate key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await _app.Services.GetRequiredService<IFeedbackStore>().FindFeedbackAsync([card], CancellationToken.None));
    }

    [Theory]
    [InlineData("\"userComment\":\"bad \xFF\xFE byte\"")]
    [InlineData("\"userComment\":\"lone \\ud800 surrogate\"")]
    public async Task Text_that_is_not_valid_unicode_is_a_400_not_a_500(string overrideMember)
    {
        var (_, body) = await HookAsync(_app, WithWarning);
        var card = FirstCard(body).GetProperty("uuid").GetString()!;
        var json = """{"feedback":[{"card":"CARD","outcome":"overridden","outcomeTimestamp":"2026-11-28T12:00:00Z","overrideReason":{OVERRIDE}}]}""".Replace("CARD", card, StringComparison.Ordinal);
        var parts = json.Split("OVERRIDE");
        byte[] bytes = [.. System.Text.Encoding.UTF8.GetBytes(parts[0]), .. overrideMember.Select(c => (byte)c), .. System.Text.Encoding.UTF8.GetBytes(parts[1])];
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await _app.CreateClient().PostAsync(new Uri(FeedbackPath, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await _app.Services.GetRequiredService<IFeedbackStore>().FindFeedbackAsync([card], CancellationToken.None));
    }

    [Fact]
    public async Task Feedback_to_an_unknown_service_is_a_404()
    {
        using var response = await _app.PostJsonAsync("/cds-services/no-such-service/feedback", SandboxDismissal(Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Two_hundred_concurrent_posts_are_two_hundred_records()
    {
        var (_, body) = await HookAsync(_app, WithWarning);
        var card = FirstCard(body).GetProperty("uuid").GetString()!;
        var start = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            _app.PostJsonAsync(FeedbackPath, SandboxDismissal(card, start.AddMilliseconds(i).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(200, (await _app.Services.GetRequiredService<IFeedbackStore>().FindFeedbackAsync([card], CancellationToken.None)).Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_store_that_cannot_take_the_write_gives_503_with_retry_after_and_keeps_nothing()
    {
        using var app = new CdsApp().With("Storage:Sqlite:CommandTimeoutSeconds", "1");
        var (_, body) = await HookAsync(app, WithWarning);
        var card = FirstCard(body).GetProperty("uuid").GetString()!;
        await WaitForCardAsync(app, card);

        // Another process holding the database's write lock: the store is there but cannot commit.
        await using (await SqliteWriteLock.TakeAsync(app.StatePath))
        {
            using var blocked = await app.PostJsonAsync(FeedbackPath, SandboxDismissal(card));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
            Assert.Equal("5", blocked.Headers.GetValues("Retry-After").Single());
        }

        Assert.Empty(await app.Services.GetRequiredService<IFeedbackStore>().FindFeedbackAsync([card], CancellationToken.None));
        using var retried = await app.PostJsonAsync(FeedbackPath, SandboxDismissal(card));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    internal static async Task WaitForCardAsync(CdsApp app, string card)
    {
        var store = app.Services.GetRequiredService<IFeedbackStore>();
        for (var i = 0; i < 100 && (await store.FindIssuedCardsAsync([card], CancellationToken.None)).Count == 0; i++)
        {
            await Task.Delay(50);
        }
    }
}
