using CdsService.Audit;
using CdsService.Determinations;
using CdsService.Feedback;
using CdsService.Storage;

namespace CdsService.IntegrationTests.State;

/// <summary>
/// What every state store must do, run against each real engine (<see cref="SqliteStateStoreTests"/>,
/// <see cref="PostgresStateStoreTests"/>): idempotent feedback, nothing lost under concurrency or across a restart,
/// one-time form sessions, retention.
/// </summary>
public abstract class StateStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly List<IStateStore> _opened = [];

    /// <summary>A store on this test's own database; a second call opens the same database again, as a restart does.</summary>
    private protected abstract IStateStore OpenStore();

    private protected IStateStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        Store = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await CleanUpAsync();
    }

    protected virtual Task PrepareAsync() => Task.CompletedTask;

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    private protected async Task<IStateStore> OpenAsync()
    {
        var store = OpenStore();
        _opened.Add(store);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    [StoreFact]
    public async Task Migrating_again_and_concurrently_is_harmless()
    {
        var again = OpenStore();
        _opened.Add(again);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => again.MigrateAsync(CancellationToken.None)));

        await Store.SaveHookCallsAsync([Call("hi-1", "card-1")], CancellationToken.None);
        Assert.Single(await again.FindHookCallsAsync("hi-1", CancellationToken.None));
    }

    [StoreFact]
    public async Task A_hook_call_is_found_by_hook_instance_and_by_coverage_assertion_and_its_cards_by_uuid()
    {
        var call = Call("hi-2", "card-a", "card-b");

        await Store.SaveHookCallsAsync([call, call], CancellationToken.None);

        var found = Assert.Single(await Store.FindHookCallsAsync("hi-2", CancellationToken.None));
        Assert.Equal(call.PatientKey, found.PatientKey);
        Assert.Equal(["card-a", "card-b"], found.Cards.Select(c => c.Uuid));
        Assert.Equal(call.Criteria, found.Criteria);
        Assert.Equal(call.Id, (await Store.FindByCoverageAssertionAsync("assert-hi-2", CancellationToken.None))?.Id);
        var cards = await Store.FindIssuedCardsAsync(["card-a", "card-b", "never-issued"], CancellationToken.None);
        Assert.Equal(["card-a", "card-b"], cards.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["card-a-s1"], cards["card-a"].SuggestionUuids);
        Assert.Equal(["lft-monitoring"], cards["card-a"].CriterionIds);
    }

    [StoreFact]
    public async Task The_same_card_outcome_and_timestamp_is_stored_once()
    {
        await Store.SaveHookCallsAsync([Call("hi-3", "card-3")], CancellationToken.None);
        var item = Feedback("card-3", Now);

        var first = await Store.SaveFeedbackAsync([item, item], CancellationToken.None);
        var second = await Store.SaveFeedbackAsync([item with { ReceivedAt = Now.AddMinutes(1) }], CancellationToken.None);
        var later = await Store.SaveFeedbackAsync([Feedback("card-3", Now.AddSeconds(1))], CancellationToken.None);

        Assert.Equal((1, 0, 1), (first, second, later));
        Assert.Equal(2, (await Store.FindFeedbackAsync(["card-3"], CancellationToken.None)).Count);
    }

    [StoreFact]
    public async Task Two_hundred_concurrent_writes_are_two_hundred_records()
    {
        await Store.SaveHookCallsAsync([Call("hi-4", "card-4")], CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => Store.SaveFeedbackAsync([Feedback("card-4", Now.AddMilliseconds(i))], CancellationToken.None))));

        Assert.Equal(200, (await Store.FindFeedbackAsync(["card-4"], CancellationToken.None)).Count);
    }

    [StoreFact]
    public async Task A_write_that_fails_fails_alone_among_concurrent_writes()
    {
        await Store.SaveDeterminationsAsync([Determination("PA-TAKEN", "assert-taken")], CancellationToken.None);

        // Fifty writes at once (SQLite commits them as one batch); the one reusing a number breaks the primary key.
        var writes = Enumerable.Range(0, 50)
            .Select(i => i == 25 ? Determination("PA-TAKEN", "assert-again") : Determination($"PA-{i}", $"assert-{i}"))
            .Select(d => Store.SaveDeterminationsAsync([d], CancellationToken.None))
            .ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (StoreUnavailableException)
            {
                return false;
            }
        }));

        Assert.Equal(49, outcomes.Count(ok => ok));
        Assert.False(outcomes[25]);
        foreach (var i in Enumerable.Range(0, 50).Where(i => i != 25))
        {
            Assert.NotNull(await Store.FindDeterminationAsync($"assert-{i}", CancellationToken.None));
        }

        Assert.Null(await Store.FindDeterminationAsync("assert-again", CancellationToken.None));
    }

    [StoreFact]
    public async Task Records_survive_a_restart()
    {
        await Store.SaveHookCallsAsync([Call("hi-5", "card-5")], CancellationToken.None);
        await Store.SaveFeedbackAsync([Feedback("card-5", Now)], CancellationToken.None);
        await Store.SaveDeterminationsAsync([Determination("PA-1", "assert-hi-5")], CancellationToken.None);

        var restarted = await OpenAsync();

        Assert.Single(await restarted.FindHookCallsAsync("hi-5", CancellationToken.None));
        Assert.Single(await restarted.FindFeedbackAsync(["card-5"], CancellationToken.None));
        Assert.Equal("PA-1", (await restarted.FindDeterminationAsync("assert-hi-5", CancellationToken.None))?.AuthorizationNumber);
    }

    [StoreFact]
    public async Task Listing_streams_the_window_oldest_first_with_each_feedback_items_criteria()
    {
        await Store.SaveHookCallsAsync([Call("hi-late", "card-late", at: Now.AddHours(2)), Call("hi-early", "card-early", at: Now), Call("hi-out", "card-out", at: Now.AddDays(-3))], CancellationToken.None);
        await Store.SaveFeedbackAsync([Feedback("card-early", Now.AddMinutes(1)), Feedback("card-out", Now.AddDays(-3))], CancellationToken.None);

        var calls = await Store.ListHookCallsAsync(Now.AddDays(-1), Now.AddDays(1), CancellationToken.None).ToListAsync();
        var feedback = await Store.ListFeedbackAsync(Now.AddDays(-1), Now.AddDays(1), CancellationToken.None).ToListAsync();

        Assert.Equal(["hi-early", "hi-late"], calls.Select(c => c.HookInstance));
        var only = Assert.Single(feedback);
        Assert.Equal(("card-early", "lft-monitoring"), (only.Feedback.CardUuid, Assert.Single(only.CriterionIds)));
        Assert.Equal(("urn:reasons", "patient-declined"), (only.Feedback.ReasonSystem, only.Feedback.ReasonCode));
    }

    [StoreFact]
    public async Task A_form_session_is_read_until_it_expires_and_taken_once()
    {
        byte[] payload = [1, 2, 3, 250];
        await Store.SaveAsync("s1", payload, Now.AddMinutes(30), CancellationToken.None);
        await Store.SaveAsync("s2", payload, Now.AddMinutes(-1), CancellationToken.None);

        Assert.Equal(payload, await Store.GetAsync("s1", Now, CancellationToken.None));
        Assert.Equal(payload, await Store.GetAsync("s1", Now, CancellationToken.None));
        Assert.Null(await Store.GetAsync("s2", Now, CancellationToken.None));
        Assert.Null(await Store.GetAsync("s1", Now.AddMinutes(31), CancellationToken.None));
        var takes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => Store.TakeAsync("s1", Now, CancellationToken.None))));
        Assert.Single(takes, t => t is not null);
        Assert.Null(await Store.GetAsync("s1", Now, CancellationToken.None));
    }

    [StoreFact]
    public async Task Purging_removes_what_is_older_than_the_cutoff_and_expired_sessions()
    {
        await Store.SaveHookCallsAsync([Call("hi-old", "card-old", at: Now.AddDays(-400)), Call("hi-new", "card-new", at: Now)], CancellationToken.None);
        await Store.SaveFeedbackAsync([Feedback("card-old", Now.AddDays(-400)) with { ReceivedAt = Now.AddDays(-400) }, Feedback("card-new", Now)], CancellationToken.None);
        await Store.SaveDeterminationsAsync([Determination("PA-old", "assert-hi-old") with { CreatedAt = Now.AddDays(-400) }], CancellationToken.None);
        await Store.SaveAsync("expired", new byte[] { 1 }, Now.AddMinutes(-1), CancellationToken.None);

        var purged = await Store.PurgeAsync(Now.AddDays(-365), Now, CancellationToken.None);

        Assert.Equal(6, purged);
        Assert.Empty(await Store.FindHookCallsAsync("hi-old", CancellationToken.None));
        Assert.Null(await Store.FindDeterminationAsync("assert-hi-old", CancellationToken.None));
        Assert.Single(await Store.FindHookCallsAsync("hi-new", CancellationToken.None));
        Assert.Single(await Store.FindFeedbackAsync(["card-new"], CancellationToken.None));
    }

    private static HookCallRecord Call(string hookInstance, string firstCard, string? secondCard = null, DateTimeOffset? at = null) => new(
        Guid.NewGuid().ToString(),
        hookInstance,
        at ?? Now,
        "besponsa-prior-auth",
        "order-sign",
        "https://ehr.example.org",
        "5f1d3a",
        [new CriterionOutcome(0, "age", "met"), new CriterionOutcome(0, "lft-monitoring", "not-met")],
        [new IssuedCard(firstCard, "warning", "Liver tests needed", [firstCard + "-s1"], ["lft-monitoring"]), .. secondCard is null ? Array.Empty<IssuedCard>() : [new IssuedCard(secondCard, "info", "Summary", [], [])]],
        [new CoverageAssertion("assert-" + hookInstance, "covered", "auth-needed", ["clinical"], null, null)],
        200,
        12.5);

    private static FeedbackRecord Feedback(string card, DateTimeOffset outcomeAt) =>
        new(card, "overridden", outcomeAt, Now, "besponsa-prior-auth", "https://ehr.example.org", [], "urn:reasons", "patient-declined", null);

    private static DeterminationRecord Determination(string number, string assertion) =>
        new(number, assertion, "MedicationRequest/m1", "5f1d3a", "initial", new DateOnly(2026, 11, 28), new DateOnly(2027, 2, 28), Now);
}

public sealed class SqliteStateStoreTests : StateStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cds-store-test-{Guid.NewGuid():N}", "state.db");

    private protected override IStateStore OpenStore() => new SqliteStateStore(_path, commandTimeoutSeconds: 10);

    protected override Task CleanUpAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        return Task.CompletedTask;
    }
}

[RequiresServer(TestServers.PostgresVariable)]
public sealed class PostgresStateStoreTests : StateStoreContract
{
    private string _connectionString = "";

    protected override async Task PrepareAsync() => _connectionString = await TestServers.CreatePostgresDatabaseAsync();

    private protected override IStateStore OpenStore() => new PostgresStateStore(Npgsql.NpgsqlDataSource.Create(_connectionString));
}
