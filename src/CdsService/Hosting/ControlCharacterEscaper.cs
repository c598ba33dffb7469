using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.Hosting;

/// <summary>
/// Escapes CR, LF and every other control or line-separator character in every property of every log event, before
/// any sink sees it, so that a value from a request (a decoded path such as <c>x%0D%0A[02:00:00 INF] FORGED</c>, an id,
/// a header) cannot start a forged log line (CWE-117). Message templates are the code's own and are left alone.
/// </summary>
/// <remarks>
/// An enricher rather than call-site escaping, so that no log statement can forget it, including those of ASP.NET
/// Core and Serilog's request logging. Scope properties that Microsoft.Extensions.Logging adds after the root
/// enrichers are escaped where they are created (<see cref="Escape(string)"/>).
/// </remarks>
internal sealed class ControlCharacterEscaper : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? escaped = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var safe = Escape(value);
            if (!ReferenceEquals(safe, value))
            {
                (escaped ??= []).Add(new LogEventProperty(name, safe));
            }
        }

        foreach (var property in escaped ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The text with control characters written as <c>\r</c>, <c>\n</c>, <c>\t</c> or <c>\uXXXX</c>.</summary>
    public static string Escape(string text)
    {
        if (!text.AsSpan().ContainsAny(Unsafe))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\r' => builder.Append("\\r"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                _ when IsUnsafe(c) => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), .. Enumerable.Range(0x7f, 0x21).Select(i => (char)i), '\u2028', '\u2029', '\u0085']);

    private static bool IsUnsafe(char c) => c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029';

    private static LogEventPropertyValue Escape(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } => Escape(text) is var safe && !ReferenceEquals(safe, text) ? new ScalarValue(safe) : value,
        ScalarValue { Value: null or bool or char or int or long or double or decimal or float or short or byte or uint or ulong or DateTime or DateTimeOffset or TimeSpan or Guid or Enum } => value,

        // PathString, Uri and the like render through ToString(): the request-logging path is one of these.
        ScalarValue { Value: { } other } => other.ToString() is { } text && Escape(text) is var safe && !ReferenceEquals(safe, text) ? new ScalarValue(safe) : value,
        SequenceValue sequence => EscapeAll(sequence.Elements) is { } elements ? new SequenceValue(elements) : value,
        StructureValue structure => EscapeAll(structure.Properties) is { } properties ? new StructureValue(properties, structure.TypeTag) : value,
        DictionaryValue dictionary => dictionary.Elements.Any(e => !ReferenceEquals(Escape(e.Key), e.Key) || !ReferenceEquals(Escape(e.Value), e.Value))
            ? new DictionaryValue(dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Escape(e.Key), Escape(e.Value))))
            : value,
        _ => value,
    };

    private static List<LogEventPropertyValue>? EscapeAll(IReadOnlyList<LogEventPropertyValue> values)
    {
        var escaped = values.Select(Escape).ToList();
        return escaped.Where((v, i) => !ReferenceEquals(v, values[i])).Any() ? escaped : null;
    }

    private static List<LogEventProperty>? EscapeAll(IReadOnlyList<LogEventProperty> properties)
    {
        var escaped = properties.Select(p => Escape(p.Value) is var safe && !ReferenceEquals(safe, p.Value) ? new LogEventProperty(p.Name, safe) : p).ToList();
        return escaped.Where((p, i) => !ReferenceEquals(p, properties[i])).Any() ? escaped : null;
    }
}
