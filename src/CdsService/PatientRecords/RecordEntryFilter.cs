using System.Runtime.InteropServices;
using System.Text;
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
/// <remarks>
/// Each resource's members are read in one pass (<see cref="Members"/>): a lookup by name scans an object's members
/// from the end, and the six or seven lookups an Observation needed were a third of this filter's cost. As with a
/// lookup, the last of a repeated key counts; the FHIR reader refuses a resource with a key twice anyway.
/// </remarks>
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
    /// <returns>A filter for one request's entries, called one entry at a time (it keeps a memo that is not thread-safe).</returns>
    public static Func<JsonElement, bool> For(string patientId, IRecordInterest interest, DateOnly? earliestOrderDate = null)
    {
        // Built once per request, not per entry: the reference text the common case compares against, the types as
        // UTF-8 (compared in place, without transcoding), and what each coding means to the policy: a chart repeats a
        // handful of lab codes for months, so each distinct coding is looked up once.
        var request = new RequestFilter(
            new PatientReference(patientId),
            [.. interest.ResourceTypes.Select(t => (t, Encoding.UTF8.GetBytes(t)))],
            interest,
            earliestOrderDate);
        return request.Keep;
    }

    private sealed class RequestFilter(PatientReference patient, (string Name, byte[] Utf8)[] types, IRecordInterest interest, DateOnly? earliestOrderDate)
    {
        private readonly Dictionary<(string System, string Code), (bool Matters, int? Days)> _codings = [];

        public bool Keep(JsonElement resource)
        {
            if (resource.ValueKind != JsonValueKind.Object)
            {
                return true;
            }

            var members = Members.Of(resource);
            if (members.ResourceType is not { ValueKind: JsonValueKind.String } typeJson)
            {
                return true;
            }

            return TypeOf(typeJson) switch
            {
                null => false,
                // Referenced by medication uses of this patient; it names no patient itself.
                "Medication" => true,
                "Patient" => members.Id is not { ValueKind: JsonValueKind.String } id || id.ValueEquals(patient.IdUtf8),
                "Coverage" => Mine(members.Beneficiary),
                "Observation" => Mine(members.Subject) && MayMatter(members),
                _ => Mine(members.Subject),
            };
        }

        private string? TypeOf(JsonElement typeJson)
        {
            foreach (var type in types)
            {
                if (typeJson.ValueEquals(type.Utf8))
                {
                    return type.Name;
                }
            }

            return null;
        }

        private bool Mine(JsonElement? element)
        {
            if (element is not { } reference)
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

        private bool MayMatter(in Members observation)
        {
            var lookback = new Lookback();
            Matches(observation.Code, ref lookback);
            Matches(observation.ValueCodeableConcept, ref lookback);
            if (observation.Component is { ValueKind: JsonValueKind.Array } components)
            {
                foreach (var component in components.EnumerateArray())
                {
                    if (component.ValueKind == JsonValueKind.Object)
                    {
                        Matches(component.TryGetProperty("code"u8, out var code) ? code : null, ref lookback);
                        Matches(component.TryGetProperty("valueCodeableConcept"u8, out var value) ? value : null, ref lookback);
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

        private void Matches(JsonElement? element, ref Lookback lookback)
        {
            if (element is not { } concept)
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
                    if (Interest(system.GetString()!, code.GetString()!) is (true, var days))
                    {
                        lookback.Keep(days);
                    }
                }
                else
                {
                    lookback.Keep(null);
                }
            }
        }

        /// <summary>Whether a coding matters to the policy and, if only within a window before the order, how many days.</summary>
        private (bool Matters, int? Days) Interest(string system, string code)
        {
            ref var known = ref CollectionsMarshal.GetValueRefOrAddDefault(_codings, (system, code), out var seen);
            if (!seen)
            {
                known = interest.ObservationCodingMatters(system, code) ? (true, interest.ObservationLookbackDays(system, code)) : (false, null);
            }

            return known;
        }
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

    /// <summary>The forms a reference to the patient takes: <c>Patient/id</c>, or an absolute URL ending in it.</summary>
    private sealed class PatientReference(string id)
    {
        public string Relative { get; } = "Patient/" + id;

        public string Suffix { get; } = "/Patient/" + id;

        // The id and the relative reference as UTF-8, compared with the JSON in place.
        public byte[] IdUtf8 { get; } = Encoding.UTF8.GetBytes(id);

        public byte[] RelativeUtf8 { get; } = Encoding.UTF8.GetBytes("Patient/" + id);
    }

    /// <summary>
    /// True only when the result's date, read as the policy reads it (effective[x]'s start, else issued), parses and
    /// falls before <paramref name="cutoff"/>. Anything else (no date, an odd shape, two effective[x]) is kept.
    /// </summary>
    private static bool OlderThan(in Members observation, DateOnly cutoff)
    {
        if (observation.Effectives > 1)
        {
            return false;
        }

        var text = observation.EffectiveText();
        if (observation.Effectives == 0 || (text is null && observation.EffectiveType == EffectiveKind.Timing))
        {
            // BaselineLiverTests falls back to issued when there is no effective dateTime, period or instant.
            text = observation.Issued is { ValueKind: JsonValueKind.String } issued ? issued.GetString() : null;
        }

        // The policy reads the date with FhirDates.Parse, as UTC; the calendar day written (Bounds, without Firely's
        // dateTime parse, which was most of this filter's cost) is within a day of that, and the margin covers it.
        return Fhir.FhirDates.Bounds(text) is { } days && days.Earliest < cutoff;
    }

    private enum EffectiveKind
    {
        None,
        DateTime,
        Period,
        Timing,
    }

    /// <summary>The members the filter reads, found in one pass over the resource; the last of a repeated key counts.</summary>
    private struct Members
    {
        public JsonElement? ResourceType;
        public JsonElement? Id;
        public JsonElement? Subject;
        public JsonElement? Beneficiary;
        public JsonElement? Code;
        public JsonElement? ValueCodeableConcept;
        public JsonElement? Component;
        public JsonElement? Issued;

        /// <summary>How many effective[x] members there are (dateTime, instant, period or timing).</summary>
        public int Effectives;

        /// <summary>The value of the last effective[x] member, and which of them it was.</summary>
        public JsonElement? Effective;

        public EffectiveKind EffectiveType;

        public static Members Of(JsonElement resource)
        {
            var found = new Members();
            foreach (var member in resource.EnumerateObject())
            {
                found.Take(Fhir.JsonInput.NameUtf8(member), member.Value);
            }

            return found;
        }

        private void Take(ReadOnlySpan<byte> name, JsonElement value)
        {
            if (name.SequenceEqual("resourceType"u8))
            {
                ResourceType = value;
            }
            else if (name.SequenceEqual("id"u8))
            {
                Id = value;
            }
            else if (name.SequenceEqual("subject"u8))
            {
                Subject = value;
            }
            else if (name.SequenceEqual("beneficiary"u8))
            {
                Beneficiary = value;
            }
            else if (name.SequenceEqual("code"u8))
            {
                Code = value;
            }
            else if (name.SequenceEqual("valueCodeableConcept"u8))
            {
                ValueCodeableConcept = value;
            }
            else if (name.SequenceEqual("component"u8))
            {
                Component = value;
            }
            else if (name.SequenceEqual("issued"u8))
            {
                Issued = value;
            }
            else if (EffectiveKindOf(name) is var kind and not EffectiveKind.None)
            {
                (Effectives, Effective, EffectiveType) = (Effectives + 1, value, kind);
            }
        }

        private static EffectiveKind EffectiveKindOf(ReadOnlySpan<byte> name) =>
            name.SequenceEqual("effectiveDateTime"u8) || name.SequenceEqual("effectiveInstant"u8) ? EffectiveKind.DateTime
            : name.SequenceEqual("effectivePeriod"u8) ? EffectiveKind.Period
            : name.SequenceEqual("effectiveTiming"u8) ? EffectiveKind.Timing
            : EffectiveKind.None;

        /// <summary>The one effective[x]'s date as written (a period's start); null for a timing or an odd shape.</summary>
        public readonly string? EffectiveText() => (EffectiveType, Effective) switch
        {
            (EffectiveKind.DateTime, { ValueKind: JsonValueKind.String } dateTime) => dateTime.GetString(),
            (EffectiveKind.Period, { ValueKind: JsonValueKind.Object } period) =>
                period.TryGetProperty("start"u8, out var start) && start.ValueKind == JsonValueKind.String ? start.GetString() : null,
            _ => null,
        };
    }
}
