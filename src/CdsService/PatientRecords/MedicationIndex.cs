using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>The codings of a medication[x], or the reference that could not be followed to a Medication.</summary>
internal readonly record struct ResolvedMedication(IReadOnlyList<Coding> Codes, string? Unresolved);

/// <summary>
/// Every Medication the hook call has seen (prefetch, draftOrders, the FHIR server), by id, so that a
/// <c>medicationReference</c> resolves wherever the Medication arrived: contained in the resource, in the
/// <c>draftOrders</c> Bundle, in any prefetched Bundle (<c>_include</c>, the <c>medications</c> key) or read later.
/// </summary>
internal sealed class MedicationIndex
{
    public static readonly MedicationIndex Empty = new(new Dictionary<string, Medication>());

    private readonly IReadOnlyDictionary<string, Medication> _byId;

    private MedicationIndex(IReadOnlyDictionary<string, Medication> byId) => _byId = byId;

    public int Count => _byId.Count;

    public static MedicationIndex From(IEnumerable<Resource> resources)
    {
        var byId = new Dictionary<string, Medication>(StringComparer.Ordinal);
        foreach (var medication in Flatten(resources).OfType<Medication>().Where(m => m.Id is not null))
        {
            byId.TryAdd(medication.Id!, medication);
        }

        return new MedicationIndex(byId);
    }

    /// <summary>The codings of an order's or a history entry's medication[x].</summary>
    public ResolvedMedication Resolve(DataType? medication, IEnumerable<Resource> contained)
    {
        switch (medication)
        {
            case CodeableConcept concept:
                return new(concept.Coding, null);
            case ResourceReference { Reference: { Length: > 0 } reference } when reference.StartsWith('#'):
                var local = contained.OfType<Medication>().FirstOrDefault(m => m.Id == reference[1..]);
                return local is null ? new([], reference) : new(local.Code?.Coding ?? [], null);
            case ResourceReference { Reference: { Length: > 0 } reference }:
                var id = IdOf(reference);
                return id is not null && _byId.TryGetValue(id, out var found) ? new(found.Code?.Coding ?? [], null) : new([], $"Medication/{id ?? "?"}");
            case ResourceReference:
                return new([], "Medication (named without a reference)");
            default:
                return new([], "Medication (not stated)");
        }
    }

    /// <summary>The Medication id a literal reference names (relative, absolute, with or without _history).</summary>
    public static string? IdOf(string reference)
    {
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        var path = history >= 0 ? reference[..history] : reference;
        var marker = path.LastIndexOf("Medication/", StringComparison.Ordinal);
        if (marker < 0 || (marker > 0 && path[marker - 1] != '/'))
        {
            return null;
        }

        var id = path[(marker + "Medication/".Length)..];
        return id.Length > 0 && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? id : null;
    }

    private static IEnumerable<Resource> Flatten(IEnumerable<Resource> resources)
    {
        foreach (var resource in resources)
        {
            if (resource is Bundle bundle)
            {
                foreach (var entry in bundle.Entry.Where(e => e.Resource is not null and not Bundle))
                {
                    yield return entry.Resource!;
                }
            }
            else
            {
                yield return resource;
            }
        }
    }
}
