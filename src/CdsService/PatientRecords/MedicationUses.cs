using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace CdsService.PatientRecords;

/// <summary>Normalises the three medication resources into <see cref="MedicationUse"/>.</summary>
internal static class MedicationUses
{
    public static MedicationUse From(MedicationRequest request, MedicationIndex medications)
    {
        var medication = medications.Resolve(request.Medication, request.Contained);
        var authored = ParseDate(request.AuthoredOn);
        return new MedicationUse(
            request,
            medication.Codes,
            request.Status is null ? null : EnumUtility.GetLiteral(request.Status),
            authored,
            request.StatusReason is null ? [] : [request.StatusReason])
        {
            UnresolvedMedication = medication.Unresolved,
            Intent = request.Intent is null ? null : EnumUtility.GetLiteral(request.Intent),
            DoNotPerform = request.DoNotPerform == true,
            End = authored,
        };
    }

    public static MedicationUse From(MedicationStatement statement, MedicationIndex medications)
    {
        var medication = medications.Resolve(statement.Medication, statement.Contained);
        var start = EffectiveDate(statement.Effective) ?? ParseDate(statement.DateAsserted);
        return new MedicationUse(
            statement,
            medication.Codes,
            statement.Status is null ? null : EnumUtility.GetLiteral(statement.Status),
            start,
            statement.StatusReason)
        {
            UnresolvedMedication = medication.Unresolved,
            Fulfils = [.. statement.BasedOn.Select(r => r.Reference).OfType<string>()],
            End = EffectiveEnd(statement.Effective) ?? start,
        };
    }

    public static MedicationUse From(MedicationAdministration administration, MedicationIndex medications)
    {
        var medication = medications.Resolve(administration.Medication, administration.Contained);
        var start = EffectiveDate(administration.Effective);
        return new MedicationUse(
            administration,
            medication.Codes,
            administration.Status is null ? null : EnumUtility.GetLiteral(administration.Status),
            start,
            administration.StatusReason)
        {
            UnresolvedMedication = medication.Unresolved,
            Fulfils = administration.Request?.Reference is { } order ? [order] : [],
            End = EffectiveEnd(administration.Effective) ?? start,
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
