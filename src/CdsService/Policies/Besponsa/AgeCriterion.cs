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
        var evidenceRefs = patient is null ? Array.Empty<string>() : [Evidence.Ref(patient)];
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

    /// <summary>True or false when the birth date settles it, null when it is missing or too imprecise.</summary>
    public static bool? IsAtLeast(Evidence evidence, int years)
    {
        if (FhirDates.Bounds(evidence.Record.Patient?.BirthDate) is not { } birth)
        {
            return null;
        }

        if (FhirDates.Shift(birth.Latest, years) <= evidence.OrderDate)
        {
            return true;
        }

        return FhirDates.Shift(birth.Earliest, years) > evidence.OrderDate ? false : null;
    }
}
