using CdsService.Audit;
using CdsService.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CdsService.IntegrationTests.State;

/// <summary>
/// The audit writer's shutdown against the real SQLite store: a host may stop it twice and dispose it as soon as the
/// second stop returns (WebApplicationFactory does), so every stop must wait for the one drain.
/// </summary>
public sealed class AuditDrainTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cds-audit-drain-{Guid.NewGuid():N}.db");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task A_second_stop_returns_only_when_the_drain_has_written_the_backlog_and_dispose_then_loses_nothing()
    {
        var store = new SqliteStateStore(_path, commandTimeoutSeconds: 1);
        await store.MigrateAsync(CancellationToken.None);
        var options = Options.Create(new AuditOptions { BatchSize = 1, DrainTimeout = TimeSpan.FromSeconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(200) });
        var queue = new AuditQueue(options, NullLogger<AuditQueue>.Instance);
        var writer = new AuditWriter(queue, store, options, NullLogger<AuditWriter>.Instance);
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString()).ToArray();

        Task firstStop, secondStop;
        await using (await SqliteWriteLock.TakeAsync(_path))
        {
            foreach (var id in ids)
            {
                queue.Enqueue(Record(id));
            }

            await writer.StartAsync(CancellationToken.None);
            firstStop = writer.StopAsync(CancellationToken.None);
            secondStop = writer.StopAsync(CancellationToken.None);

            // The file is locked for longer than one store attempt: neither stop may end while the records are in hand.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.False(secondStop.IsCompleted, "the second stop returned before the drain ended");
        }

        await secondStop.WaitAsync(TimeSpan.FromSeconds(15));
        writer.Dispose();
        await firstStop.WaitAsync(TimeSpan.FromSeconds(1));

        foreach (var id in ids)
        {
            Assert.Single(await store.FindHookCallsAsync(id, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Dispose_without_a_stop_ends_the_loop()
    {
        var store = new SqliteStateStore(_path, commandTimeoutSeconds: 1);
        await store.MigrateAsync(CancellationToken.None);
        var options = Options.Create(new AuditOptions());
        var writer = new AuditWriter(new AuditQueue(options, NullLogger<AuditQueue>.Instance), store, options, NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        writer.Dispose();

        // A stop after dispose has nothing to wait for.
        await writer.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Records_that_arrive_within_the_linger_share_one_transaction_and_a_stop_ends_the_linger_at_once()
    {
        var sqlite = new SqliteStateStore(_path, commandTimeoutSeconds: 1);
        await sqlite.MigrateAsync(CancellationToken.None);
        var store = new CountingAuditStore(sqlite);
        var options = Options.Create(new AuditOptions { BatchLinger = TimeSpan.FromMilliseconds(400) });
        var queue = new AuditQueue(options, NullLogger<AuditQueue>.Instance);
        var writer = new AuditWriter(queue, store, options, NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        queue.Enqueue(Record("first"));
        await Task.Delay(100);
        queue.Enqueue(Record("second"));
        queue.Enqueue(Record("third"));
        while (store.Saved < 3)
        {
            await Task.Delay(20);
        }

        Assert.Equal([3], store.Batches);

        // A long linger must not hold up shutdown: the stop completes the queue, which ends the wait.
        var lingering = Options.Create(new AuditOptions { BatchLinger = TimeSpan.FromSeconds(30) });
        var queue2 = new AuditQueue(lingering, NullLogger<AuditQueue>.Instance);
        var writer2 = new AuditWriter(queue2, store, lingering, NullLogger<AuditWriter>.Instance);
        await writer2.StartAsync(CancellationToken.None);
        queue2.Enqueue(Record("at-shutdown"));
        await Task.Delay(100);
        await writer2.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Single(await sqlite.FindHookCallsAsync("at-shutdown", CancellationToken.None));
        await writer.StopAsync(CancellationToken.None);
    }

    private sealed class CountingAuditStore(IAuditStore inner) : IAuditStore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<int> _batches = new();

        public int[] Batches => [.. _batches];

        public int Saved => _batches.Sum();

        public async Task SaveHookCallsAsync(IReadOnlyList<HookCallRecord> calls, CancellationToken cancellationToken)
        {
            await inner.SaveHookCallsAsync(calls, cancellationToken);
            _batches.Enqueue(calls.Count);
        }

        public Task<IReadOnlyList<HookCallRecord>> FindHookCallsAsync(string hookInstance, CancellationToken cancellationToken) => inner.FindHookCallsAsync(hookInstance, cancellationToken);

        public Task<HookCallRecord?> FindByCoverageAssertionAsync(string coverageAssertionId, CancellationToken cancellationToken) => inner.FindByCoverageAssertionAsync(coverageAssertionId, cancellationToken);

        public IAsyncEnumerable<HookCallRecord> ListHookCallsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => inner.ListHookCallsAsync(from, to, cancellationToken);
    }

    private static HookCallRecord Record(string hookInstance) =>
        new(Guid.NewGuid().ToString(), hookInstance, DateTimeOffset.UtcNow, "besponsa-prior-auth", "order-sign", null, null, [], [], [], 200, 1.0);
}
