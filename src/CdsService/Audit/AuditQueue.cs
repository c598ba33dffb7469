using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace CdsService.Audit;

/// <summary>
/// Hook-call records on their way to the store. Enqueueing never waits: the hook answers at once whatever the
/// store's state, and <see cref="AuditWriter"/> writes behind it. The queue is bounded; when the store has been down
/// long enough to fill it, further records are dropped and counted in the log rather than growing memory without end.
/// </summary>
internal sealed partial class AuditQueue(IOptions<AuditOptions> options, ILogger<AuditQueue> logger)
{
    private readonly Channel<PendingCall> _channel = Channel.CreateBounded<PendingCall>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    // Cards issued but not yet committed, so that feedback arriving within milliseconds of the answer can wait for them.
    private readonly ConcurrentDictionary<string, PendingCall> _uncommittedCards = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _completing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dropped;

    public ChannelReader<PendingCall> Reader => _channel.Reader;

    /// <summary>Records waiting for the store.</summary>
    public int Backlog => _channel.Reader.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Enqueue(HookCallRecord record)
    {
        var pending = new PendingCall(record);
        foreach (var card in record.Cards)
        {
            _uncommittedCards[card.Uuid] = pending;
        }

        if (!_channel.Writer.TryWrite(pending))
        {
            Forget(pending);
            // Counted every time, logged on the first and every thousandth: an outage must not also flood the log.
            var dropped = Interlocked.Increment(ref _dropped);
            if (dropped == 1 || dropped % 1000 == 0)
            {
                LogDropped(logger, dropped, options.Value.QueueCapacity);
            }
        }
    }

    /// <summary>Completes when the card's hook call is in the store; null when it is not waiting in this queue.</summary>
    public Task? WhenCommitted(string cardUuid) => _uncommittedCards.TryGetValue(cardUuid, out var pending) ? pending.Committed.Task : null;

    /// <summary>Completes when <see cref="Complete"/> is called, while records may still be queued (unlike the reader's Completion).</summary>
    public Task Completing => _completing.Task;

    /// <summary>No record is accepted after this; the writer drains what is queued.</summary>
    public void Complete()
    {
        _channel.Writer.TryComplete();
        _completing.TrySetResult();
    }

    public void MarkCommitted(PendingCall pending)
    {
        Forget(pending);
        pending.Committed.TrySetResult();
    }

    public void MarkLost(PendingCall pending)
    {
        Forget(pending);
        pending.Committed.TrySetCanceled();
    }

    private void Forget(PendingCall pending)
    {
        foreach (var card in pending.Record.Cards)
        {
            _uncommittedCards.TryRemove(new KeyValuePair<string, PendingCall>(card.Uuid, pending));
        }
    }

    [LoggerMessage(LogLevel.Error, "Audit queue full ({Capacity} records waiting for the store): hook-call records are being dropped, {DroppedTotal} since start")]
    private static partial void LogDropped(ILogger logger, long droppedTotal, int capacity);
}

internal sealed class PendingCall(HookCallRecord record)
{
    public HookCallRecord Record { get; } = record;

    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
