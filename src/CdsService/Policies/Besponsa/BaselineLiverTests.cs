using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// The label's hepatotoxicity warning wants ALT, AST, total bilirubin and alkaline phosphatase before each dose.
/// When a recent baseline is missing, the policy proposes the missing tests as draft ServiceRequests
/// (CRD "additional orders" guidance).
/// </summary>
internal static class BaselineLiverTests
{
    private static readonly (string Name, CodeSet Codes, string Loinc, string Display)[] Tests =
    [
        ("ALT", BesponsaValueSets.Alt, "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
        ("AST", BesponsaValueSets.Ast, "1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
        ("total bilirubin", BesponsaValueSets.TotalBilirubin, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
        ("alkaline phosphatase", BesponsaValueSets.AlkalinePhosphatase, "6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma"),
    ];

    public static Finding? Check(Evidence evidence, int windowDays, string drugName)
    {
        var from = Fhir.FhirDates.Shift(evidence.OrderDate, days: -windowDays);
        bool Recent(Observation o) => Fhir.FhirDates.Parse(EffectiveStart(o)) is { } when
            && DateOnly.FromDateTime(when.UtcDateTime) >= from
            && DateOnly.FromDateTime(when.UtcDateTime) <= evidence.OrderDate;

        var panel = evidence.Results(BesponsaValueSets.HepaticPanel).Any(Recent);
        var missing = Tests.Where(t => !panel && !evidence.Results(t.Codes).Any(Recent)).ToList();
        if (missing.Count == 0)
        {
            return null;
        }

        var names = string.Join(", ", missing.Select(t => t.Name));
        return new Finding(
            FindingKind.AdditionalOrders,
            $"Order baseline liver tests before {drugName}: {names}",
            $"No {names} result from the last {windowDays} days was found. The label requires liver tests before and after each dose (hepatotoxicity and VOD warning).",
            [AttestationCriteria.LftId],
            GuidanceTopic.AppropriateUse,
            [.. missing.Select(t => new ProposedOrder($"Order {t.Name}", Order(evidence.Record.PatientId, t.Loinc, t.Display)))]);
    }

    private static string? EffectiveStart(Observation o) => o.Effective switch
    {
        FhirDateTime dt => dt.Value,
        Period p => p.Start,
        Instant i => i.Value?.ToString("o"),
        _ => o.Issued?.ToString("o"),
    };

    private static ServiceRequest Order(string patientId, string loinc, string display) => new()
    {
        Status = RequestStatus.Draft,
        Intent = RequestIntent.Order,
        // SNOMED 108252007 "Laboratory procedure": the US Core ServiceRequest category for labs (also MII pathology IG).
        Category = [new CodeableConcept { Coding = [new Coding(Terminology.CodeSystems.Snomed, "108252007", "Laboratory procedure")] }],
        Code = new CodeableConcept { Coding = [new Coding(Terminology.CodeSystems.Loinc, loinc, display)], Text = display },
        Subject = new ResourceReference($"Patient/{patientId}"),
    };
}
