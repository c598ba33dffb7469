using CdsService.Fhir;

namespace CdsService.Policies.Besponsa;

/// <summary>"1 year of age or older" on the order date; also answers whether the adult-only rule applies.</summary>
internal static class AgeCriterion
{
    public const string Id = "age";

    public static CriterionResult Evaluate(Evidence evidence)
    {
        var patient = evidence.Record.Patient;
        var atLeastOne = IsAtLeast(evidence, 1);
        IReadOnlyList<EvidenceItem> evidenceRefs = patient is null ? [] : [Describe.Patient(patient, AgeText(evidence))];
        return atLeastOne switch
        {
            true => new(Id, "Age 1 year or older", CriterionStatus.Met, "Patient is 1 year of age or older", evidenceRefs),
            false => new(Id, "Age 1 year or older", CriterionStatus.NotMet,
                "patient is under 1 year old; safety and efficacy are not established", evidenceRefs, WhenNotMet: Consequence.HardStop,
                Topic: GuidanceTopic.Contraindication),
            null => new(Id, "Age 1 year or older", CriterionStatus.Unknown,
                patient is null ? "No Patient resource, so age is unknown" : "Patient's birth date is not recorded", evidenceRefs),
        };
    }

    // Ages above 89 are reported as "90 or older" (HIPAA Safe Harbor treats exact higher ages as identifying).
    private static string AgeText(Evidence evidence)
    {
        if (FhirDates.Bounds(evidence.Record.Patient?.BirthDate) is not { } birth)
        {
            return "Patient, birth date not recorded";
        }

        var years = evidence.OrderDate.Year - birth.Latest.Year - (evidence.OrderDate.DayOfYear < birth.Latest.DayOfYear ? 1 : 0);
        return years switch
        {
            < 0 => "Patient, birth date after the order date",
            > 89 => "Patient aged 90 or older on the order date",
            0 => "Patient aged under 1 year on the order date",
            _ => $"Patient aged {years} on the order date",
        };
    }

    /// <summary>True or false when the birth date settles it, null when it is missing or too imprecise.</summary>
    public static bool? IsAtLeast(Evidence evidence, int years)
    {
        if (FhirDates.Bounds(evidence.Record.Patient?.BirthDate) is not { } birth)
        {
            return null;
        }

        if (SafeDates.AddYears(birth.Latest, years) <= evidence.OrderDate)
        {
            return true;
        }

        return SafeDates.AddYears(birth.Earliest, years) > evidence.OrderDate ? false : null;
    }
}
