using System.Globalization;
using CdsService.PatientRecords;
using Hl7.Fhir.Model;

namespace CdsService.Policies;

/// <summary>
/// Plain-text descriptions of chart facts for <see cref="EvidenceItem"/>: what a reviewer needs (test or drug name,
/// value, date, count) and nothing that identifies the patient. No Markdown: the card layer escapes and formats.
/// </summary>
internal static class Describe
{
    public static string Ref(Resource resource) => $"{resource.TypeName}/{resource.Id}";

    public static EvidenceItem Condition(Condition condition) =>
        new(Join(Name(condition.Code), Day(OnsetOrRecorded(condition))), [Ref(condition)]);

    public static EvidenceItem Observation(Observation observation) =>
        new(Join($"{Name(observation.Code)} {Value(observation)}".TrimEnd(), Day(EffectiveStart(observation))), [Ref(observation)]);

    public static EvidenceItem Patient(Patient patient, string what) => new(what, [Ref(patient)]);

    /// <summary>One item per drug: "cyclophosphamide, 6 administrations, 2024-09-02 to 2024-12-10".</summary>
    public static IEnumerable<EvidenceItem> Medications(IEnumerable<MedicationUse> uses) =>
        uses.GroupBy(u => MedicationName(u.Codes), StringComparer.OrdinalIgnoreCase).Select(g =>
        {
            var dates = g.Select(u => u.Date).OfType<DateTimeOffset>().Order().ToList();
            var span = dates.Count switch
            {
                0 => null,
                _ when Day(dates[0]) == Day(dates[^1]) => Day(dates[0]),
                _ => $"{Day(dates[0])} to {Day(dates[^1])}",
            };
            return new EvidenceItem(Join(g.Key, Count(g.ToList()), span), [.. g.Select(u => u.Reference).Distinct()]);
        });

    public static EvidenceItem Attestation(Attestations attestations, string what) =>
        new(Join($"Prescriber questionnaire: {what}", Day(attestations.Authored)), [attestations.Reference!]);

    /// <summary>The readable name of a concept: its text, a display, or "system code".</summary>
    public static string Name(CodeableConcept? concept)
    {
        if (!string.IsNullOrWhiteSpace(concept?.Text))
        {
            return concept.Text.Trim();
        }

        var coding = concept?.Coding.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Display)) ?? concept?.Coding.FirstOrDefault();
        return coding is null ? "uncoded entry" : Name(coding);
    }

    public static string MedicationName(IReadOnlyList<Coding> codes)
    {
        var named = codes.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Display)) ?? (codes.Count > 0 ? codes[0] : null);
        return named is null ? "unidentified medication" : Name(named);
    }

    public static string Day(DateTimeOffset? when) =>
        when is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";

    private static string Name(Coding coding) =>
        !string.IsNullOrWhiteSpace(coding.Display) ? coding.Display.Trim() : $"{ShortSystem(coding.System)} {coding.Code}".Trim();

    private static string ShortSystem(string? system) => system switch
    {
        Terminology.CodeSystems.RxNorm => "RxNorm",
        Terminology.CodeSystems.Ndc => "NDC",
        Terminology.CodeSystems.Icd10Cm => "ICD-10-CM",
        Terminology.CodeSystems.Snomed => "SNOMED CT",
        Terminology.CodeSystems.Loinc => "LOINC",
        Terminology.CodeSystems.Atc => "ATC",
        Terminology.CodeSystems.IcdO3 => "ICD-O-3",
        _ when system is not null && Terminology.CodeSystems.Hcpcs.Contains(system) => "HCPCS",
        _ => "code",
    };

    private static string Count(IReadOnlyList<MedicationUse> uses)
    {
        var kinds = uses.GroupBy(u => u.Source.TypeName).Select(g => $"{g.Count()} {Noun(g.Key, g.Count())}");
        return string.Join(", ", kinds);
    }

    private static string Noun(string type, int count) => (type, count == 1) switch
    {
        ("MedicationAdministration", true) => "administration",
        ("MedicationAdministration", false) => "administrations",
        ("MedicationStatement", true) => "statement of use",
        ("MedicationStatement", false) => "statements of use",
        (_, true) => "order",
        _ => "orders",
    };

    private static string Value(Observation observation) => observation.Value switch
    {
        Quantity q => $"{Comparator(q.Comparator)}{q.Value?.ToString(CultureInfo.InvariantCulture)} {q.Unit ?? q.Code}".TrimEnd(),
        CodeableConcept cc => Name(cc),
        FhirString s => s.Value ?? "",
        FhirBoolean b => b.Value == true ? "yes" : "no",
        Integer i => i.Value?.ToString(CultureInfo.InvariantCulture) ?? "",
        null when observation.DataAbsentReason is { } reason => $"no value ({Name(reason)})",
        null when observation.Interpretation.Count > 0 => Name(observation.Interpretation[0]),
        _ => "",
    } + (observation.Value is not null and not CodeableConcept && observation.Interpretation.Count > 0
        ? $" ({Name(observation.Interpretation[0])})"
        : "");

    private static string Comparator(Quantity.QuantityComparator? comparator) => comparator switch
    {
        Quantity.QuantityComparator.LessThan => "< ",
        Quantity.QuantityComparator.LessOrEqual => "<= ",
        Quantity.QuantityComparator.GreaterThan => "> ",
        Quantity.QuantityComparator.GreaterOrEqual => ">= ",
        _ => "",
    };

    public static DateTimeOffset? OnsetOrRecorded(Condition condition) => condition.Onset switch
    {
        FhirDateTime dt => Fhir.FhirDates.Parse(dt.Value),
        Period p => Fhir.FhirDates.Parse(p.Start),
        _ => Fhir.FhirDates.Parse(condition.RecordedDate),
    };

    public static DateTimeOffset? EffectiveStart(Observation observation) => observation.Effective switch
    {
        FhirDateTime dt => Fhir.FhirDates.Parse(dt.Value),
        Period p => Fhir.FhirDates.Parse(p.Start) ?? Fhir.FhirDates.Parse(p.End),
        Instant i => i.Value,
        _ => observation.Issued,
    };

    private static string Join(params string?[] parts) => string.Join(", ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
}
