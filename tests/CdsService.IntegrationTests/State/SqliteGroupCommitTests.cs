using System.Collections.Concurrent;
using System.Data.Common;
using CdsService.Storage;
using Microsoft.Data.Sqlite;

namespace CdsService.IntegrationTests.State;

/// <summary>
/// How <see cref="SqliteGroupCommit"/> orders and groups writes, on a real SQLite file: what a caller waits on never
/// shares a transaction with background work, background work is not starved, and one connection serves a burst.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cds-group-commit-{Guid.NewGuid():N}", "state.db");
    private readonly ConcurrentQueue<(string Name, DbTransaction Transaction, DbConnection Connection)> _runs = new();
    private int _opened;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (name TEXT PRIMARY KEY)";
        await create.ExecuteNonQueryAsync();
        _opened = 0;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Waited_writes_never_share_a_group_with_background_ones_and_the_two_alternate()
    {
        var commits = new SqliteGroupCommit(OpenAsync);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first write holds the writer while the rest queue behind it, in this order.
        var first = commits.RunAsync((c, t) => InsertAsync(c, t, "w0", gate.Task), CancellationToken.None);
        await WaitForAsync(() => _runs.Count == 1);
        var queued = new[]
        {
            commits.RunAsync((c, t) => InsertAsync(c, t, "b1"), CancellationToken.None, background: true),
            commits.RunAsync((c, t) => InsertAsync(c, t, "w1"), CancellationToken.None),
            commits.RunAsync((c, t) => InsertAsync(c, t, "b2"), CancellationToken.None, background: true),
            commits.RunAsync((c, t) => InsertAsync(c, t, "w2"), CancellationToken.None),
        };
        gate.SetResult();
        await Task.WhenAll([first, .. queued]);

        // A waited group ran (w0), so the background writes get the next group, then the waiting callers theirs.
        var groups = _runs.GroupBy(r => r.Transaction).Select(g => string.Join(",", g.Select(r => r.Name).Order())).ToList();
        Assert.Equal(["w0", "b1,b2", "w1,w2"], groups);
        Assert.Equal(5, await CountAsync());
    }

    [Fact]
    public async Task A_burst_of_groups_is_committed_on_one_connection_and_a_write_the_locked_file_refuses_fails_alone()
    {
        var commits = new SqliteGroupCommit(OpenAsync);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = commits.RunAsync((c, t) => InsertAsync(c, t, "a0", gate.Task), CancellationToken.None);
        await WaitForAsync(() => _runs.Count == 1);
        var burst = Enumerable.Range(1, SqliteGroupCommit.MaxBatch + 10).Select(i => commits.RunAsync((c, t) => InsertAsync(c, t, $"a{i}"), CancellationToken.None)).ToList();
        gate.SetResult();
        await Task.WhenAll([first, .. burst]);

        Assert.Equal(3, _runs.Select(r => r.Transaction).Distinct().Count());
        Assert.Single(_runs.Select(r => r.Connection).Distinct());
        Assert.Equal(1, _opened);

        // A write the file refuses (another process holds the write lock) fails; the next, once the lock is gone, commits.
        await using (await SqliteWriteLock.TakeAsync(_path))
        {
            await Assert.ThrowsAnyAsync<DbException>(() => commits.RunAsync((c, t) => InsertAsync(c, t, "locked"), CancellationToken.None));
        }

        await commits.RunAsync((c, t) => InsertAsync(c, t, "after"), CancellationToken.None);
        Assert.Equal(SqliteGroupCommit.MaxBatch + 12, await CountAsync());
    }

    [Fact]
    public async Task A_write_that_fails_alone_leaves_nothing_behind_and_the_writer_keeps_its_connection()
    {
        var commits = new SqliteGroupCommit(OpenAsync);
        await commits.RunAsync((c, t) => InsertAsync(c, t, "kept"), CancellationToken.None);

        // A group of one runs without a savepoint: its first row must still be undone when its second fails.
        await Assert.ThrowsAnyAsync<DbException>(() => commits.RunAsync(
            async (c, t) =>
            {
                await InsertAsync(c, t, "half");
                return await InsertAsync(c, t, "kept");
            },
            CancellationToken.None));

        await commits.RunAsync((c, t) => InsertAsync(c, t, "after"), CancellationToken.None);
        Assert.Equal(2, await CountAsync());
        Assert.Equal(1, _opened);
    }

    private async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _opened);

        // Busy timeout of 1 s: the locked-file case should fail fast.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = true, DefaultTimeout = 1 }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 200;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task<int> InsertAsync(DbConnection connection, DbTransaction transaction, string name, Task? hold = null)
    {
        _runs.Enqueue((name, transaction, connection));
        if (hold is not null)
        {
            await hold;
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO t (name) VALUES (@n)";
        insert.Parameters.Add(new SqliteParameter("n", name));
        return await insert.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
