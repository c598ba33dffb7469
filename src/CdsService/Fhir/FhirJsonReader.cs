using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace CdsService.Fhir;

/// <summary>
/// Parses FHIR R4 JSON with the Firely SDK, tolerating the slightly invalid FHIR that real clients send where
/// the meaning is clear. Every tolerated problem is reported as a <see cref="FhirParseIssue"/> (code and path,
/// never the value, which may be PHI) so callers can log it.
/// </summary>
internal sealed class FhirJsonReader
{
    // Firely stores a wrongly shaped value (an object where an array belongs) and throws when the property is
    // read; those are repaired before they can reach the policy.
    private const string ExpectedCollection = "PVAL127";
    private const string ExpectedSingle = "PVAL128";
    private const string UnknownResourceType = "PVAL130";

    private readonly FhirJsonDeserializer _deserializer = new(new DeserializerSettings());

    public FhirParseResult Read(JsonElement element)
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

        IReadOnlyList<FhirParseIssue> repairs = [];
        if (issues.Any(IsShapeError))
        {
            var node = JsonNode.Parse(JsonMarshal.GetRawUtf8Value(element))!.AsObject();
            repairs = ShapeRepair.Repair(node);
            (resource, issues) = Deserialize(JsonSerializer.SerializeToUtf8Bytes(node));
            if (issues.Any(IsShapeError))
            {
                throw new FhirParseException($"is not valid FHIR R4 JSON: {Describe(issues.First(IsShapeError))}");
            }
        }

        if (resource is null)
        {
            throw new FhirParseException("could not be read as a FHIR resource");
        }

        return new FhirParseResult(resource, [.. repairs, .. issues.Select(ToIssue)]);
    }

    private (Resource? Resource, IReadOnlyList<CodedException> Issues) Deserialize(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        _deserializer.TryDeserializeResource(ref reader, out var resource, out var issues);
        return (resource, issues.ToList());
    }

    private static bool IsShapeError(CodedException e) => e.ErrorCode is ExpectedCollection or ExpectedSingle;

    private static FhirParseIssue ToIssue(CodedException e) => new(e.ErrorCode, Path(e));

    private static string Describe(CodedException e) => $"{e.ErrorCode} at {Path(e)}";

    private static string Path(CodedException e) => e switch
    {
        FhirJsonException j => j.InstancePath ?? "",
        Hl7.Fhir.Validation.CodedValidationException v => v.InstancePath ?? "",
        _ => "",
    };
}

/// <summary>A parsed resource and the problems that were tolerated on the way.</summary>
internal sealed record FhirParseResult(Resource Resource, IReadOnlyList<FhirParseIssue> Issues);

/// <summary>A tolerated problem: a Firely error code (or <c>REPAIRED</c>) and the element path.</summary>
internal sealed record FhirParseIssue(string Code, string Path);

internal class FhirParseException(string problem) : Exception(problem);

internal sealed class NotR4Exception(string firelyMessage)
    : FhirParseException($"is not FHIR R4 ({firelyMessage.TrimEnd()}); this service accepts FHIR R4 resources only");
