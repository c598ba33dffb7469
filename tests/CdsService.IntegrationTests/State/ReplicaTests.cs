using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Security;
using CdsService.Security;
using CdsService.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static CdsService.IntegrationTests.State.StateCalls;

namespace CdsService.IntegrationTests.State;

/// <summary>
/// Two replicas of the service on one real PostgreSQL and one real Redis, as behind a load balancer: what one is told,
/// the other knows; a token one accepted, the other refuses.
/// </summary>
[Collection(nameof(ReplicaTests))]
public sealed class ReplicaTests : IAsyncLifetime
{
    private const string Issuer = "https://replica-test-ehr.example.org";
    private const string PublicBase = "https://cds.example.org";

    private readonly TestKey _key = TestKey.Ec("replica-es384");
    private CdsApp _a = null!;
    private CdsApp _b = null!;

    public async Task InitializeAsync()
    {
        if (TestServers.Postgres is null || TestServers.Redis is null)
        {
            return;
        }

        var database = await TestServers.CreatePostgresDatabaseAsync();
        _a = Replica(database);
        _b = Replica(database);
    }

    public Task DisposeAsync()
    {
        _a?.Dispose();
        _b?.Dispose();
        _key.Dispose();
        return Task.CompletedTask;
    }

    [ServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task A_token_accepted_by_one_replica_is_refused_by_the_other()
    {
        var token = TestToken.SandboxShaped(_key, Issuer, PublicBase + CdsApp.BesponsaService, null, CdsApp.Today).SignWith(_key);

        using var first = await CallAsync(_a, token);
        using var replayed = await CallAsync(_b, token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
    }

    [ServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task Feedback_on_a_card_one_replica_issued_posted_to_the_other_is_visible_on_both()
    {
        var (hookInstance, body) = await HookAsync(_a, WithWarning);
        var card = FirstCard(body).GetProperty("uuid").GetString()!;
        await FeedbackTests.WaitForCardAsync(_a, card);

        using var response = await _b.PostJsonAsync(FeedbackPath, SandboxDismissal(card));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(FeedbackOn(await OperatorGetAsync(_a, $"/operator/hook-calls/{hookInstance}"), card));
        Assert.Single(FeedbackOn(await OperatorGetAsync(_b, $"/operator/hook-calls/{hookInstance}"), card));
    }

    [ServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task Two_hundred_concurrent_posts_across_both_replicas_are_two_hundred_records()
    {
        var (_, body) = await HookAsync(_a, WithWarning);
        var card = FirstCard(body).GetProperty("uuid").GetString()!;
        await FeedbackTests.WaitForCardAsync(_a, card);
        var start = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            (i % 2 == 0 ? _a : _b).PostJsonAsync(FeedbackPath, SandboxDismissal(card, start.AddMilliseconds(i).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)))));
        Console.WriteLine($"200 concurrent feedback posts on PostgreSQL: {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(200, (await _b.Services.GetRequiredService<IFeedbackStore>().FindFeedbackAsync([card], CancellationToken.None)).Count);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [ServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task Records_survive_both_replicas_restarting()
    {
        var (hookInstance, body) = await HookAsync(_a, WithWarning);
        var card = FirstCard(body).GetProperty("uuid").GetString()!;
        await FeedbackTests.WaitForCardAsync(_a, card);
        using (var posted = await _b.PostJsonAsync(FeedbackPath, SandboxDismissal(card)))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var database = _a.Services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")!;
        _a.Dispose();
        _b.Dispose();
        _a = Replica(database);
        _b = Replica(database);

        Assert.Single(FeedbackOn(await OperatorGetAsync(_a, $"/operator/hook-calls/{hookInstance}"), card));
    }

    private CdsApp Replica(string database) => new CdsApp()
        .With("Storage:Provider", "Postgres")
        .With("ConnectionStrings:Postgres", database)
        .With("ConnectionStrings:Redis", TestServers.Redis)
        .With("Cds:PublicBaseUrl", PublicBase)
        .With("CdsClients:1:Issuer", Issuer)
        .With("CdsClients:1:Jwks", TestKey.Jwks(_key));

    private static async Task<HttpResponseMessage> CallAsync(CdsApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CdsApp.BesponsaService)
        {
            Content = new StringContent(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await app.CreateClient().SendAsync(request);
    }
}

/// <summary>The Redis replay store on a real Redis: SET NX is atomic across connections, and entries expire.</summary>
public sealed class RedisReplayStoreTests
{
    [ServerFact(TestServers.RedisVariable)]
    public async Task Of_many_replicas_claiming_one_key_at_once_exactly_one_wins()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new RedisReplayStore(TestServers.Redis!, NullLogger<RedisReplayStore>.Instance)).ToList();
        var key = $"cds-test:{Guid.NewGuid():N}";

        var results = await Task.WhenAll(stores.SelectMany(s => Enumerable.Range(0, 5).Select(_ => s.TryAddAsync(key, TimeSpan.FromMinutes(1), CancellationToken.None))));

        Assert.Single(results, r => r);
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [ServerFact(TestServers.RedisVariable)]
    public async Task A_key_can_be_claimed_again_once_it_expired()
    {
        await using var store = new RedisReplayStore(TestServers.Redis!, NullLogger<RedisReplayStore>.Instance);
        var key = $"cds-test:{Guid.NewGuid():N}";

        Assert.True(await store.TryAddAsync(key, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.False(await store.TryAddAsync(key, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        await Task.Delay(600);
        Assert.True(await store.TryAddAsync(key, TimeSpan.FromMilliseconds(300), CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_redis_refuses_rather_than_lets_a_token_through()
    {
        await using var store = new RedisReplayStore("127.0.0.1:1,connectTimeout=200,syncTimeout=200,asyncTimeout=200", NullLogger<RedisReplayStore>.Instance);

        Assert.False(await store.TryAddAsync($"cds-test:{Guid.NewGuid():N}", TimeSpan.FromMinutes(1), CancellationToken.None));
    }
}
