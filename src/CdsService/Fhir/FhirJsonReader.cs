using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace CdsService.Fhir;

/// <summary>
/// Parses FHIR R4 JSON with the Firely SDK, tolerating the slightly invalid FHIR that real clients send where the
/// meaning is clear. Every tolerated problem is reported as a <see cref="FhirParseIssue"/> (code and path, never the
/// value, which may be PHI) so callers can log it.
/// </summary>
internal sealed partial class FhirJsonReader
{
    // Firely keeps a value of the wrong shape or type and throws when the property is later read. A single value
    // where R4 wants an array (and the reverse) is repaired; the other kinds cannot be, so the resource is refused.
    private const string WrongCardinalityShape = "PVAL127";
    private const string UnknownResourceType = "PVAL130";
    private const string InvalidLiteral = "PVAL124";

    // Firely keeps a null inside a repeating element, and code walking the list then meets it.
    private const string NullInArray = "PVAL104";
    private static readonly HashSet<string> Poisoned = [WrongCardinalityShape, NullInArray, "PVAL116", "PVAL123", "JSON131", "JSON132"];

    private readonly FhirJsonDeserializer _deserializer = new(new DeserializerSettings());

    /// <param name="element">The JSON of one resource.</param>
    /// <param name="dropBadEntries">
    /// For searchset Bundles (prefetch): drop an entry whose values cannot be read instead of refusing the Bundle,
    /// so one malformed historical record does not cost the whole decision.
    /// </param>
    public FhirParseResult Read(JsonElement element, bool dropBadEntries = false)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FhirParseException("is not a FHIR resource (expected a JSON object)");
        }

        var (resource, issues) = Deserialize(JsonMarshal.GetRawUtf8Value(element));
        if (issues.FirstOrDefault(i => i.ErrorCode == UnknownResourceType) is { } unknownType)
        {
            throw new NotR4Exception(unknownType.Message);
        }

        IReadOnlyList<FhirParseIssue> tolerated = [];
        if (issues.Any(i => i.ErrorCode is WrongCardinalityShape or NullInArray) || HasEmptyString(issues, JsonMarshal.GetRawUtf8Value(element)))
        {
            var node = JsonNode.Parse(JsonMarshal.GetRawUtf8Value(element))!.AsObject();
            tolerated = ShapeRepair.Repair(node);
            (resource, issues) = Deserialize(JsonSerializer.SerializeToUtf8Bytes(node));
        }

        if (resource is null)
        {
            throw new FhirParseException("could not be read as a FHIR resource");
        }

        var poisoned = issues.Where(i => Poisoned.Contains(i.ErrorCode)).ToList();
        if (poisoned.Count > 0)
        {
            tolerated = [.. tolerated, .. DropEntries(resource, poisoned, dropBadEntries)];
        }

        return new FhirParseResult(resource, [.. tolerated, .. issues.Where(i => !Poisoned.Contains(i.ErrorCode)).Select(ToIssue)]);
    }

    // Firely keeps an empty string (invalid FHIR JSON) and would write it back out, which CDS Hooks forbids; an empty
    // value means "absent", so the repair drops it. The byte scan keeps the JSON walk off the path of valid input.
    private static bool HasEmptyString(IReadOnlyList<CodedException> issues, ReadOnlySpan<byte> utf8) =>
        issues.Any(i => i.ErrorCode == InvalidLiteral) && utf8.IndexOf("\"\""u8) >= 0;

    private static IEnumerable<FhirParseIssue> DropEntries(Resource resource, List<CodedException> poisoned, bool allowed)
    {
        var entries = poisoned.Select(p => (Issue: p, Entry: EntryIndex(Path(p)))).ToList();
        if (!allowed || resource is not Bundle bundle || entries.Any(e => e.Entry is null))
        {
            var first = poisoned[0];
            throw new FhirParseException($"is not valid FHIR R4: {first.Message.TrimEnd()} ({first.ErrorCode})");
        }

        foreach (var index in entries.Select(e => e.Entry!.Value).Distinct().OrderDescending())
        {
            bundle.Entry.RemoveAt(index);
        }

        return entries.Select(e => new FhirParseIssue(DroppedCode, $"{Path(e.Issue)} ({e.Issue.ErrorCode})"));
    }

    public const string DroppedCode = "DROPPED-ENTRY";

    private static int? EntryIndex(string path) =>
        EntryPath().Match(path) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^Bundle\.entry\[(\d+)\]\.resource")]
    private static partial Regex EntryPath();

    private (Resource? Resource, IReadOnlyList<CodedException> Issues) Deserialize(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            _deserializer.TryDeserializeResource(ref reader, out var resource, out var issues);
            return (resource, issues.ToList());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or InvalidCastException)
        {
            // Firely reports most problems as issues but throws on some shapes (a resourceType that is an array, say);
            // for untrusted input that is a malformed resource, not a server failure.
            throw new FhirParseException($"could not be read as a FHIR resource ({e.GetType().Name})");
        }
    }

    private static FhirParseIssue ToIssue(CodedException e) => new(e.ErrorCode, Path(e));

    private static string Path(CodedException e) => e switch
    {
        FhirJsonException j => j.InstancePath ?? "",
        Hl7.Fhir.Validation.CodedValidationException v => v.InstancePath ?? "",
        _ => "",
    };
}

/// <summary>A parsed resource and the problems that were tolerated on the way.</summary>
internal sealed record FhirParseResult(Resource Resource, IReadOnlyList<FhirParseIssue> Issues);

/// <summary>A tolerated problem: a Firely error code (or one of ours) and the element path.</summary>
internal sealed record FhirParseIssue(string Code, string Path);

internal class FhirParseException(string problem) : Exception(problem);

internal sealed class NotR4Exception(string firelyMessage)
    : FhirParseException($"is not FHIR R4 ({firelyMessage.TrimEnd()}); this service accepts FHIR R4 resources only");
