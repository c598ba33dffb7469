using System.Collections.Concurrent;
using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>A Serilog sink that keeps every event, to check what the service logs (and what it must never log).</summary>
internal sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>Each event as text: rendered message, every property and any exception with its stack.</summary>
    public IEnumerable<string> AllText() => Events.Select(e =>
        $"{e.RenderMessage(CultureInfo.InvariantCulture)} | {string.Join(" | ", e.Properties.Select(p => $"{p.Key}={p.Value}"))} | {e.Exception}");

    public IEnumerable<LogEvent> Named(string messageTemplateStart) =>
        Events.Where(e => e.MessageTemplate.Text.StartsWith(messageTemplateStart, StringComparison.Ordinal));
}
