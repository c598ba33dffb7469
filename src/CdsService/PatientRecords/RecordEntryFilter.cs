using System.Text.Json;

namespace CdsService.PatientRecords;

/// <summary>
/// Decides from a resource's JSON alone, before it is parsed, whether it can reach the patient record: the policy
/// reads its type (<see cref="IRecordInterest.ResourceTypes"/>), it belongs to this patient (the same rule as
/// <see cref="PatientRecordBuilder"/> and <see cref="References.PointsTo"/>), and an Observation carries a coding
/// the policy's value sets name. When in doubt (an unexpected shape) the resource is kept, for Firely to judge.
/// </summary>
internal static class RecordEntryFilter
{
    public static Func<JsonElement, bool> For(string patientId, IRecordInterest interest) =>
        resource => Keep(resource, patientId, interest);

    private static bool Keep(JsonElement resource, string patientId, IRecordInterest interest)
    {
        if (!resource.TryGetProperty("resourceType", out var typeJson) || typeJson.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        var type = typeJson.GetString()!;
        if (!interest.ResourceTypes.Contains(type))
        {
            return false;
        }

        return type switch
        {
            // Referenced by medication uses of this patient; it names no patient itself.
            "Medication" => true,
            "Patient" => !resource.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.ValueEquals(patientId),
            "Coverage" => Mine(resource, "beneficiary", patientId),
            "Observation" => Mine(resource, "subject", patientId) && MayMatter(resource, interest),
            _ => Mine(resource, "subject", patientId),
        };
    }

    private static bool Mine(JsonElement resource, string element, string patientId)
    {
        if (!resource.TryGetProperty(element, out var reference))
        {
            return false;
        }

        if (reference.ValueKind != JsonValueKind.Object
            || !reference.TryGetProperty("reference", out var value)
            || value.ValueKind != JsonValueKind.String)
        {
            // An odd shape (an array the repair would unwrap, say): keep it and let the builder decide.
            return reference.ValueKind is JsonValueKind.Array;
        }

        var text = value.GetString()!;
        var history = text.IndexOf("/_history/", StringComparison.Ordinal);
        var path = history >= 0 ? text.AsSpan(0, history) : text.AsSpan();
        var expected = "Patient/" + patientId;
        return path.SequenceEqual(expected) || path.EndsWith("/" + expected, StringComparison.Ordinal);
    }

    private static bool MayMatter(JsonElement observation, IRecordInterest interest)
    {
        if (Matches(observation, "code", interest) || Matches(observation, "valueCodeableConcept", interest))
        {
            return true;
        }

        if (observation.TryGetProperty("component", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var component in components.EnumerateArray())
            {
                if (component.ValueKind == JsonValueKind.Object
                    && (Matches(component, "code", interest) || Matches(component, "valueCodeableConcept", interest)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Matches(JsonElement parent, string element, IRecordInterest interest)
    {
        if (!parent.TryGetProperty(element, out var concept))
        {
            return false;
        }

        // A concept of the wrong shape cannot be judged here: keep it.
        if (concept.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        if (!concept.TryGetProperty("coding", out var codings))
        {
            return false;
        }

        if (codings.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        foreach (var coding in codings.EnumerateArray())
        {
            if (coding.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (coding.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String
                && coding.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
            {
                if (interest.ObservationCodingMatters(system.GetString()!, code.GetString()!))
                {
                    return true;
                }
            }
            else
            {
                return true;
            }
        }

        return false;
    }
}
