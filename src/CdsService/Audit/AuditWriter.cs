using CdsService.Storage;
using Microsoft.Extensions.Options;

namespace CdsService.Audit;

/// <summary>
/// Moves queued hook-call records into the store in batches, one transaction each. While the store is unavailable it
/// retries with a growing delay (capped), logging the backlog; on shutdown it stops taking records and drains the
/// queue for up to <see cref="AuditOptions.DrainTimeout"/>, then reports what it could not write.
/// </summary>
internal sealed partial class AuditWriter(AuditQueue queue, IAuditStore store, IOptions<AuditOptions> options, ILogger<AuditWriter> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _giveUp = new();
    private Task _loop = Task.CompletedTask;
    private int _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_giveUp.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The first stop starts the drain; any later one (a host may stop a service again while it is being disposed,
        // as WebApplicationFactory does) waits for the same drain instead of returning early and letting the host
        // dispose what the drain still needs.
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            queue.Complete();
            _giveUp.CancelAfter(options.Value.DrainTimeout);
        }

        // Not the host's token: a host that stops "now" (test servers do) would otherwise drop the backlog on the floor.
        // The drain is bounded by DrainTimeout through _giveUp instead.
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        // Every stop waits for the drain, so a loop still running here was never stopped (a host that failed to start)
        // or its host gave up waiting: end it now. The token source is released only once the loop no longer reads it.
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            queue.Complete();
        }

        _giveUp.Cancel();
        if (_loop.IsCompleted)
        {
            _giveUp.Dispose();
        }
    }

    private async Task RunAsync(CancellationToken giveUp)
    {
        var batch = new List<PendingCall>(options.Value.BatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(giveUp))
            {
                if (options.Value.BatchLinger > TimeSpan.Zero && queue.Backlog < options.Value.BatchSize && !queue.Completing.IsCompleted)
                {
                    // Let the batch fill. Shutdown (the queue completed) ends the wait at once: the drain has its own budget.
                    // WhenAny never throws: a cancelled delay (the drain gave up) just ends the wait.
                    await Task.WhenAny(Task.Delay(options.Value.BatchLinger, giveUp), queue.Completing);
                }

                while (batch.Count < options.Value.BatchSize && queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await WriteAsync(batch, giveUp);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            var lost = batch.Count;
            foreach (var pending in batch)
            {
                queue.MarkLost(pending);
            }

            while (queue.Reader.TryRead(out var pending))
            {
                queue.MarkLost(pending);
                lost++;
            }

            if (lost > 0)
            {
                LogLostAtShutdown(logger, lost, options.Value.DrainTimeout.TotalSeconds);
            }
        }
    }

    private async Task WriteAsync(List<PendingCall> batch, CancellationToken giveUp)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.SaveHookCallsAsync([.. batch.Select(p => p.Record)], giveUp);
                foreach (var pending in batch)
                {
                    queue.MarkCommitted(pending);
                }

                if (attempt > 1)
                {
                    LogRecovered(logger, attempt, queue.Backlog);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !giveUp.IsCancellationRequested)
            {
                // Whatever the failure, the records stay in hand: losing the audit trail is worse than retrying.
                LogRetrying(logger, e, batch.Count, queue.Backlog, queue.Dropped, delay.TotalSeconds, (e as StoreUnavailableException)?.InnerException?.GetType().Name ?? e.GetType().Name);
                await Task.Delay(delay, giveUp);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Audit store unavailable ({Failure}): {BatchCount} records in hand, {Backlog} queued, {Dropped} dropped since start; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogRetrying(ILogger logger, Exception exception, int batchCount, int backlog, long dropped, double delaySeconds, string failure);

    [LoggerMessage(LogLevel.Information, "Audit store reachable again after {Attempts} attempts; {Backlog} records queued")]
    private static partial void LogRecovered(ILogger logger, int attempts, int backlog);

    [LoggerMessage(LogLevel.Error, "Shutdown: {Lost} audit records could not be written within {DrainSeconds} s and are lost")]
    private static partial void LogLostAtShutdown(ILogger logger, int lost, double drainSeconds);
}
