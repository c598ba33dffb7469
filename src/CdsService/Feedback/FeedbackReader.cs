using System.Globalization;
using System.Text.Json;
using CdsService.CdsHooks;
using CdsService.Fhir;

namespace CdsService.Feedback;

/// <summary>
/// Reads a CDS Hooks 2.0 feedback body (§Feedback; invariants cds-fb-1..3) into items, or throws a 400 that names
/// the first item at fault. Unknown members are ignored; every required one is checked.
/// </summary>
internal static class FeedbackReader
{
    /// <summary>A client reports what one clinician did to one response's cards; far fewer than this.</summary>
    public const int MaxItems = 100;

    public static IReadOnlyList<FeedbackItem> Read(ReadOnlyMemory<byte> body)
    {
        string? invalidText;
        try
        {
            invalidText = JsonInput.FindInvalidText(body.Span);
        }
        catch (JsonException)
        {
            // Not JSON at all; the parse below says so.
            invalidText = null;
        }

        // GetString() throws on invalid UTF-8 or an unpaired surrogate, which would otherwise surface as a 500.
        if (invalidText is { } path)
        {
            throw CdsRequestException.BadRequest($"The feedback body has a string that is not valid Unicode (invalid UTF-8 or an unpaired surrogate) at '{path}'.");
        }

        JsonDocument document;
        try
        {
            // Duplicate keys refused, as in every body the service reads: which of two outcomes was meant is a guess.
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException e) when (e.Message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            throw CdsRequestException.BadRequest($"The feedback body has a duplicate key (line {e.LineNumber + 1}, byte {e.BytePositionInLine}); each key may appear once per object.");
        }
        catch (JsonException)
        {
            throw CdsRequestException.BadRequest("The feedback body is not valid JSON.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("feedback", out var feedback)
                || feedback.ValueKind != JsonValueKind.Array)
            {
                throw CdsRequestException.BadRequest("The feedback body must be an object with a 'feedback' array.");
            }

            var count = feedback.GetArrayLength();
            if (count is 0 or > MaxItems)
            {
                throw CdsRequestException.BadRequest($"'feedback' must hold 1 to {MaxItems} items; it holds {count}.");
            }

            return [.. feedback.EnumerateArray().Select((item, i) => Item(item, $"feedback[{i}]"))];
        }
    }

    private static FeedbackItem Item(JsonElement item, string at)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Bad(at, "must be an object");
        }

        var card = RequiredString(item, "card", at);
        var outcome = RequiredString(item, "outcome", at);
        if (outcome is not ("accepted" or "overridden"))
        {
            throw Bad($"{at}.outcome", $"must be 'accepted' or 'overridden', not '{Truncate(outcome)}'");
        }

        var timestampText = RequiredString(item, "outcomeTimestamp", at);
        if (!timestampText.Contains('T', StringComparison.Ordinal)
            || !DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var timestamp)
            || !(timestampText.EndsWith('Z') || timestampText.EndsWith('z') || HasOffset(timestampText)))
        {
            throw Bad($"{at}.outcomeTimestamp", $"must be an RFC 3339 date-time with a time zone, e.g. 2021-12-11T10:05:31Z, not '{Truncate(timestampText)}'");
        }

        var accepted = AcceptedSuggestions(item, at);
        if (outcome == "accepted" && accepted.Count == 0)
        {
            throw Bad($"{at}.acceptedSuggestions", "is required when the outcome is 'accepted': the ids of the suggestions taken");
        }

        var (system, code, comment) = OverrideReason(item, at);
        return new FeedbackItem(at, card, outcome, timestamp.ToUniversalTime(), outcome == "accepted" ? accepted : [], system, code, comment);
    }

    private static List<string> AcceptedSuggestions(JsonElement item, string at)
    {
        if (!item.TryGetProperty("acceptedSuggestions", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"{at}.acceptedSuggestions", "must be an array of {\"id\": suggestion uuid}");
        }

        return [.. list.EnumerateArray().Select((s, j) => s.ValueKind == JsonValueKind.Object
            ? RequiredString(s, "id", $"{at}.acceptedSuggestions[{j}]")
            : throw Bad($"{at}.acceptedSuggestions[{j}]", "must be an object with an 'id'"))];
    }

    private static (string? System, string? Code, string? Comment) OverrideReason(JsonElement item, string at)
    {
        if (!item.TryGetProperty("overrideReason", out var reason) || reason.ValueKind == JsonValueKind.Null)
        {
            return (null, null, null);
        }

        var path = $"{at}.overrideReason";
        if (reason.ValueKind != JsonValueKind.Object)
        {
            throw Bad(path, "must be an object with a 'reason' and/or a 'userComment'");
        }

        string? system = null, code = null;
        if (reason.TryGetProperty("reason", out var coding) && coding.ValueKind != JsonValueKind.Null)
        {
            if (coding.ValueKind != JsonValueKind.Object)
            {
                throw Bad($"{path}.reason", "must be a Coding (code and system)");
            }

            code = RequiredString(coding, "code", $"{path}.reason");
            system = OptionalString(coding, "system", $"{path}.reason");
        }

        var comment = OptionalString(reason, "userComment", path);
        return code is null && comment is null
            ? throw Bad(path, "must have a 'reason' (Coding) or a 'userComment'")
            : (system, code, comment);
    }

    private static string RequiredString(JsonElement element, string name, string at) =>
        OptionalString(element, name, at) ?? throw Bad($"{at}.{name}", "is required");

    private static string? OptionalString(JsonElement element, string name, string at)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 4096 } text
            ? text
            : throw Bad($"{at}.{name}", "must be a non-empty string of at most 4096 characters");
    }

    private static bool HasOffset(string text) =>
        text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':';

    public static CdsRequestException Bad(string at, string problem) => CdsRequestException.BadRequest($"{at} {problem}.");

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>One validated feedback item; <see cref="At"/> names it in error messages (<c>feedback[2]</c>).</summary>
internal sealed record FeedbackItem(
    string At,
    string Card,
    string Outcome,
    DateTimeOffset OutcomeTimestamp,
    IReadOnlyList<string> AcceptedSuggestions,
    string? ReasonSystem,
    string? ReasonCode,
    string? UserComment);
