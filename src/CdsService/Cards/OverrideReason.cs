using CdsService.CdsHooks.Wire;

namespace CdsService.Cards;

/// <summary>Reasons a clinician may give for overriding a warning or critical card (each with a display, cds-resp-4).</summary>
internal static class OverrideReason
{
    public static IReadOnlyList<CdsCoding> All(string canonicalBase)
    {
        var system = $"{canonicalBase.TrimEnd('/')}/CodeSystem/prior-auth-override-reason";
        return
        [
            new(system, "documented-elsewhere", "Criteria are documented outside the EHR; will submit with the prior authorization"),
            new(system, "clinical-judgment", "Patient-specific clinical judgment; will request a medical necessity review"),
            new(system, "not-this-payer", "Patient's coverage for this order is with another payer"),
        ];
    }
}
