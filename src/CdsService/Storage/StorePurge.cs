using Microsoft.Extensions.Options;

namespace CdsService.Storage;

/// <summary>Deletes what is older than <see cref="StorageOptions.RetentionDays"/>, and expired form sessions, every <see cref="StorageOptions.PurgeInterval"/>.</summary>
internal sealed partial class StorePurge(IStateStore store, IOptions<StorageOptions> options, TimeProvider clock, ILogger<StorePurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, clock);
        do
        {
            try
            {
                var now = clock.GetUtcNow();
                var purged = await store.PurgeAsync(now.AddDays(-options.Value.RetentionDays), now, stoppingToken);
                if (purged > 0)
                {
                    LogPurged(logger, purged, options.Value.RetentionDays);
                }
            }
            catch (StoreUnavailableException e)
            {
                // The next round tries again; nothing is lost by purging late.
                LogPurgeFailed(logger, e.InnerException?.GetType().Name ?? e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(LogLevel.Information, "Purged {Count} stored rows older than {RetentionDays} days")]
    private static partial void LogPurged(ILogger logger, int count, int retentionDays);

    [LoggerMessage(LogLevel.Warning, "Purge skipped: the state store is unavailable ({Failure})")]
    private static partial void LogPurgeFailed(ILogger logger, string failure);
}
