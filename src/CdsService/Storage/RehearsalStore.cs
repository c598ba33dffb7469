using Microsoft.Data.Sqlite;

namespace CdsService.Storage;

/// <summary>
/// A scratch SQLite store that the warm-up's rehearsal calls write to while its tier-up phase runs, so that they run the
/// whole path a client's call runs (form sessions, on-the-spot determinations and their durable commit, the audit
/// record) without a byte of it reaching the real store. The file lives in the temporary directory and is deleted
/// when the phase ends.
/// </summary>
/// <remarks>
/// Without it, rehearsals stopped before the first write: the store's code, Microsoft.Data.Sqlite's and the audit
/// record's (about 400 methods) were first compiled under a client's load, after readiness. On one CPU each new method
/// restarts the runtime's 1 s tiering delay, so for the first seconds of real traffic both that code and the code
/// waiting to be re-optimised ran unoptimised (measured: 0.45-0.83 of steady throughput 10 s after ready).
/// </remarks>
internal sealed partial class RehearsalStore(ILogger<RehearsalStore> logger) : IAsyncDisposable
{
    private readonly Lock _sync = new();
    private SqliteStateStore? _store;
    private bool _open;
    private int _users;
    private TaskCompletionSource? _released;

    /// <summary>Opens the scratch store; rehearsals then write to it. False, logged, when it cannot be created.</summary>
    public async Task<bool> BeginAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cds-rehearsal-{Guid.NewGuid():N}.db");
        var store = new SqliteStateStore(path, commandTimeoutSeconds: 5);
        try
        {
            await store.MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or StoreUnavailableException or OperationCanceledException)
        {
            LogUnavailable(logger, e.GetType().Name);
            await store.CloseAsync();
            Delete(path);
            return false;
        }

        lock (_sync)
        {
            _store = store;
            _open = true;
        }

        return true;
    }

    /// <summary>The scratch store for one rehearsal, held until the lease is disposed; null when none is open.</summary>
    public Lease? Enter()
    {
        lock (_sync)
        {
            if (!_open || _store is null)
            {
                return null;
            }

            _users++;
            return new Lease(this, _store);
        }
    }

    /// <summary>Closes the scratch store once the rehearsals still using it are done, and deletes its files.</summary>
    public async Task EndAsync()
    {
        SqliteStateStore? store;
        Task inUse;
        lock (_sync)
        {
            _open = false;
            store = _store;
            _store = null;
            inUse = _users == 0 ? Task.CompletedTask : (_released = new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        if (store is null)
        {
            return;
        }

        // Rehearsals in flight finish within their own call timeout; none starts any more.
        await inUse.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await store.CloseAsync();
        Delete(store.Path);
    }

    public async ValueTask DisposeAsync() => await EndAsync();

    private void Release()
    {
        lock (_sync)
        {
            if (--_users == 0)
            {
                _released?.TrySetResult();
            }
        }
    }

    private static void Delete(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A scratch file in the temporary directory, holding no PHI: the system's own clean-up takes it.
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Rehearsals run without state: no scratch store in the temporary directory ({Failure})")]
    private static partial void LogUnavailable(ILogger logger, string failure);

    /// <summary>One rehearsal's use of the scratch store.</summary>
    internal sealed class Lease(RehearsalStore owner, IStateStore store) : IDisposable
    {
        private int _disposed;

        public IStateStore Store { get; } = store;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
