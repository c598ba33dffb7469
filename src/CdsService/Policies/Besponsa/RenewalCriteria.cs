using CdsService.PatientRecords;
using Hl7.Fhir.Model;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// Renewal: "NO disease progression or unacceptable toxicities". Both are facts about the treatment so far, judged
/// from the first Besponsa dose actually received: a disease status, a VOD or a stop for toxicity dated before it
/// says nothing about Besponsa (an earlier VOD is shown as a risk factor), and an attestation signed before it does
/// not count. Either fact makes the renewal not approvable; hepatic VOD means permanent discontinuation.
/// </summary>
internal static class RenewalCriteria
{
    public const string ProgressionId = "no-progression";
    public const string ToxicityId = "no-unacceptable-toxicity";

    private const string ProgressionTitle = "No disease progression";
    private const string ToxicityTitle = "No unacceptable toxicity";

    public static CriterionResult NoProgression(Evidence evidence, RequestKind kind)
    {
        if (kind == RequestKind.Initial)
        {
            return new(ProgressionId, ProgressionTitle, CriterionStatus.NotApplicable, "Applies to renewals only", []);
        }

        var latest = evidence.Results(BesponsaValueSets.DiseaseStatus)
            .Where(o => o.Value is CodeableConcept && OnTreatment(evidence, Describe.EffectiveStart(o)) == true)
            .OrderByDescending(o => Describe.EffectiveStart(o) ?? DateTimeOffset.MinValue)
            .FirstOrDefault();
        if (latest?.Value is CodeableConcept status)
        {
            if (BesponsaValueSets.Progression.ContainsAny(status))
            {
                return Progressed("disease has progressed on Besponsa", [Describe.Observation(latest)]);
            }

            if (BesponsaValueSets.NoProgression.ContainsAny(status))
            {
                return new(ProgressionId, ProgressionTitle, CriterionStatus.Met, "Latest disease status on Besponsa shows no progression", [Describe.Observation(latest)]);
            }
        }

        return evidence.RenewalAnswer(Items.DiseaseProgression) switch
        {
            true => Progressed("prescriber reports disease progression", [evidence.Attested("disease progression: yes")]),
            false => new(ProgressionId, ProgressionTitle, CriterionStatus.Met, "Prescriber reports no disease progression", [evidence.Attested("disease progression: no")]),
            null => new(ProgressionId, ProgressionTitle, CriterionStatus.Unknown, NoAnswer(evidence, Items.DiseaseProgression, "No disease status since the first Besponsa dose is documented"),
                PredatingAnswer(evidence, Items.DiseaseProgression)),
        };
    }

    public static CriterionResult NoUnacceptableToxicity(Evidence evidence, RequestKind kind)
    {
        if (kind == RequestKind.Initial)
        {
            return new(ToxicityId, ToxicityTitle, CriterionStatus.NotApplicable, "Applies to renewals only", []);
        }

        var vod = evidence.AssertedConditions.Where(c => BesponsaValueSets.HepaticVod.ContainsAny(c.Code)).ToList();
        var onTreatment = vod.Where(c => VodOnTreatment(evidence, c) == true).ToList();
        if (onTreatment.Count > 0)
        {
            return HardStop("hepatic VOD occurred on Besponsa; Besponsa must be permanently discontinued", [.. onTreatment.Select(Describe.Condition)]);
        }

        var undated = vod.Where(c => VodOnTreatment(evidence, c) is null).ToList();
        var earlier = vod.Except(undated).Select(c => Describe.Condition(c) with { Description = $"risk factor, before Besponsa: {Describe.Condition(c).Description}" }).ToList();

        var stopped = evidence.Therapy(BesponsaValueSets.Besponsa).Received
            .Concat(evidence.Therapy(BesponsaValueSets.Besponsa).Uncertain)
            .Where(m => m.StatusReasons.Any(BesponsaValueSets.StoppedForToxicity.ContainsAny))
            .ToList();
        if (stopped.Count > 0)
        {
            return HardStop("Besponsa was stopped for an adverse reaction", [.. Describe.Medications(stopped), .. earlier]);
        }

        if (undated.Count > 0)
        {
            return new(ToxicityId, ToxicityTitle, CriterionStatus.Unknown,
                "hepatic VOD is recorded without a date that places it before or after the first Besponsa dose; document whether it occurred on Besponsa", [.. undated.Select(Describe.Condition), .. earlier]);
        }

        return evidence.RenewalAnswer(Items.UnacceptableToxicity) switch
        {
            true => HardStop("prescriber reports unacceptable toxicity", [evidence.Attested("unacceptable toxicity: yes"), .. earlier]),
            false => new(ToxicityId, ToxicityTitle, CriterionStatus.Met, "Prescriber reports no unacceptable toxicity", [evidence.Attested("unacceptable toxicity: no"), .. earlier]),
            null => new(ToxicityId, ToxicityTitle, CriterionStatus.Unknown,
                NoAnswer(evidence, Items.UnacceptableToxicity, "Absence of unacceptable toxicity is not documented"),
                [.. PredatingAnswer(evidence, Items.UnacceptableToxicity), .. earlier], EvidenceKind.Attestation),
        };
    }

    /// <summary>
    /// True when a dated fact is on or after the day of the first Besponsa dose, false before it, null when undated.
    /// Days are the calendar days the record wrote, in its own offset: an evening result at 21:00-05:00 on the day
    /// before the first dose is not moved onto the dosing day by converting it to UTC.
    /// </summary>
    private static bool? OnTreatment(Evidence evidence, DateTimeOffset? when) =>
        when is not { } at ? null : evidence.FirstBesponsaDose is { } first && at.Date >= first.Date;

    /// <summary>
    /// Whether a VOD began on or after the first Besponsa dose (true), before it (false), or cannot be told (null). Only
    /// the onset dates the VOD: a partial onset ("2026") spanning the first dose cannot be placed, and a recordedDate
    /// alone shows only when it was written down, so it places the VOD before treatment when recorded before the first
    /// dose and says nothing otherwise (a 2019 VOD entered in the chart today is no toxicity of Besponsa).
    /// Days are compared as written, in the record's own time zone.
    /// </summary>
    private static bool? VodOnTreatment(Evidence evidence, Condition vod)
    {
        if (evidence.FirstBesponsaDose is not { } first)
        {
            return null;
        }

        var firstDay = DateOnly.FromDateTime(first.Date);
        var onset = vod.Onset switch
        {
            FhirDateTime dt => dt.Value,
            Period p => p.Start,
            _ => null,
        };
        if (onset is not null)
        {
            return Fhir.FhirDates.Bounds(onset) switch
            {
                { } day when day.Earliest >= firstDay => true,
                { } day when day.Latest < firstDay => false,
                _ => null,
            };
        }

        return Fhir.FhirDates.Bounds(vod.RecordedDate) is { } recorded && recorded.Latest < firstDay ? false : null;
    }

    private static string NoAnswer(Evidence evidence, string item, string otherwise) =>
        evidence.RenewalAnswerPredatesTherapy(item)
            ? $"{otherwise}; the questionnaire answer was signed before the first Besponsa dose ({Describe.Day(evidence.FirstBesponsaDose)}) and cannot speak for the treatment"
            : otherwise;

    private static IReadOnlyList<EvidenceItem> PredatingAnswer(Evidence evidence, string item) =>
        evidence.RenewalAnswerPredatesTherapy(item) ? [evidence.Attested("signed before the first Besponsa dose, not counted")] : [];

    private static CriterionResult Progressed(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(ProgressionId, ProgressionTitle, CriterionStatus.NotMet, why, refs, WhenNotMet: Consequence.HardStop);

    private static CriterionResult HardStop(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(ToxicityId, ToxicityTitle, CriterionStatus.NotMet, why, refs, WhenNotMet: Consequence.HardStop, Topic: GuidanceTopic.Contraindication);
}
