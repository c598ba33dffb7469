using System.Buffers;
using System.Text.Json;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace CdsService.Fhir;

/// <summary>
/// Fixes the one class of invalid FHIR JSON whose meaning is unambiguous: a single value where R4 wants an
/// array (the CDS Hooks Sandbox sends <c>MedicationRequest.category</c> as an object), or a one-element array
/// where R4 wants a single value. It walks the JSON with Firely's model metadata, so it knows every element's
/// cardinality without a hand-written list. It also drops empty strings and nulls inside arrays, which FHIR JSON
/// forbids and which can only mean "no value" (a null kept in step with a <c>_name</c> extension array stays), and
/// elements R4 does not define, which Firely would keep and write back out.
/// </summary>
/// <remarks>
/// One forward pass that copies the (already parsed, read-only) JSON into a new buffer, building each repaired array
/// as it goes: linear in the size of the input whatever its shape, and never throws on an unexpected one (a bare
/// choice name, a non-string <c>resourceType</c>, any depth the parser accepted).
/// </remarks>
internal static class ShapeRepair
{
    public const string RepairedCode = "REPAIRED";

    private static readonly JsonWriterOptions WriterOptions = new() { MaxDepth = JsonInput.MaxDepth + 64, SkipValidation = true };

    /// <summary>The repaired JSON, written to <paramref name="output"/>; returns what was repaired.</summary>
    public static IReadOnlyList<FhirParseIssue> Repair(JsonElement resource, IBufferWriter<byte> output)
    {
        var repairs = new List<FhirParseIssue>();
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        // A resource with a key twice is copied as it is, for Firely to refuse (JSON129): repairing first could drop
        // one of the two (an empty string, an unknown element) and so quietly pick a value.
        if (ResourceTypeOf(resource) is { } type && ModelInfo.ModelInspector.FindClassMapping(type) is { } mapping
            && JsonInput.FindDuplicateKey(resource, type, deep: true) is null)
        {
            Walk(resource, mapping, type, writer, repairs);
        }
        else
        {
            resource.WriteTo(writer);
        }

        writer.Flush();
        return repairs;
    }

    private static string? ResourceTypeOf(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;

    private static void Walk(JsonElement json, ClassMapping mapping, string path, Utf8JsonWriter writer, List<FhirParseIssue> repairs)
    {
        writer.WriteStartObject();
        foreach (var member in json.EnumerateObject())
        {
            var name = member.Name;
            if (name == "resourceType" || (name.StartsWith('_') && Find(mapping, name[1..]) is not null))
            {
                // The type, or a primitive's id and extensions: nothing to repair.
                member.WriteTo(writer);
                continue;
            }

            var property = Find(mapping, name);
            if (property is null)
            {
                // An element R4 does not define (the CRD Request Generator adds "_resolvedMedication" to every order).
                // It can mean nothing to a reader, and an order echoed back in a system action must carry only R4.
                repairs.Add(new FhirParseIssue(RepairedCode, $"{path}.{name}"));
                continue;
            }

            var value = member.Value;
            var childPath = $"{path}.{name}";
            if (IsEmptyString(value))
            {
                repairs.Add(new FhirParseIssue(RepairedCode, childPath));
                continue;
            }

            if (value.ValueKind == JsonValueKind.Array)
            {
                WriteArray(json, member, property, childPath, writer, repairs);
            }
            else if (property.IsCollection && value.ValueKind != JsonValueKind.Null)
            {
                writer.WritePropertyName(name);
                writer.WriteStartArray();
                WriteValue(value, property, name, childPath, writer, repairs);
                writer.WriteEndArray();
                repairs.Add(new FhirParseIssue(RepairedCode, childPath));
            }
            else
            {
                writer.WritePropertyName(name);
                WriteValue(value, property, name, childPath, writer, repairs);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteArray(
        JsonElement parent, JsonProperty member, PropertyMapping property, string path, Utf8JsonWriter writer, List<FhirParseIssue> repairs)
    {
        var name = member.Name;
        var items = member.Value;

        // A null kept in step with the primitive's "_name" extension array is meaningful; elsewhere it means nothing.
        var keepNulls = parent.TryGetProperty("_" + name, out _);
        bool Removable(JsonElement item) => IsEmptyString(item) || (item.ValueKind == JsonValueKind.Null && !keepNulls);

        var kept = 0;
        var removed = 0;
        var only = default(JsonElement);
        foreach (var item in items.EnumerateArray())
        {
            if (Removable(item))
            {
                removed++;
            }
            else if (kept++ == 0)
            {
                only = item;
            }
        }

        if (removed > 0)
        {
            repairs.Add(new FhirParseIssue(RepairedCode, path));
        }

        if (kept == 0)
        {
            if (removed == 0)
            {
                // An empty array: invalid FHIR, but Firely reports it; nothing to repair here.
                member.WriteTo(writer);
            }

            return;
        }

        writer.WritePropertyName(name);
        if (!property.IsCollection && kept == 1)
        {
            if (removed == 0)
            {
                repairs.Add(new FhirParseIssue(RepairedCode, path));
            }

            WriteValue(only, property, name, path, writer, repairs);
            return;
        }

        writer.WriteStartArray();
        foreach (var item in items.EnumerateArray())
        {
            if (!Removable(item))
            {
                WriteValue(item, property, name, path, writer, repairs);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(JsonElement value, PropertyMapping property, string jsonName, string path, Utf8JsonWriter writer, List<FhirParseIssue> repairs)
    {
        if (value.ValueKind == JsonValueKind.Object && ChildMapping(property, jsonName, value) is { } mapping)
        {
            Walk(value, mapping, path, writer, repairs);
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    private static PropertyMapping? Find(ClassMapping mapping, string name) =>
        mapping.FindMappedElementByName(name) ?? mapping.FindMappedElementByChoiceName(name);

    private static bool IsEmptyString(JsonElement node) => node.ValueKind == JsonValueKind.String && node.ValueEquals(""u8);

    private static ClassMapping? ChildMapping(PropertyMapping property, string jsonName, JsonElement child)
    {
        if (ResourceTypeOf(child) is { } resourceType)
        {
            return ModelInfo.ModelInspector.FindClassMapping(resourceType);
        }

        if (property.Choice == ChoiceType.DatatypeChoice)
        {
            // "medicationCodeableConcept" names its type; a bare "medication" names none, and is left for Firely to refuse.
            var suffix = jsonName.Length > property.Name.Length ? jsonName[property.Name.Length..] : "";
            return suffix.Length == 0
                ? null
                : ModelInfo.ModelInspector.FindClassMapping(suffix)
                    ?? ModelInfo.ModelInspector.FindClassMapping(char.ToLowerInvariant(suffix[0]) + suffix[1..]);
        }

        return ModelInfo.ModelInspector.FindOrImportClassMapping(property.ImplementingType);
    }
}
