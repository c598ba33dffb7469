using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CdsService.Storage;

/// <summary>
/// Checkpoints the embedded store's WAL every <see cref="SqliteStorageOptions.CheckpointInterval"/> when something was
/// committed since the last round, beside the writer rather than inside its commits (see
/// <see cref="SqliteStateStore.WriterCheckpointPages"/>). Does nothing when the store is PostgreSQL.
/// </summary>
internal sealed partial class SqliteCheckpointer(IStateStore store, IOptions<StorageOptions> options, TimeProvider clock, ILogger<SqliteCheckpointer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not SqliteStateStore sqlite)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Sqlite.CheckpointInterval, clock);
        // The first round always runs: it also copies what a previous run of the service left in the WAL.
        long checkpointedAt = -1;
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var committed = sqlite.CommittedGroups;
                if (committed == checkpointedAt)
                {
                    continue;
                }

                try
                {
                    var (walPages, checkpointed) = sqlite.Checkpoint();
                    checkpointedAt = committed;
                    if (failing)
                    {
                        failing = false;
                        LogRecovered(logger, walPages, checkpointed);
                    }
                }
                catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
                {
                    // Nothing is lost: the WAL is durable, and the writer checkpoints itself once it is large. An
                    // optimisation that fails must not stop the host (an escaping exception would). Logged once per
                    // outage, not every round.
                    if (!failing)
                    {
                        failing = true;
                        LogFailed(logger, e is SqliteException sqliteError ? $"SQLite error {sqliteError.SqliteErrorCode}" : e.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Released when the host stops (back to the connection pool), not left to the next garbage collection.
            sqlite.CloseCheckpointConnection();
        }
    }

    [LoggerMessage(LogLevel.Warning, "WAL checkpoint failed ({Failure}); retrying every interval, the writer checkpoints itself if the WAL grows large")]
    private static partial void LogFailed(ILogger logger, string failure);

    [LoggerMessage(LogLevel.Information, "WAL checkpoints resumed ({Checkpointed} of {WalPages} WAL pages in the database)")]
    private static partial void LogRecovered(ILogger logger, int walPages, int checkpointed);
}
