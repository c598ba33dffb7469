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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_giveUp.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        _giveUp.CancelAfter(options.Value.DrainTimeout);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _giveUp.Dispose();

    private async Task RunAsync(CancellationToken giveUp)
    {
        var batch = new List<PendingCall>(options.Value.BatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(giveUp))
            {
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
            catch (StoreUnavailableException e)
            {
                LogRetrying(logger, batch.Count, queue.Backlog, queue.Dropped, delay.TotalSeconds, e.InnerException?.GetType().Name ?? "unknown");
                await Task.Delay(delay, giveUp);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Audit store unavailable ({Failure}): {BatchCount} records in hand, {Backlog} queued, {Dropped} dropped since start; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogRetrying(ILogger logger, int batchCount, int backlog, long dropped, double delaySeconds, string failure);

    [LoggerMessage(LogLevel.Information, "Audit store reachable again after {Attempts} attempts; {Backlog} records queued")]
    private static partial void LogRecovered(ILogger logger, int attempts, int backlog);

    [LoggerMessage(LogLevel.Error, "Shutdown: {Lost} audit records could not be written within {DrainSeconds} s and are lost")]
    private static partial void LogLostAtShutdown(ILogger logger, int lost, double drainSeconds);
}
