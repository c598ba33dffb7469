using CdsService.Audit;
using CdsService.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CdsService.IntegrationTests.State;

/// <summary>
/// The embedded store's WAL is checkpointed beside the writer, on a real SQLite file: the writer's own commits leave
/// the WAL alone until it is large, and the background checkpointer copies it into the database.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cds-checkpoint-{Guid.NewGuid():N}", "state.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
    }

    [Fact]
    public async Task Commits_leave_the_wal_to_the_checkpointer_which_copies_it_into_the_database()
    {
        var store = new SqliteStateStore(_path, commandTimeoutSeconds: 5);
        await store.MigrateAsync(CancellationToken.None);
        var migrated = store.Checkpoint();
        var emptySize = new FileInfo(_path).Length;

        // 1,100 transactions, each at least one WAL page: past SQLite's default auto-checkpoint (1,000 pages), had the
        // writer still checkpointed itself, the database file would have grown without any checkpointer.
        for (var i = 0; i < 1_100; i++)
        {
            await store.SaveHookCallsAsync([Record()], CancellationToken.None);
        }

        Assert.Equal(emptySize, new FileInfo(_path).Length);
        Assert.True(store.CommittedGroups >= 1_100, $"{store.CommittedGroups} transactions committed");

        var checkpointer = new SqliteCheckpointer(
            store,
            Options.Create(new StorageOptions { Sqlite = { CheckpointInterval = TimeSpan.FromMilliseconds(20) } }),
            TimeProvider.System,
            NullLogger<SqliteCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (new FileInfo(_path).Length == emptySize && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await checkpointer.StopAsync(CancellationToken.None);
        Assert.True(new FileInfo(_path).Length > emptySize, "the checkpointer did not copy the WAL into the database");

        // What it copied is all of it: nothing was written since, so a passive checkpoint has nothing left to do.
        var (walPages, checkpointed) = store.Checkpoint();
        Assert.Equal(walPages, checkpointed);
        Assert.True(walPages > migrated.WalPages, $"{walPages} WAL pages");
        Assert.Equal(1_100, await CountAsync(store));
    }

    private static async Task<int> CountAsync(SqliteStateStore store)
    {
        var count = 0;
        await foreach (var _ in store.ListHookCallsAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    private static HookCallRecord Record() =>
        new(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, "besponsa-prior-auth", "order-sign", null, null, [], [], [], 200, 1.0);
}
