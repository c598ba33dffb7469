using System.Text.Json.Nodes;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace CdsService.Fhir;

/// <summary>
/// Fixes the one class of invalid FHIR JSON whose meaning is unambiguous: a single value where R4 wants an
/// array (the CDS Hooks Sandbox sends <c>MedicationRequest.category</c> as an object), or a one-element array
/// where R4 wants a single value. It walks the JSON with Firely's model metadata, so it knows every element's
/// cardinality without a hand-written list. It also drops empty strings and nulls inside arrays, which FHIR JSON
/// forbids and which can only mean "no value" (a null kept in step with a <c>_name</c> extension array stays).
/// </summary>
internal static class ShapeRepair
{
    public const string RepairedCode = "REPAIRED";

    public static IReadOnlyList<FhirParseIssue> Repair(JsonObject resource)
    {
        var repairs = new List<FhirParseIssue>();
        var type = resource["resourceType"]?.GetValue<string>();
        var mapping = type is null ? null : ModelInfo.ModelInspector.FindClassMapping(type);
        if (mapping is not null)
        {
            Walk(resource, mapping, type!, repairs);
        }

        return repairs;
    }

    private static void Walk(JsonObject json, ClassMapping mapping, string path, List<FhirParseIssue> repairs)
    {
        foreach (var name in json.Select(p => p.Key).ToList())
        {
            if (name == "resourceType" || name.StartsWith('_'))
            {
                continue;
            }

            var property = mapping.FindMappedElementByName(name) ?? mapping.FindMappedElementByChoiceName(name);
            if (property is null)
            {
                continue;
            }

            var value = json[name];
            var childPath = $"{path}.{name}";
            if (IsEmptyString(value))
            {
                json.Remove(name);
                repairs.Add(new FhirParseIssue(RepairedCode, childPath));
                continue;
            }

            bool Removable(JsonNode? item) => IsEmptyString(item) || (item is null && !json.ContainsKey("_" + name));
            if (value is JsonArray items && items.Any(Removable))
            {
                foreach (var empty in items.Where(Removable).ToList())
                {
                    items.Remove(empty);
                }

                repairs.Add(new FhirParseIssue(RepairedCode, childPath));
                if (items.Count == 0)
                {
                    json.Remove(name);
                    continue;
                }
            }

            if (property.IsCollection && value is JsonObject or JsonValue)
            {
                json.Remove(name);
                json[name] = new JsonArray(value);
                repairs.Add(new FhirParseIssue(RepairedCode, childPath));
            }
            else if (!property.IsCollection && value is JsonArray { Count: 1 } single)
            {
                var only = single[0];
                single.Clear();
                json[name] = only;
                repairs.Add(new FhirParseIssue(RepairedCode, childPath));
            }

            foreach (var child in Children(json[name]))
            {
                if (ChildMapping(property, name, child) is { } childMapping)
                {
                    Walk(child, childMapping, childPath, repairs);
                }
            }
        }
    }

    private static bool IsEmptyString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length == 0;

    private static IEnumerable<JsonObject> Children(JsonNode? node) => node switch
    {
        JsonObject o => [o],
        JsonArray a => a.OfType<JsonObject>(),
        _ => [],
    };

    private static ClassMapping? ChildMapping(PropertyMapping property, string jsonName, JsonObject child)
    {
        if (child["resourceType"] is JsonValue rt && rt.TryGetValue<string>(out var resourceType))
        {
            return ModelInfo.ModelInspector.FindClassMapping(resourceType);
        }

        if (property.Choice == ChoiceType.DatatypeChoice)
        {
            var suffix = jsonName[property.Name.Length..];
            return ModelInfo.ModelInspector.FindClassMapping(suffix)
                ?? ModelInfo.ModelInspector.FindClassMapping(char.ToLowerInvariant(suffix[0]) + suffix[1..]);
        }

        return ModelInfo.ModelInspector.FindOrImportClassMapping(property.ImplementingType);
    }
}
