using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.IntegrationTests.Security;

/// <summary>A Serilog sink the service picks up from DI (ReadFrom.Services): every event it logs, as structured data.</summary>
internal sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => [.. _events];

    /// <summary>The reason codes of the refusals logged so far, oldest first.</summary>
    public IReadOnlyList<string> Reasons =>
        [.. _events.Where(e => e.Properties.ContainsKey("Reason")).Select(e => ((ScalarValue)e.Properties["Reason"]).Value!.ToString()!)];

    /// <summary>Everything a log store would keep: rendered messages, templates, every property and any exception.</summary>
    public string AllText()
    {
        var text = new StringBuilder();
        foreach (var e in _events)
        {
            text.AppendLine(e.RenderMessage(CultureInfo.InvariantCulture)).AppendLine(e.MessageTemplate.Text);
            foreach (var (name, value) in e.Properties)
            {
                text.Append(name).Append('=').AppendLine(value.ToString());
            }

            text.AppendLine(e.Exception?.ToString());
        }

        return text.ToString();
    }
}
