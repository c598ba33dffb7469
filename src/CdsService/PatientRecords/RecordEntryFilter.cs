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
    public static Func<JsonElement, bool> For(string patientId, IRecordInterest interest)
    {
        // Built once per request, not per entry: the reference text the common case compares against, and the types
        // as an array so that an entry's type is compared in place (ValueEquals) instead of copied out as a string.
        var patient = new PatientReference(patientId);
        var types = interest.ResourceTypes.ToArray();
        return resource => Keep(resource, patient, types, interest);
    }

    private static bool Keep(JsonElement resource, PatientReference patient, string[] types, IRecordInterest interest)
    {
        if (!resource.TryGetProperty("resourceType", out var typeJson) || typeJson.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        return TypeOf(typeJson, types) switch
        {
            null => false,
            // Referenced by medication uses of this patient; it names no patient itself.
            "Medication" => true,
            "Patient" => !resource.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.ValueEquals(patient.Id),
            "Coverage" => Mine(resource, "beneficiary", patient),
            "Observation" => Mine(resource, "subject", patient) && MayMatter(resource, interest),
            _ => Mine(resource, "subject", patient),
        };
    }

    private static string? TypeOf(JsonElement typeJson, string[] types)
    {
        foreach (var type in types)
        {
            if (typeJson.ValueEquals(type))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>The forms a reference to the patient takes: <c>Patient/id</c>, or an absolute URL ending in it.</summary>
    private sealed class PatientReference(string id)
    {
        public string Id { get; } = id;

        public string Relative { get; } = "Patient/" + id;

        public string Suffix { get; } = "/Patient/" + id;
    }

    private static bool Mine(JsonElement resource, string element, PatientReference patient)
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

        // The usual reference, compared where it lies; anything else (absolute, versioned, escaped) is read out.
        if (value.ValueEquals(patient.Relative))
        {
            return true;
        }

        var text = value.GetString()!;
        var history = text.IndexOf("/_history/", StringComparison.Ordinal);
        var path = history >= 0 ? text.AsSpan(0, history) : text.AsSpan();
        return path.SequenceEqual(patient.Relative) || path.EndsWith(patient.Suffix, StringComparison.Ordinal);
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
