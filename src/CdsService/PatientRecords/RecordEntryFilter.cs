using System.Text.Json;

namespace CdsService.PatientRecords;

/// <summary>
/// Decides from a resource's JSON alone, before it is parsed, whether it can reach the patient record: the policy
/// reads its type (<see cref="IRecordInterest.ResourceTypes"/>), it belongs to this patient (the same rule as
/// <see cref="PatientRecordBuilder"/> and <see cref="References.PointsTo"/>), and an Observation carries a coding
/// the policy's value sets name, and, when the policy reads its codes only within a window before the order
/// (<see cref="IRecordInterest.ObservationLookbackDays"/>), is dated inside it. When in doubt (an unexpected shape, a
/// date that does not parse) the resource is kept, for Firely to judge.
/// </summary>
internal static class RecordEntryFilter
{
    // Days beyond the window that are still kept: the policy compares dates as days in the order's and in UTC's
    // calendar, and the filter reads the day as written; these can differ by one each way, so what is skipped must be
    // out of the window in every reading.
    private const int WindowMargin = 2;

    /// <param name="patientId">The context's patient.</param>
    /// <param name="interest">What the policy reads.</param>
    /// <param name="earliestOrderDate">
    /// The earliest date any draft order is evaluated at (its authoredOn, or today); null keeps results of every date.
    /// </param>
    public static Func<JsonElement, bool> For(string patientId, IRecordInterest interest, DateOnly? earliestOrderDate = null)
    {
        // Built once per request, not per entry: the reference text the common case compares against, and the types
        // as an array so that an entry's type is compared in place (ValueEquals) instead of copied out as a string.
        var patient = new PatientReference(patientId);
        var types = interest.ResourceTypes.Select(t => (Name: t, Utf8: System.Text.Encoding.UTF8.GetBytes(t))).ToArray();
        return resource => Keep(resource, patient, types, interest, earliestOrderDate);
    }

    private static bool Keep(JsonElement resource, PatientReference patient, (string Name, byte[] Utf8)[] types, IRecordInterest interest, DateOnly? earliestOrderDate)
    {
        if (!resource.TryGetProperty("resourceType"u8, out var typeJson) || typeJson.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        return TypeOf(typeJson, types) switch
        {
            null => false,
            // Referenced by medication uses of this patient; it names no patient itself.
            "Medication" => true,
            "Patient" => !resource.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String || id.ValueEquals(patient.IdUtf8),
            "Coverage" => Mine(resource, "beneficiary"u8, patient),
            "Observation" => Mine(resource, "subject"u8, patient) && MayMatter(resource, interest, earliestOrderDate),
            _ => Mine(resource, "subject"u8, patient),
        };
    }

    private static string? TypeOf(JsonElement typeJson, (string Name, byte[] Utf8)[] types)
    {
        // Compared as UTF-8, as the JSON holds it: ValueEquals(string) transcodes the name on every call.
        foreach (var type in types)
        {
            if (typeJson.ValueEquals(type.Utf8))
            {
                return type.Name;
            }
        }

        return null;
    }

    /// <summary>The forms a reference to the patient takes: <c>Patient/id</c>, or an absolute URL ending in it.</summary>
    private sealed class PatientReference(string id)
    {
        public string Id { get; } = id;

        public string Relative { get; } = "Patient/" + id;

        // The same two as UTF-8, compared with the JSON in place without transcoding.
        public byte[] IdUtf8 { get; } = System.Text.Encoding.UTF8.GetBytes(id);

        public byte[] RelativeUtf8 { get; } = System.Text.Encoding.UTF8.GetBytes("Patient/" + id);

        public string Suffix { get; } = "/Patient/" + id;
    }

    private static bool Mine(JsonElement resource, ReadOnlySpan<byte> element, PatientReference patient)
    {
        if (!resource.TryGetProperty(element, out var reference))
        {
            return false;
        }

        if (reference.ValueKind != JsonValueKind.Object
            || !reference.TryGetProperty("reference"u8, out var value)
            || value.ValueKind != JsonValueKind.String)
        {
            // An odd shape (an array the repair would unwrap, say): keep it and let the builder decide.
            return reference.ValueKind is JsonValueKind.Array;
        }

        // The usual reference, compared where it lies; anything else (absolute, versioned, escaped) is read out.
        if (value.ValueEquals(patient.RelativeUtf8))
        {
            return true;
        }

        var text = value.GetString()!;
        var history = text.IndexOf("/_history/", StringComparison.Ordinal);
        var path = history >= 0 ? text.AsSpan(0, history) : text.AsSpan();
        return path.SequenceEqual(patient.Relative) || path.EndsWith(patient.Suffix, StringComparison.Ordinal);
    }

    private static bool MayMatter(JsonElement observation, IRecordInterest interest, DateOnly? earliestOrderDate)
    {
        var lookback = new Lookback();
        Matches(observation, "code"u8, interest, ref lookback);
        Matches(observation, "valueCodeableConcept"u8, interest, ref lookback);
        if (observation.TryGetProperty("component"u8, out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var component in components.EnumerateArray())
            {
                if (component.ValueKind == JsonValueKind.Object)
                {
                    Matches(component, "code"u8, interest, ref lookback);
                    Matches(component, "valueCodeableConcept"u8, interest, ref lookback);
                }
            }
        }

        if (!lookback.Matters)
        {
            return false;
        }

        // An order dated in the first days of the calendar (authoredOn 0001) leaves no day before the window to skip.
        return lookback.Unbounded
            || earliestOrderDate is not { } orderDate
            || orderDate.DayNumber - lookback.Days - WindowMargin is var cutoff && cutoff <= DateOnly.MinValue.DayNumber
            || !OlderThan(observation, DateOnly.FromDayNumber(cutoff));
    }

    /// <summary>What the codings found so far say: nothing matters, results of any date matter, or only the last N days'.</summary>
    private struct Lookback
    {
        public bool Matters;
        public bool Unbounded;
        public int Days;

        public void Keep(int? days)
        {
            Matters = true;
            if (days is { } n)
            {
                Days = Math.Max(Days, n);
            }
            else
            {
                Unbounded = true;
            }
        }
    }

    private static void Matches(JsonElement parent, ReadOnlySpan<byte> element, IRecordInterest interest, ref Lookback lookback)
    {
        if (!parent.TryGetProperty(element, out var concept))
        {
            return;
        }

        // A concept of the wrong shape cannot be judged here: keep it, at any date.
        if (concept.ValueKind != JsonValueKind.Object)
        {
            lookback.Keep(null);
            return;
        }

        if (!concept.TryGetProperty("coding"u8, out var codings))
        {
            return;
        }

        if (codings.ValueKind != JsonValueKind.Array)
        {
            lookback.Keep(null);
            return;
        }

        foreach (var coding in codings.EnumerateArray())
        {
            if (coding.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (coding.TryGetProperty("system"u8, out var system) && system.ValueKind == JsonValueKind.String
                && coding.TryGetProperty("code"u8, out var code) && code.ValueKind == JsonValueKind.String)
            {
                var (systemText, codeText) = (system.GetString()!, code.GetString()!);
                if (interest.ObservationCodingMatters(systemText, codeText))
                {
                    lookback.Keep(interest.ObservationLookbackDays(systemText, codeText));
                }
            }
            else
            {
                lookback.Keep(null);
            }
        }
    }

    /// <summary>
    /// True only when the result's date, read as the policy reads it (effective[x]'s start, else issued), parses and
    /// falls before <paramref name="cutoff"/>. Anything else (no date, an odd shape, two effective[x]) is kept.
    /// </summary>
    private static bool OlderThan(JsonElement observation, DateOnly cutoff)
    {
        string? text = null;
        var effectives = 0;
        foreach (var member in observation.EnumerateObject())
        {
            if (member.NameEquals("effectiveDateTime"u8) || member.NameEquals("effectiveInstant"u8))
            {
                effectives++;
                text = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
            }
            else if (member.NameEquals("effectivePeriod"u8))
            {
                effectives++;
                text = member.Value.ValueKind == JsonValueKind.Object && member.Value.TryGetProperty("start"u8, out var start) && start.ValueKind == JsonValueKind.String
                    ? start.GetString()
                    : null;
            }
            else if (member.NameEquals("effectiveTiming"u8))
            {
                effectives++;
            }
        }

        if (effectives > 1)
        {
            return false;
        }

        if (effectives == 0 || (text is null && observation.TryGetProperty("effectiveTiming"u8, out _)))
        {
            // BaselineLiverTests falls back to issued when there is no effective dateTime, period or instant.
            text = observation.TryGetProperty("issued"u8, out var issued) && issued.ValueKind == JsonValueKind.String ? issued.GetString() : null;
        }

        // The policy reads the date with FhirDates.Parse, as UTC; the calendar day written (Bounds, without Firely's
        // dateTime parse, which was most of this filter's cost) is within a day of that, and the margin covers it.
        return Fhir.FhirDates.Bounds(text) is { } days && days.Earliest < cutoff;
    }
}
