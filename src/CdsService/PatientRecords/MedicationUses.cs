using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace CdsService.PatientRecords;

/// <summary>Normalises the three medication resources into <see cref="MedicationUse"/>.</summary>
internal static class MedicationUses
{
    public static MedicationUse From(MedicationRequest request, MedicationIndex medications)
    {
        var authored = ParseDate(request.AuthoredOn);
        return Use(request, request.Medication, request.Contained, medications, request.Status, authored, request.StatusReason is null ? [] : [request.StatusReason]) with
        {
            Intent = request.Intent is null ? null : EnumUtility.GetLiteral(request.Intent),
            DoNotPerform = request.DoNotPerform == true,
            End = authored,
        };
    }

    public static MedicationUse From(MedicationStatement statement, MedicationIndex medications)
    {
        var start = EffectiveDate(statement.Effective) ?? ParseDate(statement.DateAsserted);
        return Use(statement, statement.Medication, statement.Contained, medications, statement.Status, start, statement.StatusReason) with
        {
            Fulfils = [.. statement.BasedOn.Select(r => r.Reference).OfType<string>()],
            End = EffectiveEnd(statement.Effective) ?? start,
        };
    }

    public static MedicationUse From(MedicationAdministration administration, MedicationIndex medications)
    {
        var start = EffectiveDate(administration.Effective);
        return Use(administration, administration.Medication, administration.Contained, medications, administration.Status, start, administration.StatusReason) with
        {
            Fulfils = administration.Request?.Reference is { } order ? [order] : [],
            End = EffectiveEnd(administration.Effective) ?? start,
        };
    }

    private static MedicationUse Use<TStatus>(
        DomainResource source, DataType? medication, List<Resource> contained, MedicationIndex medications, TStatus? status,
        DateTimeOffset? date, IReadOnlyList<CodeableConcept> reasons)
        where TStatus : struct, Enum
    {
        var resolved = medications.Resolve(medication, contained);
        return new MedicationUse(source, resolved.Codes, status is { } s ? EnumUtility.GetLiteral(s) : null, date, reasons)
        {
            UnresolvedMedication = resolved.Unresolved,
        };
    }

    private static DateTimeOffset? EffectiveDate(DataType? effective) => effective switch
    {
        FhirDateTime dt => ParseDate(dt.Value),
        Period p => ParseDate(p.Start) ?? ParseDate(p.End),
        _ => null,
    };

    private static DateTimeOffset? EffectiveEnd(DataType? effective) => effective is Period p ? ParseDate(p.End) : null;

    private static DateTimeOffset? ParseDate(string? value) => Fhir.FhirDates.Parse(value);
}
