using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>Normalises the three medication resources into <see cref="MedicationUse"/>.</summary>
internal static class MedicationUses
{
    public static MedicationUse From(MedicationRequest request, IReadOnlyDictionary<string, Medication> medications) => new(
        request,
        Codes(request.Medication, request.Contained, medications),
        request.Status is null ? null : Hl7.Fhir.Utility.EnumUtility.GetLiteral(request.Status),
        ParseDate(request.AuthoredOn),
        request.StatusReason is null ? [] : [request.StatusReason]);

    public static MedicationUse From(MedicationStatement statement, IReadOnlyDictionary<string, Medication> medications) => new(
        statement,
        Codes(statement.Medication, statement.Contained, medications),
        statement.Status is null ? null : Hl7.Fhir.Utility.EnumUtility.GetLiteral(statement.Status),
        EffectiveDate(statement.Effective) ?? ParseDate(statement.DateAsserted),
        statement.StatusReason);

    public static MedicationUse From(MedicationAdministration administration, IReadOnlyDictionary<string, Medication> medications) => new(
        administration,
        Codes(administration.Medication, administration.Contained, medications),
        administration.Status is null ? null : Hl7.Fhir.Utility.EnumUtility.GetLiteral(administration.Status),
        EffectiveDate(administration.Effective),
        administration.StatusReason);

    /// <summary>
    /// The codings of a medication[x]: inline, or from the Medication it references (contained or in the record).
    /// </summary>
    public static IReadOnlyList<Coding> Codes(DataType? medication, IEnumerable<Resource> contained, IReadOnlyDictionary<string, Medication> medications)
    {
        switch (medication)
        {
            case CodeableConcept concept:
                return concept.Coding;
            case ResourceReference { Reference: { } reference }:
                var id = reference.StartsWith('#') ? reference[1..] : reference[(reference.LastIndexOf('/') + 1)..];
                var found = reference.StartsWith('#')
                    ? contained.OfType<Medication>().FirstOrDefault(m => m.Id == id)
                    : medications.GetValueOrDefault(id);
                return found?.Code?.Coding ?? [];
            default:
                return [];
        }
    }

    private static DateTimeOffset? EffectiveDate(DataType? effective) => effective switch
    {
        FhirDateTime dt => ParseDate(dt.Value),
        Period p => ParseDate(p.Start) ?? ParseDate(p.End),
        _ => null,
    };

    private static DateTimeOffset? ParseDate(string? value) => Fhir.FhirDates.Parse(value);
}
